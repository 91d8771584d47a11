"""What stands between a dosing note and its signature, in one place: signing, the sign dialog
and the session PDF all ask `signing_findings`, so they never disagree.

Each finding carries its rule's severity (docs/CLINICAL-RULES.md, Signing):
- block: signing is refused until the record is fixed (an IV or IM dose with no weight);
- override: signing needs a written reason (monitoring under the minimum time, a missing
  first dose time or blood pressure).
Stdlib only; `now` is passed in.
"""

from __future__ import annotations

from datetime import datetime

from kapnotes.domain.clinical_rules import RuleFinding, RuleSet, Severity
from kapnotes.domain.discharge import discharge_findings, discharge_problems
from kapnotes.domain.dosing_record import DosingDetails
from kapnotes.domain.monitoring import MonitoringRecord, signing_blockers
from kapnotes.domain.vitals import VitalsThresholds

# Record-completeness blockers of domain.monitoring that have no threshold of their own.
_COMPLETENESS_SOURCE = "Monitoring record protocol (docs/CLINICAL-RULES.md, Signing)"


def signing_findings(record: MonitoringRecord, details: DosingDetails, rules: RuleSet,
                     now: datetime, thresholds: VitalsThresholds | None = None
                     ) -> tuple[RuleFinding, ...]:
    """Blocking findings first, then those that need a written reason: the record's
    completeness, then discharge readiness at the discharge time (or `now`)."""
    found: list[RuleFinding] = []
    weight_rule = rules.rule("weight_required")
    route = details.route.value if details.route else None
    if details.weight_kg is None and route is not None and weight_rule.applies(route=route):
        found.append(weight_rule.finding())
    minimum = rules.rule("monitoring_minimum_time")
    for blocker in signing_blockers(record, now, minimum.value("minutes")):
        if blocker.code == "monitoring_under_2_hours":
            found.append(RuleFinding(minimum.id, minimum.severity, blocker.message,
                                     minimum.source.label))
        else:
            found.append(RuleFinding(blocker.code, Severity.OVERRIDE, blocker.message,
                                     _COMPLETENESS_SOURCE))
    # Discharge readiness, leaving out what the completeness blockers above already name.
    found.extend(discharge_findings(
        discharge_problems(record, thresholds or VitalsThresholds(), record.ended_at or now,
                           minimum.value("minutes")), rules, with_completeness=False))
    return tuple(found)


def refusals(findings: tuple[RuleFinding, ...] | list[RuleFinding]) -> list[str]:
    """The messages that stop signing outright."""
    return [f.message for f in findings if f.severity is Severity.BLOCK]


def needing_reason(findings: tuple[RuleFinding, ...] | list[RuleFinding]) -> list[str]:
    """The messages that a written reason may answer."""
    return [f.message for f in findings if f.severity is not Severity.BLOCK]
