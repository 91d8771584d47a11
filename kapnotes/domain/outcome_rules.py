"""The outcome rules a course is judged by: baseline window, reliable worsening, relapse.

The values are data: the "outcomes" rules of the clinical rule set (`resources/rules/
outcomes.json`, tightened by the practice policy; listed with their sources in
docs/CLINICAL-RULES.md). `outcome_rules()` reads them out of a `RuleSet`; this module applies
them. Stdlib only.

- **Baseline window**: only a score taken within `window_days` before the first dose (or on that
  day, before the dose) can be the baseline.
- **Deterioration** (reliable worsening): a follow-up score at least the scale's reliable change
  above the baseline. The reliable change is either a published number of points, or the
  Jacobson & Truax (1991) index worked out from a published SD and test–retest reliability:
  RC = 1.96 × SD × √(2 × (1 − r)); a change larger than RC is reliable.
- **Relapse** (SUSTAIN-1's structure): once response or remission was reached, a score at or
  above `at_least` that is confirmed by the next assessment(s) also at or above it, taken
  `min_gap_days`–`max_gap_days` after the first. One such score alone is a *possible* relapse,
  shown as such, never as relapse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from kapnotes.domain.clinical_rules import RuleSet


@dataclass(frozen=True)
class ReliableChange:
    """The smallest worsening (in points) that counts as reliable, and where it comes from."""

    min_points: int
    source: str
    rc: float  # the published points, or the Jacobson & Truax value before rounding up

    @classmethod
    def from_points(cls, points: int, source: str) -> ReliableChange:
        return cls(points, source, float(points))

    @classmethod
    def jacobson_truax(cls, sd: float, reliability: float, source: str) -> ReliableChange:
        rc = 1.96 * sd * math.sqrt(2 * (1 - reliability))
        return cls(math.floor(rc) + 1, source, rc)  # a change *larger* than RC is reliable


@dataclass(frozen=True)
class RelapseRule:
    at_least: float
    source: str
    confirmations: int = 2
    min_gap_days: int = 5
    max_gap_days: int = 15

    def describe(self, short_name: str) -> str:
        return (f"{short_name} ≥ {self.at_least:g} on {self.confirmations} consecutive "
                f"assessments {self.min_gap_days}–{self.max_gap_days} days apart, after "
                "response or remission")


@dataclass(frozen=True)
class ScaleRules:
    reliable_change: ReliableChange | None = None
    relapse: RelapseRule | None = None


@dataclass(frozen=True)
class OutcomeRules:
    baseline_window_days: int = 28
    baseline_source: str = ""
    scales: Mapping[str, ScaleRules] = field(default_factory=dict)

    def for_scale(self, scale_id: str) -> ScaleRules:
        return self.scales.get(scale_id, ScaleRules())


@dataclass(frozen=True)
class RelapseFinding:
    confirmed: tuple[date, ...]  # the date each relapse was confirmed
    possible: date | None  # a first score at/above the threshold still awaiting confirmation


def relapses(points: Sequence[tuple[date, float, bool]], rule: RelapseRule) -> RelapseFinding:
    """`points`: (date, total, response-or-remission met) for follow-up scores in date order."""
    confirmed: list[date] = []
    eligible = False  # response or remission reached since the last relapse
    run: list[date] = []  # consecutive scores at/above the threshold since eligibility
    for on, total, met in points:
        if total >= rule.at_least and eligible:
            if not run or (on - run[-1]).days >= rule.min_gap_days:
                if run and (on - run[-1]).days > rule.max_gap_days:
                    run = []  # too long after: this score starts a new run
                run.append(on)
            if len(run) >= rule.confirmations:
                confirmed.append(on)
                eligible, run = False, []
            continue
        run = []
        if met:
            eligible = True
    return RelapseFinding(tuple(confirmed), run[0] if run else None)


def outcome_rules(rules: RuleSet) -> OutcomeRules:
    """The outcome rules out of the clinical rule set (topic "outcomes", practice-tightened).

    `deterioration_<scale>` and `relapse_<scale>` rules name their scale in `applies_to`.
    """
    scales: dict[str, ScaleRules] = {}
    window = 28
    window_source = ""
    for rule in rules.topic("outcomes"):
        source = rule.source.label + (f" — {rule.source.detail}" if rule.source.detail else "")
        if rule.id == "outcome_baseline_window":
            window, window_source = int(rule.value("days")), source
            continue
        for scale_id in rule.applies_to.get("scale", ()):
            own = scales.get(scale_id, ScaleRules())
            if rule.id.startswith("deterioration_"):
                own = replace(own, reliable_change=ReliableChange.from_points(
                    math.ceil(rule.value("points")), source))
            elif rule.id.startswith("relapse_"):
                own = replace(own, relapse=RelapseRule(
                    at_least=rule.value("at_least"), source=source,
                    confirmations=int(rule.value("confirmations")),
                    min_gap_days=int(rule.value("min_gap_days")),
                    max_gap_days=int(rule.value("max_gap_days"))))
            scales[scale_id] = own
    return OutcomeRules(window, window_source, scales)
