"""The clinical rule set in force: the shipped `resources/rules/*.json`, tightened by the
practice policy's `clinical_rules` entry (docs/POLICY.md, docs/CLINICAL-RULES.md).

Every caller (dose entry, monitoring, signing, client header, PDFs) asks `current_rules()`,
so the same situation gets the same answer everywhere. Qt-free and storage-free.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

from kapnotes.domain.clinical_rules import RuleSet, load_rules
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.vitals import ReadingRole, VitalsThresholds
from kapnotes.paths import resource_path
from kapnotes.policy import Policy, current_policy

POLICY_KEY = "clinical_rules"

# VitalsThresholds field → (rule id, threshold name): the vitals defaults come from the rules.
VITALS_FIELDS: dict[str, tuple[str, str]] = {
    "delay_systolic_above": ("bp_pre_dose_delay", "systolic_above"),
    "delay_diastolic_above": ("bp_pre_dose_delay", "diastolic_above"),
    "alert_systolic_above": ("bp_alert", "systolic_above"),
    "alert_diastolic_above": ("bp_alert", "diastolic_above"),
    "alert_spo2_below": ("spo2_low", "below"),
    "alert_heart_rate_above": ("heart_rate_alert", "at_or_above"),
    "alert_heart_rate_below": ("heart_rate_alert", "below"),
    "delay_heart_rate_above": ("heart_rate_pre_dose_delay", "above"),
    "delay_heart_rate_below": ("heart_rate_pre_dose_delay", "below"),
    "discharge_systolic_max": ("discharge_limits", "systolic_max"),
    "discharge_diastolic_max": ("discharge_limits", "diastolic_max"),
    "discharge_spo2_min": ("discharge_limits", "spo2_min"),
    "discharge_heart_rate_max": ("discharge_limits", "heart_rate_max"),
    "discharge_heart_rate_min": ("discharge_limits", "heart_rate_min"),
}


@lru_cache(maxsize=1)
def builtin_rules() -> RuleSet:
    """The shipped rules; a broken file is a release bug, so it raises (tests load them)."""
    return load_rules(resource_path("rules"))


_cache: list[tuple[Policy, RuleSet]] = []


def current_rules(policy: Policy | None = None) -> RuleSet:
    """The shipped rules with the practice's tightening applied (checked when the policy was
    read, so a refused entry is already reported in `Policy.problems` and left out)."""
    chosen = policy if policy is not None else current_policy()
    if _cache and _cache[0][0] is chosen:
        return _cache[0][1]
    entry = chosen.get(POLICY_KEY)
    rules = builtin_rules()
    if entry is not None:
        try:
            rules = rules.tightened(entry.value)
        except ValidationError:
            pass  # cannot happen for a value parse_policy accepted; the shipped rules apply
    _cache[:] = [(chosen, rules)]
    return rules


def check_policy_rules(value: Any) -> dict[str, dict[str, float]]:
    """The policy's `clinical_rules` value, checked; ValueError names the rule if refused."""
    try:
        builtin_rules().tightened(value)
    except ValidationError as exc:
        raise ValueError(f"{exc.field} {exc.reason}") from None
    return {rule: dict(values) for rule, values in value.items()}


def vitals_defaults(rules: RuleSet | None = None) -> VitalsThresholds:
    """The vitals thresholds the rules set (before any user or policy vitals setting)."""
    rs = rules or current_rules()
    values = {f: int(rs.value(rule, name)) for f, (rule, name) in VITALS_FIELDS.items()}
    return replace(VitalsThresholds(), **values)


def vitals_loosened(values: dict[str, Any], rules: RuleSet | None = None) -> str | None:
    """A message naming the rule if any vitals threshold in `values` is looser than the rules
    in force; None when every value is as strict or stricter."""
    rs = rules or current_rules()
    for field, (rule_id, name) in VITALS_FIELDS.items():
        value = values.get(field)
        if value is None or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        threshold = rs.rule(rule_id).thresholds[name]
        if threshold.is_looser(float(value)):
            way = "above" if threshold.stricter == "lower" else "below"
            return (f"{field} {value:g} would loosen rule '{rule_id}' "
                    f"({rs.rule(rule_id).title}): it may be tightened but not set {way} "
                    f"{threshold.shown()}")
    return None


def role_windows(rules: RuleSet | None = None) -> dict[ReadingRole, tuple[int, int | None]]:
    """Minutes after the first device each timed reading role fits (rule reading_role_time)."""
    rs = rules or current_rules()
    return {
        ReadingRole.FORTY_MINUTES: (int(rs.value("reading_role_time", "forty_from")),
                                    int(rs.value("reading_role_time", "forty_to"))),
        ReadingRole.END_OF_SESSION: (int(rs.value("reading_role_time", "end_from")), None),
    }


def minimum_monitoring_minutes(rules: RuleSet | None = None) -> float:
    """The minimum monitoring time in force (rule monitoring_minimum_time)."""
    return (rules or current_rules()).value("monitoring_minimum_time", "minutes")
