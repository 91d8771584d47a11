"""Treatment courses and their planned slots."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from kapnotes.domain.errors import NotFoundError
from kapnotes.domain.models import Course, CourseStatus, SessionKind, SlotRecord
from kapnotes.domain.schedule import PlannedSlot
from kapnotes.storage.rows import date_text, now_utc_text, to_date
from kapnotes.storage.vault import Vault

_COURSE_COLS = (
    "id, client_id, protocol, title, start_date, prescriber, status, status_reason, "
    "maintenance_interval_weeks, dose_interval_weeks"
)
_SLOT_COLS = (
    "id, course_id, seq, kind, planned_date, original_date, label, dose_number, skipped, "
    "change_reason, session_id"
)


def _course(row: Any) -> Course:
    return Course(
        id=row[0], client_id=row[1], protocol=row[2], title=row[3],
        start_date=to_date(row[4]) or date.min, prescriber=row[5],
        status=CourseStatus(row[6]), status_reason=row[7], maintenance_interval_weeks=row[8],
        dose_interval_weeks=row[9],
    )


def _slot(row: Any) -> SlotRecord:
    return SlotRecord(
        id=row[0], course_id=row[1], seq=row[2], kind=SessionKind(row[3]),
        planned_date=to_date(row[4]) or date.min, original_date=to_date(row[5]) or date.min,
        label=row[6], dose_number=row[7], skipped=bool(row[8]), change_reason=row[9],
        session_id=row[10],
    )


def insert(vault: Vault, course: Course) -> int:
    now = now_utc_text()
    cur = vault.execute(
        "INSERT INTO courses (client_id, protocol, title, start_date, prescriber, status,"
        " status_reason, maintenance_interval_weeks, dose_interval_weeks, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (course.client_id, course.protocol, course.title, date_text(course.start_date),
         course.prescriber, course.status.value, course.status_reason,
         course.maintenance_interval_weeks, course.dose_interval_weeks, now, now),
    )
    return int(cur.lastrowid)


def update(vault: Vault, course: Course) -> None:
    cur = vault.execute(
        "UPDATE courses SET protocol = ?, title = ?, start_date = ?, prescriber = ?, status = ?,"
        " status_reason = ?, maintenance_interval_weeks = ?, dose_interval_weeks = ?,"
        " updated_at = ? WHERE id = ?",
        (course.protocol, course.title, date_text(course.start_date), course.prescriber,
         course.status.value, course.status_reason, course.maintenance_interval_weeks,
         course.dose_interval_weeks, now_utc_text(), course.id),
    )
    if cur.rowcount == 0:
        raise NotFoundError(f"Course {course.id} does not exist.")


def get(vault: Vault, course_id: int) -> Course:
    row = vault.query_one(f"SELECT {_COURSE_COLS} FROM courses WHERE id = ?", (course_id,))
    if row is None:
        raise NotFoundError(f"Course {course_id} does not exist.")
    return _course(row)


def for_client(vault: Vault, client_id: int) -> list[Course]:
    rows = vault.query(
        f"SELECT {_COURSE_COLS} FROM courses WHERE client_id = ? ORDER BY start_date DESC, id",
        (client_id,),
    )
    return [_course(r) for r in rows]


def replace_plan(vault: Vault, course_id: int, plan: Iterable[PlannedSlot]) -> None:
    """Store a freshly generated plan (replacing any earlier one) inside one transaction."""
    with vault.transaction():
        vault.execute("DELETE FROM planned_slots WHERE course_id = ?", (course_id,))
        for slot in plan:
            # A slot generation moved (off a closed day, say) is stored as moved, with why.
            vault.execute(
                "INSERT INTO planned_slots (course_id, seq, kind, planned_date, original_date,"
                " label, dose_number, change_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (course_id, slot.index, slot.kind.value, date_text(slot.planned_date),
                 date_text(slot.moved_from or slot.planned_date), slot.phase,
                 slot.dose_number, slot.move_reason),
            )


def slots(vault: Vault, course_id: int) -> list[SlotRecord]:
    rows = vault.query(
        f"SELECT {_SLOT_COLS} FROM planned_slots WHERE course_id = ? ORDER BY seq", (course_id,)
    )
    return [_slot(r) for r in rows]


def slot_days_for_client(vault: Vault, client_id: int
                         ) -> list[tuple[int, SessionKind, date, date, bool]]:
    """(course id, kind, planned day, original day, skipped) of every planned slot of the
    client's courses, in plan order."""
    rows = vault.query(
        "SELECT p.course_id, p.kind, p.planned_date, p.original_date, p.skipped"
        " FROM planned_slots p JOIN courses c ON c.id = p.course_id WHERE c.client_id = ?"
        " ORDER BY p.course_id, p.seq", (client_id,))
    return [(r[0], SessionKind(r[1]), to_date(r[2]) or date.min, to_date(r[3]) or date.min,
             bool(r[4])) for r in rows]


def get_slot(vault: Vault, slot_id: int) -> SlotRecord:
    row = vault.query_one(f"SELECT {_SLOT_COLS} FROM planned_slots WHERE id = ?", (slot_id,))
    if row is None:
        raise NotFoundError(f"Planned slot {slot_id} does not exist.")
    return _slot(row)


def move_slot(vault: Vault, slot_id: int, new_date: date, reason: str) -> None:
    vault.execute(
        "UPDATE planned_slots SET planned_date = ?, change_reason = ?, skipped = 0 WHERE id = ?",
        (date_text(new_date), reason, slot_id),
    )


def skip_slot(vault: Vault, slot_id: int, reason: str) -> None:
    vault.execute(
        "UPDATE planned_slots SET skipped = 1, change_reason = ? WHERE id = ?", (reason, slot_id)
    )


def link_slot(vault: Vault, slot_id: int, session_id: int | None) -> None:
    vault.execute("UPDATE planned_slots SET session_id = ? WHERE id = ?", (session_id, slot_id))


