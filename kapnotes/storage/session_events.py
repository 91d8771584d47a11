"""Rows of the in-session event log (m017). Times are stored as UTC instants."""

from __future__ import annotations

from datetime import datetime

from kapnotes.domain.session_events import SessionEvent
from kapnotes.storage.monitoring import time_text, to_instant
from kapnotes.storage.vault import Vault


def add(vault: Vault, session_id: int, kind: str, at: datetime, text: str,
        entered_at: datetime) -> int:
    cur = vault.execute(
        "INSERT INTO session_events (session_id, kind, at, text, entered_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (session_id, kind, time_text(at), text, time_text(entered_at)))
    return int(cur.lastrowid)


def update(vault: Vault, event_id: int, kind: str, at: datetime, text: str) -> None:
    vault.execute("UPDATE session_events SET kind = ?, at = ?, text = ? WHERE id = ?",
                  (kind, time_text(at), text, event_id))


def delete(vault: Vault, event_id: int) -> None:
    vault.execute("DELETE FROM session_events WHERE id = ?", (event_id,))


def get(vault: Vault, event_id: int) -> SessionEvent | None:
    rows = vault.query("SELECT id, session_id, kind, at, text FROM session_events"
                       " WHERE id = ?", (event_id,))
    return _event(rows[0]) if rows else None


def for_session(vault: Vault, session_id: int) -> list[SessionEvent]:
    rows = vault.query("SELECT id, session_id, kind, at, text FROM session_events"
                       " WHERE session_id = ? ORDER BY at, id", (session_id,))
    return [_event(r) for r in rows]


def for_sessions(vault: Vault, session_ids: list[int]) -> dict[int, list[SessionEvent]]:
    """`for_session` of each of `session_ids`, one query for all (a course summary)."""
    out: dict[int, list[SessionEvent]] = {sid: [] for sid in session_ids}
    if session_ids:
        for r in vault.query("SELECT id, session_id, kind, at, text FROM session_events"
                             f" WHERE session_id IN ({','.join('?' * len(session_ids))})"
                             " ORDER BY session_id, at, id", tuple(session_ids)):
            out[int(r[1])].append(_event(r))
    return out


def _event(row: tuple[object, ...]) -> SessionEvent:
    at = to_instant(str(row[3]))
    assert at is not None  # NOT NULL column
    return SessionEvent(int(str(row[0])), int(str(row[1])), str(row[2]), at, str(row[4]))
