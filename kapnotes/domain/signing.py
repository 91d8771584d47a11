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


# The audit entry `session.sign` names what a signing reason answered (rule ids and the
# record-completeness codes above); these are their words for the note and the PDF.
SIGN_AUDIT_PREFIX = "; with a written reason for: "
_COMPLETENESS_WORDS = {
    "no_first_device_time": "first device time not recorded",
    "first_device_after_now": "first device time after the time of signing",
    "missing_pre_dose_bp": "pre-dose blood pressure not recorded",
    "missing_40_minute_bp": "~40-minute blood pressure not recorded",
    "missing_end_bp": "end-of-session blood pressure not recorded",
}


def answered_at_signing(audit_detail: str, rules: RuleSet) -> tuple[str, ...]:
    """What a signature's written reason answered, from its audit entry's detail, in words
    ("Minimum monitoring after the dose", "pre-dose blood pressure not recorded")."""
    if SIGN_AUDIT_PREFIX not in audit_detail:
        return ()
    ids = audit_detail.split(SIGN_AUDIT_PREFIX, 1)[1].split(", ")
    words = []
    for rule_id in (i.strip() for i in ids if i.strip()):
        if rule_id in rules.rules:
            words.append(rules.rule(rule_id).title)
        else:
            words.append(_COMPLETENESS_WORDS.get(rule_id, rule_id))
    return tuple(words)
