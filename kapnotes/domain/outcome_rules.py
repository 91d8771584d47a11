"""The outcome rules a course is judged by: baseline window, reliable worsening, relapse.

The values are data (`resources/rules/outcomes.json`, documented in docs/CLINICAL-RULES.md);
this module parses them and applies them. Stdlib only.

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
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kapnotes.domain.errors import ValidationError


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


def _text(d: Mapping[str, Any], key: str, where: str) -> str:
    value = d.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{where}.{key}", "must be a non-empty string (name the source)")
    return value.strip()


def _number(d: Mapping[str, Any], key: str, where: str, lo: float, hi: float) -> float:
    value = d.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise ValidationError(f"{where}.{key}", f"must be a number from {lo:g} to {hi:g}")
    return float(value)


def _reliable(raw: Any, where: str) -> ReliableChange:
    if not isinstance(raw, Mapping):
        raise ValidationError(where, "must be an object")
    source = _text(raw, "source", where)
    if "points" in raw:
        return ReliableChange.from_points(int(_number(raw, "points", where, 1, 100)), source)
    sd = _number(raw, "sd", where, 0.1, 100)
    return ReliableChange.jacobson_truax(sd, _number(raw, "reliability", where, 0, 0.999),
                                         source)


def _relapse(raw: Any, where: str) -> RelapseRule:
    if not isinstance(raw, Mapping):
        raise ValidationError(where, "must be an object")
    lo = int(_number(raw, "min_gap_days", where, 0, 365))
    hi = int(_number(raw, "max_gap_days", where, lo, 365))
    return RelapseRule(at_least=_number(raw, "at_least", where, 0, 1000),
                       source=_text(raw, "source", where),
                       confirmations=int(_number(raw, "confirmations", where, 1, 10)),
                       min_gap_days=lo, max_gap_days=hi)


def parse_outcome_rules(data: Any, name: str = "outcomes.json") -> OutcomeRules:
    """Build the rules from decoded JSON; errors name the file and the field."""
    if not isinstance(data, Mapping):
        raise ValidationError(name, "must be an object")
    base = data.get("baseline")
    if not isinstance(base, Mapping):
        raise ValidationError(f"{name}: baseline", "must be an object")
    window = int(_number(base, "window_days", f"{name}: baseline", 0, 365))
    scales: dict[str, ScaleRules] = {}
    raw_scales = data.get("scales", {})
    if not isinstance(raw_scales, Mapping):
        raise ValidationError(f"{name}: scales", "must be an object of scale id → rules")
    for scale_id, raw in raw_scales.items():
        where = f"{name}: scales.{scale_id}"
        if not isinstance(raw, Mapping):
            raise ValidationError(where, "must be an object")
        rc = raw.get("reliable_change")
        rel = raw.get("relapse")
        scales[scale_id] = ScaleRules(
            _reliable(rc, f"{where}.reliable_change") if rc is not None else None,
            _relapse(rel, f"{where}.relapse") if rel is not None else None)
    return OutcomeRules(window, _text(base, "source", f"{name}: baseline"), scales)
