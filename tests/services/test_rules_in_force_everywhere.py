"""Issue 13, "the same situation gets the same answer everywhere": a practice that lengthens the
minimum monitoring time (rule monitoring_minimum_time) gets that minimum on the monitoring
clock, in its prompts and in the role suggested for a reading, as signing and discharge
already apply it. Before, the clock said "2-hour minimum reached" (green) at minute 120 while
discharge still needed 150 minutes. All data is fictional."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kapnotes import policy
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.domain.vitals import ReadingRole
from kapnotes.services.dose_checks import OverrideNeeded
from kapnotes.services.monitoring_views import ClockLevel

START = datetime(2026, 11, 20, 9, 0)


@pytest.fixture
def longer_minimum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"version": 1, "settings": {"clinical_rules": {"value": {
        "monitoring_minimum_time": {"minutes": 150}}}}}), encoding="utf-8")
    monkeypatch.setenv(policy.POLICY_ENV, str(path))


def vitals(sys_: int, dia: int) -> dict[str, int]:
    return {"systolic": sys_, "diastolic": dia, "heart_rate": 72, "spo2": 98}


def dosed_session(services: object) -> int:
    client = services.clients.create(Client(code="KAP-613", full_name="Lee Fictional")).id
    course = services.courses.create(Course(client_id=client, protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 2))).id
    sid = services.notes.create_session(course_id=course, kind=SessionKind.DOSING,
                                        starts_at=START).id
    services.monitoring.save_screen(
        client, Screen(START.date(), tuple(ScreenAnswer(i, Answer.NO) for i in ScreenItem)),
        screened_by="Dr Kim Sample")
    services.monitoring.add_reading(sid, "pre_dose", vitals(128, 82),
                                    at=START - timedelta(minutes=10))
    services.monitoring.add_device(sid, at=START)
    services.monitoring.add_reading(sid, "forty_minutes", vitals(130, 84),
                                    at=START + timedelta(minutes=40))
    return sid


def test_a_lengthened_minimum_is_the_one_the_clock_and_prompts_use(
        longer_minimum: None, services: object, clock: object) -> None:
    m = services.monitoring
    sid = dosed_session(services)
    clock.now = START + timedelta(minutes=130)
    status = m.clock_status(sid)
    assert "150-minute minimum in 20 min" in status.text
    assert "minimum reached" not in status.text and status.level != ClockLevel.DONE
    assert not any("minimum reached" in p for p in m.prompts(sid))
    assert m.suggested_role(sid) is ReadingRole.EXTRA  # not yet the end of the session
    with pytest.raises(OverrideNeeded, match="150-minute minimum"):
        m.update_record(sid, {"ended_at": clock.now})
    clock.now = START + timedelta(minutes=150)
    assert m.suggested_role(sid) is ReadingRole.END_OF_SESSION
    assert "150-minute minimum reached: discharge assessment can begin" in m.prompts(sid)
    assert "150-minute minimum reached — end-of-session BP due" in m.clock_status(sid).text


def test_without_a_policy_the_shipped_two_hours_apply(services: object, clock: object) -> None:
    m = services.monitoring
    sid = dosed_session(services)
    clock.now = START + timedelta(minutes=121)
    assert "2-hour minimum reached" in m.clock_status(sid).text
    assert m.suggested_role(sid) is ReadingRole.END_OF_SESSION
