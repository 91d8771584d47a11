"""Course outcomes on one scale's totals: baseline, change, response, remission, deterioration
and relapse. The thresholds are data (`OutcomeRules`, from `resources/rules/outcomes.json`;
docs/CLINICAL-RULES.md names their sources). Only lower-is-better scales (PHQ-9, GAD-7,
MADRS) are judged.

- **Baseline**: the latest score taken within the rules' window before the first dose: on an
  earlier day inside the window, or on the first-dose day before the dose. On that day a score
  marked "after the dose" is follow-up, never baseline; one marked "before the dose" beats an
  unmarked one; otherwise the later entry wins. A score older than the window is history: with
  nothing newer there is no baseline (said in the notes), rather than a stale one.
- **Follow-up scores**: those after the first-dose day, and those marked after the dose on it.
- **Change**: follow-up total minus baseline (negative = fewer symptoms); percent change is that
  over the baseline, ×100; undefined (None) with a baseline of 0.
- **Response**: a follow-up score at least 50 % below baseline (`total <= baseline / 2`).
- **Remission**: a follow-up score meeting the scale's remission rule (PHQ-9 < 5, MADRS ≤ 10).
- **Deterioration**: a follow-up score at least the scale's reliable change above baseline
  (see `outcome_rules`).
- **Relapse**: the scale's relapse rule (SUSTAIN-1's structure: after response or remission, a
  score at or above a threshold confirmed 5–15 days later). A single such score is a *possible*
  relapse. Dropping below the response line is shown as no longer responding, not as relapse.

Everything here is a pure function of its arguments; results are frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.outcome_rules import OutcomeRules, RelapseRule, ReliableChange, relapses
from kapnotes.domain.scale_model import Scale

Number = int | float
BEFORE_DOSE = "before_dose"
AFTER_DOSE = "after_dose"
DOSE_TIMINGS = (BEFORE_DOSE, AFTER_DOSE)
_TIMING_ORDER = {BEFORE_DOSE: 0, None: 1, AFTER_DOSE: 2}


@dataclass(frozen=True)
class ScorePoint:
    """One scored administration: its date, total and, on a dosing day, before/after the dose."""

    on: date
    total: Number
    timing: str | None = None


@dataclass(frozen=True)
class PointStatus:
    """A follow-up score measured against the baseline."""

    on: date
    total: Number
    change: Number | None
    percent_change: float | None
    meets_response: bool | None
    meets_remission: bool | None
    deteriorated: bool | None = None


@dataclass(frozen=True)
class CourseOutcome:
    """Outcome of a course on one scale; None means "cannot be told", with the reason in notes."""

    scale_id: str
    first_dose: date | None
    baseline: ScorePoint | None
    points: tuple[PointStatus, ...]
    responded: bool | None
    first_response_date: date | None
    remitted: bool | None
    first_remission_date: date | None
    relapse_dates: tuple[date, ...]
    notes: tuple[str, ...] = ()
    possible_relapse: date | None = None
    relapse_rule: RelapseRule | None = None
    reliable_change: ReliableChange | None = None
    baseline_window_days: int | None = None

    @property
    def deterioration_dates(self) -> tuple[date, ...]:
        return tuple(p.on for p in self.points if p.deteriorated)

    @property
    def deteriorated(self) -> bool | None:
        """None when the scale has no reliable-change rule or there is no baseline."""
        if self.reliable_change is None or self.baseline is None or not self.points:
            return None
        return bool(self.deterioration_dates)

    @property
    def latest(self) -> PointStatus | None:
        return self.points[-1] if self.points else None

    @property
    def change(self) -> Number | None:
        return self.latest.change if self.latest else None

    @property
    def percent_change(self) -> float | None:
        return self.latest.percent_change if self.latest else None

    @property
    def relapsed(self) -> bool | None:
        """None when the scale has no relapse rule or nothing could be judged."""
        if self.relapse_rule is None or (self.responded is None and self.remitted is None):
            return None
        return bool(self.relapse_dates)

    @property
    def relapse_date(self) -> date | None:
        """The first loss of response, the clinically important one."""
        return self.relapse_dates[0] if self.relapse_dates else None

    @property
    def currently_responding(self) -> bool | None:
        return self.latest.meets_response if self.latest else None

    @property
    def currently_in_remission(self) -> bool | None:
        return self.latest.meets_remission if self.latest else None


def percent_change(baseline: Number, total: Number) -> float | None:
    """Signed change as a percentage of baseline; None when the baseline is 0."""
    if baseline == 0:
        return None
    return 100.0 * (total - baseline) / baseline


def meets_response(baseline: Number, total: Number) -> bool | None:
    """At least a 50 % reduction from baseline; None when the baseline is 0."""
    if baseline <= 0:
        return None
    return 2 * total <= baseline  # exact: no float rounding at the 50 % line


def baseline_of(scores: Iterable[ScorePoint], first_dose: date | None,
                window_days: int | None = None) -> ScorePoint | None:
    """The latest score in the window before the first dose (see the module docstring)."""
    if first_dose is None:
        return None
    candidates = [p for p in _ordered(scores) if _is_pre_dose(p, first_dose)
                  and (window_days is None or (first_dose - p.on).days <= window_days)]
    marked = [p for p in candidates if p.on == first_dose and p.timing == BEFORE_DOSE]
    chosen = marked or candidates
    return chosen[-1] if chosen else None


def _is_pre_dose(p: ScorePoint, first_dose: date) -> bool:
    return p.on < first_dose or (p.on == first_dose and p.timing != AFTER_DOSE)


def _ordered(scores: Iterable[ScorePoint]) -> list[ScorePoint]:
    """Date order; on one day before-dose, then unmarked, then after-dose; else entry order."""
    return sorted(scores, key=lambda p: (p.on, _TIMING_ORDER.get(p.timing, 1)))


def course_outcome(
    scale: Scale,
    scores: Iterable[ScorePoint | tuple[date, Number]],
    first_dose: date | None,
    rules: OutcomeRules | None = None,
) -> CourseOutcome:
    """Baseline, change, response, remission, deterioration and relapse for one scale."""
    rules = rules if rules is not None else OutcomeRules()
    own = rules.for_scale(scale.id)
    window = rules.baseline_window_days
    points = _checked(scale, scores)
    notes: list[str] = []
    baseline = baseline_of(points, first_dose, window)
    follow_up = [p for p in points if first_dose is not None and not _is_pre_dose(p, first_dose)]
    if first_dose is None:
        notes.append("No first dose yet, so there is no baseline or follow-up.")
    elif baseline is None:
        older = [p for p in points if _is_pre_dose(p, first_dose)]
        notes.append(
            f"No {scale.short_name} score in the {window} days before the first dose "
            f"({_iso(first_dose)}, before the dose on that day): no baseline"
            + (f"; the score of {_iso(older[-1].on)} is "
               f"{(first_dose - older[-1].on).days} days earlier." if older else "."))
    if first_dose is not None and not follow_up:
        notes.append(f"No {scale.short_name} score after the first dose yet.")

    judges_response = scale.direction == "lower_is_better"
    if not judges_response:
        notes.append(f"{scale.short_name} is not lower-is-better: no response or remission.")
    elif baseline is not None and baseline.total == 0:
        notes.append("Baseline is 0: a 50 % reduction cannot be measured.")
    elif baseline is not None and scale.meets_remission(baseline.total):
        notes.append("Baseline already meets the remission threshold.")
    response_known = judges_response and baseline is not None and baseline.total > 0
    remission_known = judges_response and scale.remission is not None
    reliable = own.reliable_change if judges_response else None

    statuses = tuple(
        _status(scale, p, baseline, response_known, remission_known, reliable)
        for p in follow_up
    )
    responses = [s for s in statuses if s.meets_response]
    remissions = [s for s in statuses if s.meets_remission]
    relapse_rule = own.relapse if judges_response else None
    found = relapses([(s.on, s.total, bool(s.meets_response or s.meets_remission))
                      for s in statuses], relapse_rule) if relapse_rule else None
    return CourseOutcome(
        scale_id=scale.id,
        first_dose=first_dose,
        baseline=baseline,
        points=statuses,
        responded=bool(responses) if response_known and statuses else None,
        first_response_date=responses[0].on if responses else None,
        remitted=bool(remissions) if remission_known and statuses else None,
        first_remission_date=remissions[0].on if remissions else None,
        relapse_dates=found.confirmed if found else (),
        notes=tuple(notes),
        possible_relapse=found.possible if found else None,
        relapse_rule=relapse_rule,
        reliable_change=reliable,
        baseline_window_days=window,
    )


def _iso(day: date) -> str:
    return day.isoformat()


def _status(
    scale: Scale,
    p: ScorePoint,
    baseline: ScorePoint | None,
    response_known: bool,
    remission_known: bool,
    reliable: ReliableChange | None = None,
) -> PointStatus:
    change = None if baseline is None else p.total - baseline.total
    return PointStatus(
        on=p.on,
        total=p.total,
        change=change,
        percent_change=None if baseline is None else percent_change(baseline.total, p.total),
        meets_response=(
            meets_response(baseline.total, p.total) if response_known and baseline else None
        ),
        meets_remission=scale.meets_remission(p.total) if remission_known else None,
        deteriorated=(None if reliable is None or change is None
                      else change >= reliable.min_points),
    )


def _checked(scale: Scale, scores: Iterable[ScorePoint | tuple[date, Number]]) -> list[ScorePoint]:
    """Scores in date order (stable), each a real date and a total the scale can produce."""
    if not scale.has_total:
        raise ValidationError("scale", f"{scale.short_name} gives a risk level, not a total")
    out: list[ScorePoint] = []
    for raw in scores:
        p = raw if isinstance(raw, ScorePoint) else ScorePoint(*raw)
        # datetime is a date subclass but cannot be compared with a date: refuse it early.
        if not isinstance(p.on, date) or isinstance(p.on, datetime):
            raise ValidationError("date", f"{p.on!r} is not a date")
        where = f"{scale.short_name} score on {p.on.isoformat()}"
        if isinstance(p.total, bool) or not isinstance(p.total, int | float):
            raise ValidationError(where, f"{p.total!r} is not a number")
        if not scale.total_min <= p.total <= scale.total_max:
            raise ValidationError(
                where, f"{p.total} is outside {scale.total_min}–{scale.total_max}"
            )
        if p.timing not in (None, *DOSE_TIMINGS):
            raise ValidationError(where, f"timing {p.timing!r} is not before or after the dose")
        out.append(p)
    return _ordered(out)
