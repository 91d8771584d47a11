"""Course outcomes on one scale's totals: baseline, change, response, remission, relapse.

Definitions (DOMAIN.md "Rating scales"; only for lower-is-better scales such as PHQ-9, GAD-7,
MADRS):

- **Baseline**: the last score dated on or before the first dose (a score taken on the day of
  the first dose counts as baseline: it is taken before dosing). None without one.
- **Follow-up scores**: those dated after the first dose. Scores before the baseline are history
  and play no part.
- **Change**: follow-up total minus baseline (negative = fewer symptoms); percent change is that
  over the baseline, ×100. With a baseline of 0 the percent change is undefined (None).
- **Response**: a follow-up score at least 50 % below baseline, i.e. `total <= baseline / 2`.
  Needs a baseline above 0.
- **Remission**: a follow-up score meeting the scale's remission rule (PHQ-9 < 5, GAD-7 < 5,
  MADRS ≤ 10). It needs no baseline.
- **Relapse** (loss of response): after a score that met response, the first later score that
  no longer does, i.e. `total > baseline / 2`. If response is regained and lost again, each loss
  is another relapse date. A single score is enough: ketamine's benefit often fades between
  doses, and an early sign for the clinician to look at is worth more than waiting for a second
  confirming score weeks later (the esketamine relapse-prevention trial's stricter definition,
  e.g. MADRS ≥ 22 twice, was built for a trial, not for a therapist's dashboard). Leaving
  remission while still responding (PHQ-9 baseline 20, then 3, then 7) is not relapse.

Everything here is a pure function of its arguments; results are frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.scale_model import Scale

Number = int | float


@dataclass(frozen=True)
class ScorePoint:
    """One scored administration: its date and total."""

    on: date
    total: Number


@dataclass(frozen=True)
class PointStatus:
    """A follow-up score measured against the baseline."""

    on: date
    total: Number
    change: Number | None
    percent_change: float | None
    meets_response: bool | None
    meets_remission: bool | None


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
        return None if self.responded is None else bool(self.relapse_dates)

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


def baseline_of(scores: Iterable[ScorePoint], first_dose: date | None) -> ScorePoint | None:
    """The last score on or before the first dose (input order breaks same-day ties)."""
    if first_dose is None:
        return None
    before = [p for p in sorted(scores, key=lambda p: p.on) if p.on <= first_dose]
    return before[-1] if before else None


def course_outcome(
    scale: Scale,
    scores: Iterable[ScorePoint | tuple[date, Number]],
    first_dose: date | None,
) -> CourseOutcome:
    """Baseline, change, response, remission and relapse for one scale over one course."""
    points = _checked(scale, scores)
    notes: list[str] = []
    baseline = baseline_of(points, first_dose)
    follow_up = [p for p in points if first_dose is not None and p.on > first_dose]
    if first_dose is None:
        notes.append("No first dose yet, so there is no baseline or follow-up.")
    elif baseline is None:
        notes.append(f"No {scale.short_name} score on or before the first dose: no baseline.")
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

    statuses = tuple(
        _status(scale, p, baseline, response_known, remission_known) for p in follow_up
    )
    responses = [s for s in statuses if s.meets_response]
    remissions = [s for s in statuses if s.meets_remission]
    return CourseOutcome(
        scale_id=scale.id,
        first_dose=first_dose,
        baseline=baseline,
        points=statuses,
        responded=bool(responses) if response_known and statuses else None,
        first_response_date=responses[0].on if responses else None,
        remitted=bool(remissions) if remission_known and statuses else None,
        first_remission_date=remissions[0].on if remissions else None,
        relapse_dates=_relapses(statuses),
        notes=tuple(notes),
    )


def _status(
    scale: Scale,
    p: ScorePoint,
    baseline: ScorePoint | None,
    response_known: bool,
    remission_known: bool,
) -> PointStatus:
    return PointStatus(
        on=p.on,
        total=p.total,
        change=None if baseline is None else p.total - baseline.total,
        percent_change=None if baseline is None else percent_change(baseline.total, p.total),
        meets_response=(
            meets_response(baseline.total, p.total) if response_known and baseline else None
        ),
        meets_remission=scale.meets_remission(p.total) if remission_known else None,
    )


def _relapses(statuses: tuple[PointStatus, ...]) -> tuple[date, ...]:
    """Each date a score stops meeting response after one that met it."""
    dates: list[date] = []
    responding = False
    for s in statuses:
        if s.meets_response:
            responding = True
        elif responding and s.meets_response is False:
            dates.append(s.on)
            responding = False
    return tuple(dates)


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
        out.append(p)
    return sorted(out, key=lambda p: p.on)
