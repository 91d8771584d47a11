"""Sessions, their note fields (one row per field), signing and addenda."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from kapnotes.domain.errors import ConflictError, NotFoundError
from kapnotes.domain.models import Addendum, Modality, Session, SessionKind
from kapnotes.storage.rows import datetime_text, now_utc_text, to_datetime
from kapnotes.storage.vault import Vault

_COLS = (
    "id, course_id, kind, starts_at, duration_min, clinician, modality, linked_dosing_id, "
    "template_id, template_version, signed_at, signed_by, sign_reason"
)


def _session(row: Any) -> Session:
    return Session(
        id=row[0], course_id=row[1], kind=SessionKind(row[2]),
        starts_at=to_datetime(row[3]) or datetime.min, duration_min=row[4], clinician=row[5],
        modality=Modality(row[6]), linked_dosing_id=row[7], template_id=row[8],
        template_version=row[9], signed_at=to_datetime(row[10]), signed_by=row[11],
        sign_reason=row[12],
    )


def insert(vault: Vault, s: Session) -> int:
    now = now_utc_text()
    cur = vault.execute(
        "INSERT INTO sessions (course_id, kind, starts_at, duration_min, clinician, modality,"
        " linked_dosing_id, template_id, template_version, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (s.course_id, s.kind.value, datetime_text(s.starts_at), s.duration_min, s.clinician,
         s.modality.value, s.linked_dosing_id, s.template_id, s.template_version, now, now),
    )
    return int(cur.lastrowid)


def update_details(vault: Vault, s: Session) -> None:
    """Change when/how a session was held (not its note); refused once signed."""
    cur = vault.execute(
        "UPDATE sessions SET starts_at = ?, duration_min = ?, clinician = ?, modality = ?,"
        " linked_dosing_id = ?, updated_at = ? WHERE id = ? AND signed_at IS NULL",
        (datetime_text(s.starts_at), s.duration_min, s.clinician, s.modality.value,
         s.linked_dosing_id, now_utc_text(), s.id),
    )
    if cur.rowcount == 0:
        get(vault, int(s.id or 0))
        raise ConflictError("This note is signed; its details can only change by addendum.")


def get(vault: Vault, session_id: int) -> Session:
    row = vault.query_one(f"SELECT {_COLS} FROM sessions WHERE id = ?", (session_id,))
    if row is None:
        raise NotFoundError(f"Session {session_id} does not exist.")
    return _session(row)


def for_course(vault: Vault, course_id: int) -> list[Session]:
    rows = vault.query(
        f"SELECT {_COLS} FROM sessions WHERE course_id = ? ORDER BY starts_at, id", (course_id,)
    )
    return [_session(r) for r in rows]


def days_for_client(vault: Vault, client_id: int) -> list[tuple[int, int, SessionKind, date]]:
    """(session id, course id, kind, day held) of every session of the client's courses, in
    time order: what placing measures in courses needs, without building whole sessions."""
    rows = vault.query(
        "SELECT s.id, s.course_id, s.kind, s.starts_at FROM sessions s"
        " JOIN courses c ON c.id = s.course_id WHERE c.client_id = ?"
        " ORDER BY s.starts_at, s.id", (client_id,))
    return [(r[0], r[1], SessionKind(r[2]), (to_datetime(r[3]) or datetime.min).date())
            for r in rows]


def client_id_of(vault: Vault, session_id: int) -> int:
    row = vault.query_one(
        "SELECT c.client_id FROM sessions s JOIN courses c ON c.id = s.course_id"
        " WHERE s.id = ?", (session_id,),
    )
    if row is None:
        raise NotFoundError(f"Session {session_id} does not exist.")
    return int(row[0])


def delete(vault: Vault, session_id: int) -> None:
    vault.execute("DELETE FROM sessions WHERE id = ? AND signed_at IS NULL", (session_id,))


# -- note fields ---------------------------------------------------------------------------
def field_values(vault: Vault, session_id: int) -> dict[str, Any]:
    rows = vault.query(
        "SELECT field_id, value FROM session_fields WHERE session_id = ? ORDER BY field_id",
        (session_id,),
    )
    return {field_id: json.loads(value) for field_id, value in rows}


def notes_of(vault: Vault, session_ids: list[int]
             ) -> dict[int, tuple[dict[str, Any], list[Addendum]]]:
    """Session id → (`field_values`, `addenda`) for each of `session_ids`, one query per
    table for all of them (a course summary prints every note of the course)."""
    out: dict[int, tuple[dict[str, Any], list[Addendum]]] = {
        sid: ({}, []) for sid in session_ids}
    if not session_ids:
        return out
    marks = ",".join("?" * len(session_ids))
    for sid, field_id, value in vault.query(
            f"SELECT session_id, field_id, value FROM session_fields WHERE session_id IN"
            f" ({marks}) ORDER BY session_id, field_id", tuple(session_ids)):
        out[sid][0][field_id] = json.loads(value)
    for r in vault.query(f"SELECT {_ADDENDUM_COLS} FROM addenda WHERE session_id IN ({marks})"
                         " ORDER BY session_id, created_at, id", tuple(session_ids)):
        out[r[1]][1].append(_addendum(r))
    return out


def put_field(vault: Vault, session_id: int, field_id: str, value: Any, search_text: str) -> None:
    """Upsert one field's value; the database refuses it if the note is signed."""
    vault.execute(
        "INSERT INTO session_fields (session_id, field_id, value, search_text, updated_at)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (session_id, field_id) DO UPDATE SET value = excluded.value,"
        " search_text = excluded.search_text, updated_at = excluded.updated_at",
        (session_id, field_id, json.dumps(value, ensure_ascii=False), search_text,
         now_utc_text()),
    )


def mark_signed(
    vault: Vault, session_id: int, *, signer: str, at: datetime, reason: str = ""
) -> None:
    cur = vault.execute(
        "UPDATE sessions SET signed_at = ?, signed_by = ?, sign_reason = ?, updated_at = ?"
        " WHERE id = ? AND signed_at IS NULL",
        # Stored in UTC whatever the caller's clock (a naive time is local wall time).
        (at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), signer, reason, now_utc_text(),
         session_id),
    )
    if cur.rowcount == 0:
        raise ConflictError("This note is already signed.")


# -- addenda -------------------------------------------------------------------------------
def add_addendum(vault: Vault, session_id: int, text: str, author: str) -> int:
    cur = vault.execute(
        "INSERT INTO addenda (session_id, text, author, created_at) VALUES (?, ?, ?, ?)",
        (session_id, text, author, now_utc_text()),
    )
    return int(cur.lastrowid)


_ADDENDUM_COLS = "id, session_id, text, author, created_at"


def addenda(vault: Vault, session_id: int) -> list[Addendum]:
    rows = vault.query(f"SELECT {_ADDENDUM_COLS} FROM addenda WHERE session_id = ?"
                       " ORDER BY created_at, id", (session_id,))
    return [_addendum(r) for r in rows]


def _addendum(r: Any) -> Addendum:
    return Addendum(id=r[0], session_id=r[1], text=r[2], author=r[3],
                    created_at=to_datetime(r[4]) or datetime.min)


# -- template snapshots --------------------------------------------------------------------
def snapshot_template(vault: Vault, template_id: str, version: int, kind: str,
                      definition: str) -> None:
    vault.execute(
        "INSERT OR IGNORE INTO template_snapshots (template_id, version, kind, definition)"
        " VALUES (?, ?, ?, ?)", (template_id, version, kind, definition),
    )


def template_snapshots(vault: Vault) -> list[tuple[str, int, str]]:
    """(id, version, JSON definition) of every template a note in this vault uses."""
    return [(r[0], r[1], r[2]) for r in vault.query(
        "SELECT template_id, version, definition FROM template_snapshots ORDER BY 1, 2")]
