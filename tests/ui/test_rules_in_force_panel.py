"""Issue 13, "the same situation gets the same answer everywhere", on screen: the monitoring
panel's pre-dose check and its What's This say the pre-dose delay limit in force (a practice's
tightened 130/85), not a fixed "140/90". All data is fictional."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from kapnotes import policy
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.ui.monitoring_panel import MonitoringPanel


@pytest.fixture
def tighter_practice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"version": 1, "settings": {"clinical_rules": {"value": {
        "bp_pre_dose_delay": {"systolic_above": 130, "diastolic_above": 85}}}}}),
        encoding="utf-8")
    monkeypatch.setenv(policy.POLICY_ENV, str(path))


def test_the_panel_shows_the_practice_limits(qtbot, tighter_practice: None, services) -> None:
    client = services.clients.create(Client(code="KAP-721", full_name="Lee Example"))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 11, 2)))
    dose = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                         starts_at=datetime(2026, 11, 20, 9, 0))
    panel = MonitoringPanel(services, dose.id)
    qtbot.addWidget(panel)
    check = panel.checks["predose_vitals_ok"]
    assert "BP > 130/85" in check.text() and "140/90" not in check.text()
    assert "above 130/85" in check.whatsThis()
