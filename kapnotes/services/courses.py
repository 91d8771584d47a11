"""Course use cases: create with a generated plan, change status, move/skip slots, timeline."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Course, CourseStatus, Session, SlotRecord
from kapnotes.domain.protocol_model import STORED_PARAMETERS, ProtocolDef
from kapnotes.domain.protocols import LoadedProtocols, protocols_in_use
from kapnotes.domain.schedule import PlannedSlot, generate_plan
from kapnotes.domain.schedule_days import fit_plan
from kapnotes.domain.schedule_status import (
    Adherence,
    AdjustmentAction,
    HeldSession,
    SlotAdjustment,
    SlotState,
    adherence,
    reconcile_plan,
)
from kapnotes.domain.text_rules import clean_text
from kapnotes.services.changes import Changes, ids, mark, write
from kapnotes.services.clock import Clock, system_clock
from kapnotes.services.settings_service import SettingsService
from kapnotes.storage import audit
from kapnotes.storage import clients as client_repo
from kapnotes.storage import courses as repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.vault import Vault


@dataclass(frozen=True)
class TimelineEntry:
    """A planned slot as the timeline shows it: stored record plus computed status."""

    slot: SlotRecord
    state: SlotState


@dataclass(frozen=True)
class Timeline:
    course: Course
    entries: tuple[TimelineEntry, ...]
    adherence: Adherence


# The intervals a course stores, whatever protocol it follows (a protocol's file may narrow
# them; `generate` checks that).
MAX_INTERVAL_WEEKS = 52


def _validate_course(course: Course, protocols: LoadedProtocols | None) -> Course:
    """`protocols`: the set the protocol must be in (None: an existing course keeping the
    protocol it was created with, even if that protocol's file has since been removed)."""
    if protocols is not None:
        protocols.require(course.protocol)
    if not isinstance(course.start_date, date) or not (
            date(1900, 1, 1) <= course.start_date <= date(2200, 12, 31)):
        # The plan is computed from it; year 1 or 9999 would overflow the calendar.
        raise ValidationError("Start date", "must be a date between 1900 and 2200.")
    for field, value in (("Maintenance interval", course.maintenance_interval_weeks),
                         ("Dosing interval", course.dose_interval_weeks)):
        if isinstance(value, bool) or not isinstance(value, int) \
                or not 1 <= value <= MAX_INTERVAL_WEEKS:
            raise ValidationError(field, f"must be 1 to {MAX_INTERVAL_WEEKS} weeks.")
    reason = clean_text("Reason", course.status_reason, max_length=2000, multiline=True)
    if course.status is CourseStatus.DISCONTINUED and not reason.strip():
        raise ValidationError("Reason", "a discontinued course needs the reason.")
    return dataclasses.replace(
        course,
        title=clean_text("Course title", course.title),
        prescriber=clean_text("Prescriber", course.prescriber),
        status_reason=reason,
    )


class CourseService:
    """Treatment courses and their planned schedules."""

    def __init__(self, vault: Vault, *, clock: Clock = system_clock,
                 protocols: LoadedProtocols | None = None) -> None:
        """`protocols`: built-ins plus the practice's files (default: the set in use)."""
        self.vault = vault
        self.clock = clock
        self._protocols = protocols

    @property
    def protocols(self) -> LoadedProtocols:
        return self._protocols if self._protocols is not None else protocols_in_use()

    def protocol(self, protocol_id: str) -> ProtocolDef:
        """A protocol in force, or ValidationError naming the unknown id."""
        return self.protocols.require(protocol_id)

    def create(self, course: Course, *,
               custom_day_offsets: Sequence[int] | None = None) -> Course:
        """Store a course and the plan its protocol generates from the start date (and, for
        a protocol that lists them, the dose days: kapnotes/services/course_plans.py)."""
        clean = _validate_course(course, self.protocols)
        client_repo.get(self.vault, clean.client_id)
        plan = self.generate(clean, custom_day_offsets=custom_day_offsets)
        with write(self.vault, Changes(courses=True, client_ids=ids(clean.client_id))):
            course_id = repo.insert(self.vault, clean)
            mark(self.vault, Changes(course_ids=ids(course_id)))
            repo.replace_plan(self.vault, course_id, plan)
            audit.record(self.vault, "course.create", record_type="course", record_id=course_id)
        return dataclasses.replace(clean, id=course_id)

    def generate(self, course: Course, *,
                 custom_day_offsets: Sequence[int] | None = None) -> list[PlannedSlot]:
        """The plan of a new course, fitted to the practice's opening days and to today
        (nothing planned before the course exists): kapnotes/domain/schedule_days.py."""
        protocol = self.protocol(course.protocol)
        # The intervals the course stores, where its protocol has them; the rest at the
        # protocol file's defaults.
        stored = {name: getattr(course, name) for name in STORED_PARAMETERS
                  if protocol.parameter(name) is not None}
        if protocol.parameter("custom_day_offsets") is not None:
            stored["custom_day_offsets"] = custom_day_offsets
        plan = generate_plan(protocol, course.start_date, **stored)
        return fit_plan(plan, SettingsService(self.vault).opening_days(),
                        not_before=self.clock().date())

    def update(self, course: Course) -> Course:
        before = repo.get(self.vault, course.id) if course.id is not None else None
        # A course keeps the protocol it was planned with, even one whose file is gone.
        kept = before is not None and before.protocol == course.protocol
        clean = _validate_course(course, None if kept else self.protocols)
        with write(self.vault, Changes(courses=True, client_ids=ids(clean.client_id),
                                       course_ids=ids(clean.id))):
            repo.update(self.vault, clean)
            audit.record(self.vault, "course.update", record_type="course",
                         record_id=clean.id or "")
        return clean

    def set_status(self, course_id: int, status: CourseStatus, reason: str = "") -> Course:
        course = dataclasses.replace(self.get(course_id), status=status, status_reason=reason)
        with write(self.vault, Changes(courses=True, course_ids=ids(course_id))):
            clean = self.update(course)
            audit.record(self.vault, "course.status", record_type="course",
                         record_id=course_id, detail=status.value)
        return clean

    def get(self, course_id: int) -> Course:
        return repo.get(self.vault, course_id)

    def for_client(self, client_id: int) -> list[Course]:
        return repo.for_client(self.vault, client_id)

    def running_courses(self, client_id: int) -> list[Course]:
        """The client's active or paused courses: starting another one deserves a warning
        (two running ketamine courses split the sessions and scores between them)."""
        return [c for c in self.for_client(client_id)
                if c.status in (CourseStatus.ACTIVE, CourseStatus.PAUSED)]

    def move_slot(self, slot_id: int, new_date: date, reason: str) -> None:
        slot = repo.get_slot(self.vault, slot_id)
        text = clean_text("Reason", reason, required=True, max_length=2000)
        if new_date == slot.planned_date:
            raise ValidationError("New date", "is the date already planned; choose another day.")
        with write(self.vault, lambda: self._slot_changed(slot.course_id)):
            repo.move_slot(self.vault, slot_id, new_date, text)

    def skip_slot(self, slot_id: int, reason: str) -> None:
        slot = repo.get_slot(self.vault, slot_id)
        text = clean_text("Reason", reason, required=True, max_length=2000)
        with write(self.vault, lambda: self._slot_changed(slot.course_id)):
            repo.skip_slot(self.vault, slot_id, text)

    def _slot_changed(self, course_id: int) -> Changes:
        client_id = repo.get(self.vault, course_id).client_id
        return Changes(courses=True, client_ids=ids(client_id), course_ids=ids(course_id))

    def timeline(self, course_id: int, *, today: date | None = None,
                 sessions: Sequence[Session] | None = None) -> Timeline:
        """Every planned slot with its status (done, missed, overdue, upcoming, skipped…).
        `sessions`: the course's sessions when the caller has just read them (the client
        page shares one read between the timeline, the session list and the monitoring)."""
        course = repo.get(self.vault, course_id)
        records = repo.slots(self.vault, course_id)
        by_seq = {r.seq: r for r in records}
        plan = [
            PlannedSlot(index=r.seq, kind=r.kind, planned_date=r.original_date,
                        phase=r.label, dose_number=r.dose_number or 0)
            for r in records
        ]
        adjustments = []
        for r in records:
            if r.skipped:
                adjustments.append(SlotAdjustment(r.seq, AdjustmentAction.SKIP, r.change_reason))
            elif r.moved:
                adjustments.append(SlotAdjustment(r.seq, AdjustmentAction.MOVE, r.change_reason,
                                                  new_date=r.planned_date))
        linked = {r.session_id: r.seq for r in records if r.session_id is not None}
        held = [
            HeldSession(session_id=str(s.id), kind=s.kind,
                        held_on=s.starts_at.date(),
                        slot_index=linked.get(s.id) if s.id is not None else None)
            for s in (session_repo.for_course(self.vault, course_id) if sessions is None
                      else sessions)
        ]
        day = today or self.clock().date()
        states = reconcile_plan(plan, held, day, adjustments=adjustments)
        entries = tuple(TimelineEntry(slot=by_seq[s.slot.index], state=s) for s in states)
        return Timeline(course=course, entries=entries, adherence=adherence(states, day))
