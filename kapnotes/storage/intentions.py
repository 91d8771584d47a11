"""Course intentions and their reviews in sessions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kapnotes.domain.course_items import Intention, IntentionReview, IntentionStatus
from kapnotes.domain.errors import NotFoundError
from kapnotes.storage.rows import date_text, now_utc_text, to_date, to_datetime
from kapnotes.storage.vault import Vault

_COLS = (
    "id, course_id, text, set_on, status, source_session_id, revised_from, status_changed_at,"
    " position"
)


def _intention(row: Any) -> Intention:
    return Intention(
        id=row[0], course_id=row[1], text=row[2], set_on=to_date(row[3]) or date.min,
        status=IntentionStatus(row[4]), source_session_id=row[5], revised_from=row[6],
        status_changed_at=to_datetime(row[7]), position=row[8],
    )


def insert(vault: Vault, *, course_id: int, text: str, set_on: date,
           source_session_id: int | None = None, source_field_id: str | None = None,
           position: int = 0, revised_from: int | None = None) -> int:
    cur = vault.execute(
        "INSERT INTO intentions (course_id, text, set_on, source_session_id, source_field_id,"
        " position, revised_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (course_id, text, date_text(set_on), source_session_id, source_field_id, position,
         revised_from, now_utc_text()),
    )
    return int(cur.lastrowid)


def get(vault: Vault, intention_id: int) -> Intention:
    row = vault.query_one(f"SELECT {_COLS} FROM intentions WHERE id = ?", (intention_id,))
    if row is None:
        raise NotFoundError(f"Intention {intention_id} does not exist.")
    return _intention(row)


def for_course(vault: Vault, course_id: int) -> list[Intention]:
    rows = vault.query(
        f"SELECT {_COLS} FROM intentions WHERE course_id = ? ORDER BY set_on, position, id",
        (course_id,),
    )
    return [_intention(r) for r in rows]


def count_for_course(vault: Vault, course_id: int) -> int:
    row = vault.query_one("SELECT count(*) FROM intentions WHERE course_id = ?", (course_id,))
    return int(row[0]) if row else 0


def owned_by_any_status(vault: Vault, session_id: int, field_id: str) -> list[Intention]:
    """Every intention a note's list field set (revised ones too), in list order."""
    rows = vault.query(
        f"SELECT {_COLS} FROM intentions WHERE source_session_id = ? AND source_field_id = ?"
        " ORDER BY position, id", (session_id, field_id),
    )
    return [_intention(r) for r in rows]


def has_successor(vault: Vault, intention_id: int) -> bool:
    return vault.query_one("SELECT 1 FROM intentions WHERE revised_from = ?",
                           (intention_id,)) is not None


def is_used(vault: Vault, intention_id: int) -> bool:
    """Reviewed, revised or given a status: the course relies on it, so it is never deleted."""
    row = vault.query_one(
        "SELECT status <> 'active'"
        " OR EXISTS (SELECT 1 FROM intention_reviews WHERE intention_id = i.id)"
        " OR EXISTS (SELECT 1 FROM intentions n WHERE n.revised_from = i.id)"
        " FROM intentions i WHERE i.id = ?", (intention_id,),
    )
    return bool(row and row[0])


def update_text(vault: Vault, intention_id: int, text: str, position: int) -> None:
    vault.execute("UPDATE intentions SET text = ?, position = ? WHERE id = ?",
                  (text, position, intention_id))


def set_position(vault: Vault, intention_id: int, position: int) -> None:
    vault.execute("UPDATE intentions SET position = ? WHERE id = ? AND position <> ?",
                  (position, intention_id, position))


def set_status(vault: Vault, intention_id: int, status: IntentionStatus,
               at: datetime | None = None) -> None:
    vault.execute(
        "UPDATE intentions SET status = ?, status_changed_at = ? WHERE id = ?",
        (status.value, (at.isoformat(timespec="seconds") if at else now_utc_text()),
         intention_id),
    )


def delete(vault: Vault, intention_id: int) -> None:
    vault.execute("DELETE FROM intentions WHERE id = ?", (intention_id,))


# -- reviews -------------------------------------------------------------------------------
def reviews_for_course(vault: Vault, course_id: int) -> list[IntentionReview]:
    rows = vault.query(
        "SELECT r.intention_id, r.session_id, r.progress, r.note FROM intention_reviews r"
        " JOIN intentions i ON i.id = r.intention_id WHERE i.course_id = ?"
        " ORDER BY r.session_id, r.position", (course_id,),
    )
    return [IntentionReview(r[0], r[1], r[2], r[3]) for r in rows]


def reviewed_in(vault: Vault, session_id: int) -> list[int]:
    return [r[0] for r in vault.query(
        "SELECT intention_id FROM intention_reviews WHERE session_id = ? ORDER BY position",
        (session_id,))]


def replace_reviews(vault: Vault, session_id: int, field_id: str,
                    reviews: list[tuple[int, int | None, str]]) -> None:
    """Make the session's reviews from this field exactly `reviews` (intention, progress, note)."""
    keep = [intention_id for intention_id, _, _ in reviews]
    marks = ", ".join("?" * len(keep)) or "NULL"
    vault.execute(
        f"DELETE FROM intention_reviews WHERE session_id = ? AND field_id = ?"
        f" AND intention_id NOT IN ({marks})", (session_id, field_id, *keep),
    )
    for position, (intention_id, progress, note) in enumerate(reviews):
        vault.execute(
            "INSERT INTO intention_reviews (intention_id, session_id, field_id, progress, note,"
            " position) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (intention_id, session_id) DO UPDATE SET field_id = excluded.field_id,"
            " progress = excluded.progress, note = excluded.note, position = excluded.position"
            " WHERE progress IS NOT excluded.progress OR note <> excluded.note"
            " OR position <> excluded.position OR field_id <> excluded.field_id",
            (intention_id, session_id, field_id, progress, note, position),
        )
