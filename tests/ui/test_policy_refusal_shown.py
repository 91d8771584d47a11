"""Issue 13 "Done when": a practice policy that would loosen a clinical rule is refused with a
clear message, and that message reaches the user when the window opens (and in Settings,
tests/ui/test_settings_dialog.py); the shipped rule stays in force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.recording import RecordingPrompter
from PySide6.QtWidgets import QApplication

from kapnotes import policy, rules
from kapnotes.window_run import run_window


@pytest.fixture
def loosening_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"version": 1, "settings": {
        "clinical_rules": {"value": {"ketamine_iv_dose_override": {"override_above": 6}}},
        "vitals_thresholds": {"value": {"discharge_spo2_min": 90}}}}), encoding="utf-8")
    monkeypatch.setenv(policy.POLICY_ENV, str(path))
    return path


def test_the_window_warns_of_each_refused_loosening(qtbot, open_vault, loosening_policy: Path
                                                    ) -> None:
    prompter = RecordingPrompter()
    app = QApplication.instance()
    assert run_window(app, open_vault, prompter, quit_after_ms=300) == 0
    warnings = [text for kind, title, text in prompter.messages
                if kind == "warn" and title == "Practice policy entry ignored"]
    assert len(warnings) == 2
    iv, spo2 = sorted(warnings, key=lambda t: "discharge" in t)
    assert "would loosen rule 'ketamine_iv_dose_override'" in iv and "1 mg/kg" in iv
    assert "would loosen rule 'discharge_limits'" in spo2 and "94%" in spo2
    assert str(loosening_policy) in iv and iv.endswith("ignored.")
    assert rules.current_rules().value("ketamine_iv_dose_override", "override_above") == 1.0
