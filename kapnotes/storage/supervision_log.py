"""The supervision log's rows (schema steps 014, 019): one per supervision session received,
from an imported reply (then unchangeable) or entered by hand; and, in a supervisor's vault,
one per session given in a reply sent from it (`direction` 'given', also unchangeable)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from kapnotes.storage.vault import Vault


@dataclass(frozen=True)
class LogRow:
    id: int
    supervisor: str
    held_on: str  # ISO date
    minutes: int
    format: str  # individual, group
    topics: tuple[str, ...]
    reply_id: str | None
    created_at: str
    direction: str = "received"  # or "given": this vault's clinician supervised
    supervisee: str = ""  # given: whom
    given_reply_id: str | None = None  # given: the reply sent from this vault


def add(vault: Vault, row: LogRow) -> int:
    cur = vault.execute(
        "INSERT INTO supervision_log (supervisor, held_on, minutes, format, topics, reply_id,"
        " created_at, direction, supervisee, given_reply_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row.supervisor, row.held_on, row.minutes, row.format,
         json.dumps(list(row.topics), ensure_ascii=False), row.reply_id, row.created_at,
         row.direction, row.supervisee, row.given_reply_id))
    return int(cur.lastrowid)


def delete_manual(vault: Vault, entry_id: int) -> bool:
    """Remove an entry typed by hand (a mistake); entries from replies stay (trigger)."""
    cur = vault.execute("DELETE FROM supervision_log WHERE id = ? AND reply_id IS NULL"
                        " AND given_reply_id IS NULL", (entry_id,))
    return bool(cur.rowcount)


def _topics(text: str) -> tuple[str, ...]:
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    return tuple(str(t) for t in value) if isinstance(value, list) else ()


def entries(vault: Vault, *, start: str | None = None, end: str | None = None,
            direction: str = "received") -> list[LogRow]:
    """Entries held from `start` to `end` (ISO dates, inclusive), oldest first: supervision
    received (the log's totals and PDF) or, with direction="given", given."""
    rows = vault.query(
        "SELECT id, supervisor, held_on, minutes, format, topics, reply_id, created_at,"
        " direction, supervisee, given_reply_id FROM supervision_log WHERE direction = ?"
        " AND (? IS NULL OR held_on >= ?) AND (? IS NULL OR held_on <= ?)"
        " ORDER BY held_on, id", (direction, start, start, end, end))
    return [LogRow(int(r[0]), r[1], r[2], int(r[3]), r[4], _topics(r[5]), r[6], r[7], r[8],
                   r[9], r[10]) for r in rows]
