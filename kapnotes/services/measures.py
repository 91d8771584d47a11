"""Outcome measures: enter a scale for a client, risk flags, course outcomes for the chart.

Totals, bands and flags are computed by `kapnotes.domain.scales.score` when a measure is
entered and stored with it, never typed. Scales are the built-ins plus the practice's folder.

Risk shown on a client is current risk (`risk_status`, worded by `kapnotes.domain.risk`): for
each scale, the newest administration whose flags are known (a total entered alone cannot tell
PHQ-9 item 9, so it neither raises nor clears the flag); and when a scale's newest
administration was a total alone, that its suicide item was not asked. Item flags are worked
out again from the stored answers with the scale file in force, so a rule added later (MADRS
item 10) is not missed on older entries. Risk shown on a session is historical: a measure linked
to it raised a flag then.

Outcome thresholds (baseline window, reliable change, relapse) come from the clinical rule set
(`kapnotes.rules.current_rules`, tightened by the practice policy).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kapnotes.domain.clinical_rules import RuleSet
from kapnotes.domain.course_items import (
    CourseOutcomes,
    Measure,
    OutcomeSeries,
    RiskFlag,
)
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.measure_courses import course_for_date, span_of
from kapnotes.domain.models import CourseStatus, SessionKind
from kapnotes.domain.outcome_rules import OutcomeRules, outcome_rules
from kapnotes.domain.outcomes import DOSE_TIMINGS, ScorePoint, course_outcome
from kapnotes.domain.risk import NOT_ASKED, RiskGap, RiskStatus
from kapnotes.domain.scale_model import SUICIDE, Flag
from kapnotes.domain.scales import Answer, LoadedScales, Scale, ScoreResult, load_scales, score
from kapnotes.paths import practice_scales_dir, resource_path
from kapnotes.services.changes import Changes, ids, write
from kapnotes.services.clock import Clock, system_clock
from kapnotes.storage import audit, sync_void
from kapnotes.storage import clients as client_repo
from kapnotes.storage import courses as course_repo
from kapnotes.storage import measures as repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.vault import Vault

RUNNING = (CourseStatus.ACTIVE, CourseStatus.PAUSED)


def load_practice_scales(practice_dir: Path | None = None) -> LoadedScales:
    """Built-in scales plus the practice's folder (broken files listed in `.problems`).

    `practice_dir` defaults to `practice_scales_dir()` under the user data folder.
    """
    extra = practice_scales_dir() if practice_dir is None else practice_dir
    return load_scales((extra,), resource_path("scales"))


class MeasureService:
    """Entering and reading rating-scale measures for clients and courses."""

    def __init__(self, vault: Vault, scales: LoadedScales | Callable[[], LoadedScales], *,
                 clock: Clock = system_clock,
                 rules: Callable[[], RuleSet] | None = None) -> None:
        """`scales` may be a loader: the files are then read when a scale is first needed,
        not while the window opens (the client list needs none of them). `rules` gives the
        clinical rule set in force (default: the shipped rules with the practice policy)."""
        self.vault = vault
        self._scales = scales
        self.clock = clock
        self._rules = rules

    def rules(self) -> RuleSet:
        if self._rules is None:
            from kapnotes.rules import current_rules  # reads the policy file: only when needed
            return current_rules()
        return self._rules()

    @property
    def loaded(self) -> LoadedScales:
        if callable(self._scales):
            self._scales = self._scales()
        return self._scales

    # -- scales ----------------------------------------------------------------------------
    @property
    def scales(self) -> tuple[Scale, ...]:
        return self.loaded.scales

    def scale(self, scale_id: str) -> Scale:
        found = self.loaded.get(scale_id)
        if found is None:
            raise ValidationError("Scale", f"'{scale_id}' is not a known rating scale.")
        return found

    def scale_name(self, scale_id: str) -> str:
        found = self.loaded.get(scale_id)
        return found.short_name if found else scale_id

    def preview(self, scale_id: str, *, answers: Mapping[str, Answer | None] | None = None,
                total: int | None = None) -> ScoreResult:
        """Score without storing (the dialog's live total); errors name the item."""
        return score(self.scale(scale_id), answers, total)

    # -- entering --------------------------------------------------------------------------
    def enter(self, *, client_id: int, scale_id: str, taken_on: date,
              session_id: int | None = None,
              answers: Mapping[str, Answer | None] | None = None,
              total: int | None = None, dose_timing: str | None = None) -> Measure:
        """Score and store one administration: item by item, or a total where allowed.

        `dose_timing` ("before_dose" / "after_dose") says, on a dosing day, which side of the
        dose it was taken: on the first-dose day it decides the baseline.
        Refused (ValidationError naming the item or field, nothing stored) when an asked item
        is unanswered or out of range, or a total is given for a scale that needs its items.
        """
        if dose_timing not in (None, *DOSE_TIMINGS):
            raise ValidationError("Taken", "must be before or after the dose, or not said.")
        client_repo.get(self.vault, client_id)
        if not isinstance(taken_on, date):
            raise ValidationError("Date", "is required.")
        if taken_on > self.clock().date():
            raise ValidationError("Date", "cannot be in the future.")
        if session_id is not None and session_repo.client_id_of(self.vault,
                                                                 session_id) != client_id:
            raise ValidationError("Session", "belongs to another client.")
        result = score(self.scale(scale_id), answers, total)
        with write(self.vault, Changes(measures=True, client_ids=ids(client_id),
                                       session_ids=ids(session_id))):
            measure_id = repo.insert(self.vault, client_id=client_id, taken_on=taken_on,
                                     session_id=session_id, result=result,
                                     dose_timing=dose_timing)
            audit.record(self.vault, "measure.enter", record_type="measure",
                         record_id=measure_id, detail=scale_id)
        return repo.get(self.vault, measure_id)

    def delete(self, measure_id: int, *, reason: str = "") -> None:
        """Remove a measure entered in error (audited; `reason` goes to the care team)."""
        measure = repo.get(self.vault, measure_id)
        with write(self.vault, Changes(measures=True, client_ids=ids(measure.client_id),
                                       session_ids=ids(measure.session_id))):
            with sync_void.reason_for_voids(self.vault, reason):
                repo.delete(self.vault, measure_id)
            audit.record(self.vault, "measure.delete", record_type="measure",
                         record_id=measure_id, detail=reason.strip()[:sync_void.MAX_REASON])

    # -- reading ---------------------------------------------------------------------------
    def get(self, measure_id: int) -> Measure:
        return repo.get(self.vault, measure_id)

    def for_client(self, client_id: int, scale_id: str | None = None) -> list[Measure]:
        """Oldest first."""
        return repo.for_client(self.vault, client_id, scale_id)

    def risk_flags(self, client_id: int) -> list[RiskFlag]:
        """Current risk flags for the client header (see the module docstring)."""
        return list(self.risk_status(client_id).flags)

    def risk_status(self, client_id: int, on: date | None = None, *,
                    measures: list[Measure] | None = None,
                    scored: dict[int, list[RiskFlag]] | None = None) -> RiskStatus:
        """Current scale risk (as of `on`, for a note written then): flags, items not asked.
        `measures` is `for_client(client_id)` when the caller has read it already (a course
        summary asks once per note); `scored` keeps each measure's flags between such calls
        (measure id → flags), so each measure is scored once, not once per note."""
        newest: dict[str, Measure] = {}
        newest_known: dict[str, Measure] = {}
        if measures is None:
            measures = self.for_client(client_id)
        for m in measures:  # oldest first: later ones replace earlier
            if on is not None and m.taken_on > on:
                continue
            newest[m.scale_id] = m
            if not m.total_only:
                newest_known[m.scale_id] = m
        flags = [flag for m in newest_known.values() for flag in self._risk_once(m, scored)]
        gaps = []
        for m in newest.values():
            scale = self.loaded.get(m.scale_id)
            if m.total_only and scale is not None and scale.asks_about(SUICIDE):
                gaps.append(RiskGap(m.id, m.scale_id, scale.short_name, m.taken_on,
                                    m.session_id))
        asked = any((s := self.loaded.get(m.scale_id)) is not None and s.asks_about(SUICIDE)
                    for m in newest_known.values())
        return RiskStatus(tuple(flags), tuple(gaps), asked)

    def risk_sessions(self, course_id: int) -> dict[int, list[RiskFlag]]:
        """Session id → risk flags raised by measures linked to it, for the session list."""
        marks: dict[int, list[RiskFlag]] = {}
        for m in repo.for_sessions_of_course(self.vault, course_id):
            flags = self._risk(m)
            if flags and m.session_id is not None:
                marks.setdefault(m.session_id, []).extend(flags)
        return marks

    def flags_of(self, m: Measure) -> tuple[Flag, ...]:
        """The measure's flags under the scale file in force (stored flags if it cannot say)."""
        scale = self.loaded.get(m.scale_id)
        if scale is None:
            return m.flags
        if m.answers is not None:
            try:
                return score(scale, m.answers).flags
            except ValidationError:
                pass  # answers of another version of the scale: keep what was scored then
        return tuple(Flag(f.code, f.label, f.severity, scale.topic_of(f.code)) for f in m.flags)

    def measure_note(self, m: Measure) -> str:
        """What a measure's line adds to its total: subscores, or a suicide item not asked."""
        scale = self.loaded.get(m.scale_id)
        if scale is None:
            return ""
        if m.total_only:
            return NOT_ASKED if scale.asks_about(SUICIDE) else ""
        if m.answers is None or not scale.subscales:
            return ""
        try:
            subs = score(scale, m.answers).subscales
        except ValidationError:
            return ""  # answers of another version of the scale
        return " · ".join(f"{s.name} {s.score}/{s.max_score}" for s in subs)

    def _risk_once(self, m: Measure, scored: dict[int, list[RiskFlag]] | None
                   ) -> list[RiskFlag]:
        if scored is None or m.id is None:
            return self._risk(m)
        if m.id not in scored:
            scored[m.id] = self._risk(m)
        return scored[m.id]

    def _risk(self, m: Measure) -> list[RiskFlag]:
        scale = self.loaded.get(m.scale_id)
        rules = {r.code: r for r in scale.flag_rules} if scale else {}
        out = []
        for f in self.flags_of(m):
            if f.severity != "risk":
                continue
            rule = rules.get(f.code)
            detail = ""
            if rule is not None and m.answers is not None and rule.item in m.answers:
                detail = f"item {rule.item} = {m.answers[rule.item]}"
            out.append(RiskFlag(measure_id=m.id, scale_id=m.scale_id,
                                scale_name=self.scale_name(m.scale_id), code=f.code,
                                label=f.label, taken_on=m.taken_on, session_id=m.session_id,
                                topic=f.topic, detail=detail))
        return out

    # -- course outcomes -------------------------------------------------------------------
    def first_dose(self, course_id: int) -> date | None:
        """The first dosing session held; if none yet, the first dosing date planned."""
        client_id = course_repo.get(self.vault, course_id).client_id
        return _first_dose(_ClientDays.read(self.vault, client_id), course_id)

    def dosing_dates(self, course_id: int) -> tuple[date, ...]:
        return tuple(sorted({s.starts_at.date() for s in session_repo.for_course(self.vault,
                                                                                 course_id)
                             if s.kind is SessionKind.DOSING}))

    def course_of_measures(self, client_id: int) -> dict[int, int | None]:
        """Measure id → the course it belongs to (rules in kapnotes/domain/measure_courses.py):
        its session's course if linked, else the course whose active span holds its date."""
        return self._course_of(client_id, _ClientDays.read(self.vault, client_id),
                               self.for_client(client_id))

    def _course_of(self, client_id: int, days: _ClientDays, measures: list[Measure]
                   ) -> dict[int, int | None]:
        course_of_session = {sid: cid for sid, cid, _kind, _day in days.sessions}
        held: dict[int, list[date]] = {}
        for _sid, cid, _kind, day in days.sessions:
            held.setdefault(cid, []).append(day)
        planned: dict[int, list[date]] = {}
        for cid, _kind, day, original, _skipped in days.slots:
            planned.setdefault(cid, []).extend((day, original))
        spans = [span_of(int(c.id or 0), start=c.start_date,
                         dates=planned.get(int(c.id or 0), []),
                         held=held.get(int(c.id or 0), []), running=c.status in RUNNING)
                 for c in course_repo.for_client(self.vault, client_id)]
        return {
            int(m.id or 0): (course_of_session.get(m.session_id) if m.session_id is not None
                             else course_for_date(m.taken_on, spans))
            for m in measures
        }

    def course_outcomes(self, course_id: int, *,
                        measures: list[Measure] | None = None) -> CourseOutcomes:
        """Every scale with a score in this course: points, outcome, reference lines.

        The client's sessions, slots and measures are each read once, as light rows (the
        client page pays this on every open); `measures` is `for_client(...)` of the
        course's client when the caller has read it already (a course summary)."""
        course = course_repo.get(self.vault, course_id)
        days = _ClientDays.read(self.vault, course.client_id)
        if measures is None:
            measures = self.for_client(course.client_id)
        belongs = self._course_of(course.client_id, days, measures)
        first = _first_dose(days, course_id)
        by_scale: dict[str, list[Measure]] = {}
        for m in measures:
            if belongs.get(int(m.id or 0)) == course_id:
                by_scale.setdefault(m.scale_id, []).append(m)
        series = []
        rules = outcome_rules(self.rules())
        for scale in self.scales:  # built-in order: PHQ-9 and the like stay in a fixed place
            of_scale = by_scale.get(scale.id)
            if of_scale:
                series.append(self._series(scale, of_scale, first, rules))
        return CourseOutcomes(course_id=course_id, first_dose=first,
                              dosing_dates=days.dosing_dates(course_id), series=tuple(series))

    def course_outcome(self, course_id: int, scale_id: str) -> OutcomeSeries | None:
        return self.course_outcomes(course_id).for_scale(scale_id)

    @staticmethod
    def _series(scale: Scale, measures: list[Measure], first: date | None,
                rules: OutcomeRules) -> OutcomeSeries:
        points = tuple(ScorePoint(m.taken_on, m.total, m.dose_timing) for m in measures
                       if m.total is not None)
        if not scale.has_total or not points:
            return OutcomeSeries(scale, points, None, None, None)
        outcome = course_outcome(scale, points, first, rules)
        response = None
        if (scale.direction == "lower_is_better" and outcome.baseline is not None
                and outcome.baseline.total > 0):
            response = outcome.baseline.total / 2
        remission = float(scale.remission.value) if scale.remission is not None else None
        return OutcomeSeries(scale, points, outcome, response, remission)


@dataclass(frozen=True)
class _ClientDays:
    """The days of a client's sessions and planned slots, read in one query each."""

    sessions: list[tuple[int, int, SessionKind, date]]
    slots: list[tuple[int, SessionKind, date, date, bool]]

    @classmethod
    def read(cls, vault: Vault, client_id: int) -> _ClientDays:
        return cls(session_repo.days_for_client(vault, client_id),
                   course_repo.slot_days_for_client(vault, client_id))

    def dosing_dates(self, course_id: int) -> tuple[date, ...]:
        return tuple(sorted({day for _sid, cid, kind, day in self.sessions
                             if cid == course_id and kind is SessionKind.DOSING}))


def _first_dose(days: _ClientDays, course_id: int) -> date | None:
    """The first dosing session held; if none yet, the first dosing date planned."""
    doses = days.dosing_dates(course_id)
    if doses:
        return doses[0]
    planned = [day for cid, kind, day, _original, skipped in days.slots
               if cid == course_id and kind is SessionKind.DOSING and not skipped]
    return min(planned) if planned else None
