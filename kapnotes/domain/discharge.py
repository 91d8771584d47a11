"""Discharge readiness of a dosing session: may the client leave now, and if not, why.

Ready when all of these hold at the discharge time (docs/CLINICAL-RULES.md, "Discharge"):
- the first device time is recorded and the minimum monitoring time (120 minutes) is reached;
- no alert is unresolved: the latest reading of each vital (blood pressure, SpO2, heart rate)
  carries no alert-level finding;
- the latest reading of each vital is within the practice's discharge limits
  (`VitalsThresholds.discharge_*`), and an end-of-session blood pressure exists;
- sedation has resolved: the latest MOAA/S observation is 5 (alert);
- respiratory depression is not recorded (if it was, a clinician reviews before discharge).
Anything else needs a named clinician's override with a written reason. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kapnotes.domain.clinical_rules import RuleFinding, RuleSet
from kapnotes.domain.monitoring import (
    FIRST_DEVICE_AFTER_NOW,
    MINIMUM_MONITORING_MINUTES,
    MonitoringClock,
    MonitoringRecord,
    first_device_after_message,
)
from kapnotes.domain.vitals import (
    ReadingRole,
    Severity,
    VitalsReading,
    VitalsThresholds,
    assess,
)

SEDATION_RESOLVED_MOAAS = 5

# Vital → (label, the reading's fields that hold it).
_VITALS = (
    ("blood_pressure", "Blood pressure", ("systolic", "diastolic")),
    ("spo2", "SpO2", ("spo2",)),
    ("heart_rate", "Heart rate", ("heart_rate",)),
)


@dataclass(frozen=True)
class ReadinessProblem:
    """One reason the client is not ready to leave; `code` is stable, `message` plain."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def _latest(readings: Sequence[VitalsReading], fields: tuple[str, ...]
            ) -> VitalsReading | None:
    found = [r for r in readings if getattr(r, fields[0]) is not None]
    if not found:
        return None
    return max(found, key=lambda r: (r.taken_at is not None, r.taken_at or datetime.min))


def _at(r: VitalsReading) -> str:
    return f" ({r.taken_at:%H:%M})" if r.taken_at else ""


def _outside_limits(vital: str, r: VitalsReading, t: VitalsThresholds) -> str | None:
    """The discharge limit a reading misses, as words; None when within."""
    if vital == "blood_pressure" and r.systolic is not None and r.diastolic is not None:
        if r.systolic > t.discharge_systolic_max or r.diastolic > t.discharge_diastolic_max:
            return (f"Last blood pressure {r.systolic}/{r.diastolic}{_at(r)} is above the "
                    f"discharge limit of {t.discharge_systolic_max}/"
                    f"{t.discharge_diastolic_max}.")
    if vital == "spo2" and r.spo2 is not None and r.spo2 < t.discharge_spo2_min:
        return f"Last SpO2 {r.spo2}%{_at(r)} is below the discharge limit of " \
               f"{t.discharge_spo2_min}%."
    if vital == "heart_rate" and r.heart_rate is not None and not (
            t.discharge_heart_rate_min <= r.heart_rate <= t.discharge_heart_rate_max):
        return (f"Last heart rate {r.heart_rate}/min{_at(r)} is outside the discharge limits "
                f"of {t.discharge_heart_rate_min}–{t.discharge_heart_rate_max}/min.")
    return None


def discharge_problems(record: MonitoringRecord, thresholds: VitalsThresholds, at: datetime,
                       minimum_minutes: float = MINIMUM_MONITORING_MINUTES
                       ) -> tuple[ReadinessProblem, ...]:
    """Why the client is not ready to leave at `at` (empty: ready); rules in the docstring.
    `minimum_minutes` is the rule in force (monitoring_minimum_time)."""
    problems: list[ReadinessProblem] = []
    if record.first_device_at is None:
        problems.append(ReadinessProblem(
            "no_first_device_time", "Time of the first device is not recorded."))
    elif (minutes := MonitoringClock(record.first_device_at).minutes_or_none(at)) is None:
        # Not "0 minutes": a device time ahead of the check leaves the monitoring time unknown.
        problems.append(ReadinessProblem(
            FIRST_DEVICE_AFTER_NOW, first_device_after_message(record.first_device_at)))
    elif minutes < minimum_minutes:
        problems.append(ReadinessProblem(
            "monitoring_under_minimum",
            f"Monitoring lasted {minutes} minutes, less than the "
            f"{minimum_minutes:g}-minute minimum."))
    problems.extend(vitals_problems(record.readings, thresholds))
    problems.extend(sedation_problems(record))
    return tuple(problems)


def vitals_problems(readings: Sequence[VitalsReading], t: VitalsThresholds
                    ) -> list[ReadinessProblem]:
    """Unresolved alerts, last readings outside the discharge limits, no end-of-session BP."""
    out: list[ReadinessProblem] = []
    for vital, label, fields in _VITALS:
        last = _latest(readings, fields)
        if last is None:
            continue
        alerts = [f for f in assess(last, t, before_dose=False)
                  if f.severity is Severity.ALERT and f.field == vital]
        if alerts:
            out.append(ReadinessProblem(
                f"unresolved_alert_{vital}",
                f"Unresolved alert: {alerts[0].message[:-1]}{_at(last)}; no later "
                f"{label.lower() if vital != 'spo2' else label} reading is back in range."))
            continue
        outside = _outside_limits(vital, last, t)
        if outside:
            out.append(ReadinessProblem(f"outside_discharge_limits_{vital}", outside))
    if not any(r.role is ReadingRole.END_OF_SESSION and r.has_blood_pressure
               for r in readings):
        out.append(ReadinessProblem("missing_end_bp",
                                    "End-of-session blood pressure is not recorded."))
    return out


def sedation_problems(record: MonitoringRecord) -> list[ReadinessProblem]:
    out: list[ReadinessProblem] = []
    if not record.sedation:
        out.append(ReadinessProblem(
            "sedation_not_assessed", "Sedation is not assessed: no MOAA/S observation."))
    else:
        last = max(record.sedation, key=lambda o: o.observed_at)
        if last.moaas < SEDATION_RESOLVED_MOAAS:
            out.append(ReadinessProblem(
                "sedation_not_resolved",
                f"Sedation has not resolved: the last MOAA/S ({last.observed_at:%H:%M}) is "
                f"{last.moaas}, discharge needs {SEDATION_RESOLVED_MOAAS} (alert)."))
    if record.respiratory_depression:
        out.append(ReadinessProblem(
            "respiratory_depression",
            "Respiratory depression was recorded: a clinician must review before discharge."))
    return out


# Problem code prefix → the rule it answers to (resources/rules/monitoring.json).
_RULES = (
    ("unresolved_alert_", "discharge_no_open_alert"),
    ("outside_discharge_limits_", "discharge_limits"),
    ("missing_end_bp", "discharge_limits"),
    ("sedation_", "discharge_sedation_resolved"),
    ("respiratory_depression", "discharge_sedation_resolved"),
    ("monitoring_under_minimum", "discharge_minimum_time"),
    ("no_first_device_time", "discharge_minimum_time"),
    (FIRST_DEVICE_AFTER_NOW, "discharge_minimum_time"),
)
# The problems signing already names as record completeness (domain/monitoring.py).
COMPLETENESS_CODES = frozenset({"no_first_device_time", "monitoring_under_minimum",
                                "missing_end_bp", FIRST_DEVICE_AFTER_NOW})


def discharge_findings(problems: Sequence[ReadinessProblem], rules: RuleSet, *,
                       with_completeness: bool = True) -> list[RuleFinding]:
    """The problems as rule findings (rule id, severity, wording, source) for overrides and
    signing; `with_completeness=False` leaves out those signing already names itself."""
    out = []
    for problem in problems:
        if not with_completeness and problem.code in COMPLETENESS_CODES:
            continue
        rule_id = next(r for prefix, r in _RULES if problem.code.startswith(prefix))
        rule = rules.rule(rule_id)
        out.append(RuleFinding(rule.id, rule.severity, problem.message, rule.source.label))
    return out
