"""A practice policy tightens the clinical rules; a loosening is refused naming the rule, and
the vitals thresholds come from the same rules (kapnotes/rules.py, docs/CLINICAL-RULES.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kapnotes import policy, rules
from kapnotes.domain.errors import ValidationError
from kapnotes.services import practice_settings
from kapnotes.services.settings_service import THRESHOLDS, SettingsService
from kapnotes.storage import settings


def write_policy(path: Path, entries: dict[str, object]) -> None:
    path.write_text(json.dumps({"version": 1, "settings": entries}), encoding="utf-8")


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policy.json"
    monkeypatch.setenv(policy.POLICY_ENV, str(path))
    return path


def test_policy_tightens_a_rule_and_the_rules_in_force_follow(policy_file: Path) -> None:
    assert rules.current_rules().value("ketamine_iv_dose_override", "override_above") == 1.0
    write_policy(policy_file, {"clinical_rules": {"value": {
        "ketamine_iv_dose_override": {"override_above": 0.8},
        "spo2_low": {"below": 94}}}})
    in_force = rules.current_rules()
    assert in_force.value("ketamine_iv_dose_override", "override_above") == 0.8
    assert set(in_force.practice_set()) == {("ketamine_iv_dose_override", "override_above"),
                                            ("spo2_low", "below")}
    assert rules.vitals_defaults(in_force).alert_spo2_below == 94


def test_policy_loosening_is_refused_naming_the_rule_and_shipped_values_stay(
        policy_file: Path) -> None:
    write_policy(policy_file, {"clinical_rules": {"value": {
        "ketamine_iv_dose_override": {"override_above": 6}}}})
    loaded = policy.current_policy()
    assert "clinical_rules" not in loaded.entries
    (problem,) = loaded.problems
    assert "would loosen rule 'ketamine_iv_dose_override'" in problem
    assert rules.current_rules().value("ketamine_iv_dose_override", "override_above") == 1.0


def test_vitals_threshold_loosening_is_refused_in_policy_and_by_the_user(
        open_vault, policy_file: Path) -> None:
    write_policy(policy_file, {"vitals_thresholds": {"value": {"alert_systolic_above": 200}}})
    (problem,) = policy.current_policy().problems
    assert "would loosen rule 'bp_alert'" in problem
    service = SettingsService(open_vault)
    with pytest.raises(ValidationError, match="would loosen rule 'spo2_low'"):
        service.save({THRESHOLDS: {"alert_spo2_below": 85}})  # as Settings saves
    assert service.vitals_thresholds().alert_spo2_below == 92
    service.save({THRESHOLDS: {"alert_spo2_below": 95}})  # tighter: accepted
    assert service.vitals_thresholds().alert_spo2_below == 95


def test_a_looser_value_stored_earlier_gives_way_to_the_rules(open_vault,
                                                              policy_file: Path) -> None:
    settings.set_json(open_vault, practice_settings.THRESHOLDS_KEY,
                      {"alert_systolic_above": 220, "alert_spo2_below": 95})
    got = practice_settings.MonitoringSettings(open_vault).thresholds()
    assert (got.alert_systolic_above, got.alert_spo2_below) == (180, 95)


def test_the_code_defaults_are_the_shipped_rules_not_a_second_copy() -> None:
    """Domain functions take the thresholds in force from their callers; their fallback
    defaults (VitalsThresholds(), the 120-minute minimum) must equal the shipped rule files,
    so a caller that forgets to pass them still gets the documented answer."""
    from kapnotes.domain.monitoring import MINIMUM_MONITORING_MINUTES, ROLE_WINDOWS
    from kapnotes.domain.vitals import VitalsThresholds

    shipped = rules.builtin_rules()
    assert rules.vitals_defaults(shipped) == VitalsThresholds()
    assert rules.minimum_monitoring_minutes(shipped) == MINIMUM_MONITORING_MINUTES
    assert rules.role_windows(shipped) == ROLE_WINDOWS
