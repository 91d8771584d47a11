"""What a sync left for a person to look at: conflict copies, field reviews, refusals.

The rows are written by the sync (kapnotes/storage/sync_apply.py, sync_outbox.py); this module
reads them and marks them resolved. Content (payloads, field values) is returned to the caller
to show, never logged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kapnotes.storage.sync_outbox import record_conflict_copy
from kapnotes.storage.sync_payloads import client_code, payload_of
from kapnotes.storage.vault import Vault


@dataclass(frozen=True)
class ConflictCopy:
    id: int
    kind: str
    client_code: str
    local_id: int | None
    payload: dict[str, Any]
    server_version: int | None
    created_at: str
    reason: str = ""  # why it was kept, when not an ordinary conflict (a deletion elsewhere)


@dataclass(frozen=True)
class FieldReview:
    id: int
    client_code: str
    field: str
    mine: str
    theirs: str
    created_at: str


@dataclass(frozen=True)
class Refusal:
    id: int
    kind: str
    client_code: str
    message: str
    created_at: str


def keep_typed_copy(vault: Vault, session_id: int, typed: Mapping[str, tuple[Any, str]],
                    now: str) -> bool:
    """Words typed into an open note over fields a sync rewrote meanwhile (another
    workstation's newer version arrived while they waited to be saved): kept as a conflict
    copy of the note with those fields, and the note keeps the newer version, as a stale
    push would be. `typed` maps field id → (value, its search text). False (nothing kept)
    for a solo vault, where nothing rewrites a note behind its editor but the app itself."""
    linked = vault.query_one("SELECT linked FROM sync_state")
    payload = payload_of(vault, "sessions", session_id)
    ids = vault.query_one("SELECT uuid, version FROM sync_ids WHERE tbl = 'sessions'"
                          " AND local_id = ?", (session_id,))
    if not (linked and linked[0]) or payload is None or ids is None:
        return False
    fields = dict(payload.get("fields") or {})
    for field_id, (value, text) in typed.items():
        fields[field_id] = {"value": json.dumps(value, ensure_ascii=False),
                            "search_text": text, "updated_at": now}
    payload["fields"] = fields
    record_conflict_copy(vault, "note", client_code(vault, "sessions", session_id), str(ids[0]),
                         session_id, json.dumps(payload, ensure_ascii=False, sort_keys=True),
                         ids[1], now, detail="typed over a newer version from another "
                                             "workstation; kept as a conflict copy")
    return True


_CONFLICT_COLUMNS = ("id, kind, client_code, local_id, payload, server_version, created_at,"
                     " reason")


def open_conflicts(vault: Vault) -> list[ConflictCopy]:
    rows = vault.conn.execute(f"SELECT {_CONFLICT_COLUMNS} FROM sync_conflicts "
                              "WHERE resolved_at IS NULL ORDER BY id").fetchall()
    return [_conflict(row) for row in rows]


def conflict(vault: Vault, conflict_id: int) -> ConflictCopy | None:
    row = vault.conn.execute(f"SELECT {_CONFLICT_COLUMNS} FROM sync_conflicts WHERE id = ?",
                             (conflict_id,)).fetchone()
    return _conflict(row) if row is not None else None


def has_open_conflict(vault: Vault, kind: str, local_id: int) -> bool:
    row = vault.conn.execute("SELECT 1 FROM sync_conflicts WHERE kind = ? AND local_id = ? "
                             "AND resolved_at IS NULL LIMIT 1", (kind, local_id)).fetchone()
    return row is not None


def resolve_conflict(vault: Vault, conflict_id: int, now: str) -> bool:
    """Mark a conflict copy resolved (kept, no longer listed); False when it was not open."""
    cur = vault.conn.execute("UPDATE sync_conflicts SET resolved_at = ? WHERE id = ? "
                             "AND resolved_at IS NULL", (now, conflict_id))
    return cur.rowcount == 1


def open_field_reviews(vault: Vault) -> list[FieldReview]:
    rows = vault.conn.execute("SELECT id, client_code, field, mine, theirs, created_at "
                              "FROM sync_field_reviews WHERE resolved_at IS NULL "
                              "ORDER BY id").fetchall()
    return [FieldReview(int(r[0]), str(r[1] or ""), str(r[2] or ""), _text(r[3]), _text(r[4]),
                        str(r[5] or "")) for r in rows]


def field_review(vault: Vault, review_id: int) -> FieldReview | None:
    return next((r for r in open_field_reviews(vault) if r.id == review_id), None)


def resolve_field_review(vault: Vault, review_id: int, now: str) -> bool:
    cur = vault.conn.execute("UPDATE sync_field_reviews SET resolved_at = ? WHERE id = ? "
                             "AND resolved_at IS NULL", (now, review_id))
    return cur.rowcount == 1


def refusals(vault: Vault) -> list[Refusal]:
    rows = vault.conn.execute("SELECT id, kind, client_code, message, created_at "
                              "FROM sync_refusals ORDER BY id").fetchall()
    return [Refusal(int(r[0]), str(r[1] or ""), str(r[2] or ""), str(r[3] or ""),
                    str(r[4] or "")) for r in rows]


def dismiss_refusal(vault: Vault, refusal_id: int) -> Refusal | None:
    """A person has read the refusal: it leaves the list (the caller audits it)."""
    found = next((r for r in refusals(vault) if r.id == refusal_id), None)
    if found is not None:
        vault.conn.execute("DELETE FROM sync_refusals WHERE id = ?", (refusal_id,))
    return found


def _conflict(row: tuple[Any, ...]) -> ConflictCopy:
    try:
        payload = json.loads(row[4]) if row[4] else {}
    except ValueError:
        payload = {}
    return ConflictCopy(int(row[0]), str(row[1] or ""), str(row[2] or ""),
                        None if row[3] is None else int(row[3]),
                        payload if isinstance(payload, dict) else {},
                        None if row[5] is None else int(row[5]), str(row[6] or ""),
                        str(row[7] or ""))


def _text(value: object) -> str:
    return "" if value is None else str(value)
