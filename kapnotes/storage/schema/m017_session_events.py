"""Schema step 017: the in-session event log (kapnotes/domain/session_events.py).

One row per entry, kept with its session and locked with its signature by the same triggers as
the dosing record (m002): the vault refuses an added, changed or removed entry once the note
is signed. Deleting a client (which cascades through its sessions) still removes them.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.m002_monitoring import lock_triggers
from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE session_events (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
    at          TEXT NOT NULL,
    text        TEXT NOT NULL DEFAULT '' CHECK (length(text) <= 300),
    entered_at  TEXT NOT NULL
);
CREATE INDEX session_events_session ON session_events(session_id, at);
""" + lock_triggers("session_events")


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
