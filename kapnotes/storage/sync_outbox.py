"""The vault's outbox of changes for the practice server (docs/PRACTICE-SERVER.md,
"Sync on the workstation").

Triggers (schema step 020) mark changed rows in `sync_dirty`; `pack_outbox` turns each into
one operation built from the row as it is then (not one per keystroke), with its op_id fixed,
so a push retried after a dropped connection is the same operation. A row whose earlier
operation is still unanswered stays marked and is packed after that answer, with the version
the server gave it as its base. Every function runs inside the caller's transaction.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from kapnotes.domain.sync_ops import OutgoingOp
from kapnotes.storage import audit, sync_extra
from kapnotes.storage.schema.m020_sync import INSERT_ONLY, SHARED
from kapnotes.storage.sync_kinds import INSERT_ONLY_TABLES, KINDS
from kapnotes.storage.sync_payloads import KIND_OF_TABLE, client_code, payload_of
from kapnotes.storage.vault import Vault

# Kinds the server keeps as written: a row it already has is not sent again.
_KEPT_AS_WRITTEN = frozenset(INSERT_ONLY) | INSERT_ONLY_TABLES
# Parents before children, so a receiving vault meets a client before its courses.
_ORDER = "CASE d.tbl " + " ".join(
    f"WHEN '{t}' THEN {i}" for i, t in enumerate([*SHARED, *KINDS])) + " ELSE 99 END"


def payload_text(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def pack_outbox(vault: Vault, now: str) -> int:
    """Turn changed rows into operations; returns how many were packed."""
    rows = vault.query(
        "SELECT d.tbl, d.local_id, i.uuid, i.version,"
        " EXISTS (SELECT 1 FROM sync_outbox o WHERE o.row_uuid = i.uuid)"
        " FROM sync_dirty d LEFT JOIN sync_ids i ON i.tbl = d.tbl AND i.local_id = d.local_id"
        f" ORDER BY {_ORDER}, d.local_id")
    packed = 0
    for table, local_id, row_uuid, version, in_flight in rows:
        if table in sync_extra.TABLES:  # register and audit entries: sent once, as written
            packed += _pack_apart(vault, table, local_id, row_uuid, now)
            continue
        if in_flight:
            continue  # stays marked: packed after the server answers the earlier op
        if table == "clients" and version is None and row_uuid is not None:
            row_uuid = _client_uuid(vault, local_id, row_uuid)
        payload = payload_of(vault, table, local_id) if row_uuid is not None else None
        code = client_code(vault, table, local_id) if payload is not None else None
        vault.execute("DELETE FROM sync_dirty WHERE tbl = ? AND local_id = ?", (table, local_id))
        if payload is None or code is None or (table in _KEPT_AS_WRITTEN and version is not None):
            continue  # gone (its void is already out), or already on the server as written
        vault.execute(
            "INSERT INTO sync_outbox (op_id, tbl, local_id, kind, client_code, row_uuid,"
            " base_version, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (str(uuid.uuid4()), table, local_id, KIND_OF_TABLE[table], code, row_uuid, version,
             payload_text(payload), now))
        packed += 1
    return packed


def _pack_apart(vault: Vault, table: str, local_id: int, row_uuid: str | None, now: str) -> int:
    vault.execute("DELETE FROM sync_dirty WHERE tbl = ? AND local_id = ?", (table, local_id))
    op = sync_extra.op_for(vault, table, local_id, row_uuid)
    if op is None:
        return 0
    kind, code, op_uuid, payload = op
    vault.execute(
        "INSERT INTO sync_outbox (op_id, tbl, local_id, kind, client_code, row_uuid,"
        " base_version, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
        (str(uuid.uuid4()), table, local_id, kind, code, op_uuid, payload_text(payload), now))
    return 1


# Clients are one row per code on the server: a code entered on two workstations before
# either synced must meet as the same row (a conflict, then a field merge), not as two.
CLIENT_NAMESPACE = uuid.UUID("6f1c9a52-3d0e-4b7a-9a63-0c2f5e8d4b11")


def _client_uuid(vault: Vault, local_id: int, current: str) -> str:
    """A client never on the server takes the UUID its code gives (the same everywhere)."""
    code = client_code(vault, "clients", local_id)
    if code is None:
        return current
    wanted = str(uuid.uuid5(CLIENT_NAMESPACE, code.upper()))
    if wanted != current:
        vault.execute("UPDATE sync_ids SET uuid = ? WHERE tbl = 'clients' AND local_id = ?",
                      (wanted, local_id))
    return wanted


def pending_ops(vault: Vault, limit: int = 500) -> list[OutgoingOp]:
    """Operations waiting for the server, oldest first; only the oldest of each row (a void
    queued behind an unanswered op gets its base version from that op's answer, so it is
    handed out once the answer is in: ask again after answering these)."""
    return [OutgoingOp(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in vault.query(
        "SELECT op_id, kind, client_code, row_uuid, base_version, payload FROM sync_outbox o"
        " WHERE seq = (SELECT min(seq) FROM sync_outbox x WHERE x.row_uuid = o.row_uuid)"
        " ORDER BY seq LIMIT ?", (limit,))]


def _op(vault: Vault, op_id: str) -> Any:
    return vault.query_one("SELECT tbl, local_id, kind, client_code, row_uuid, payload"
                           " FROM sync_outbox WHERE op_id = ?", (op_id,))


def acknowledge(vault: Vault, op_id: str, row_version: int) -> None:
    """The server applied the operation (or had already): remember the row's version (and,
    for a client, the payload both sides now agree on) and drop the operation."""
    op = _op(vault, op_id)
    if op is None:
        return
    vault.execute(
        "UPDATE sync_ids SET version = ?, base = CASE WHEN tbl = 'clients' THEN ? ELSE base END"
        " WHERE uuid = ? AND (version IS NULL OR version < ?)",
        (row_version, op[5], op[4], row_version))
    # A void queued behind this op (the row was deleted before the answer came) builds on it.
    vault.execute("UPDATE sync_outbox SET base_version = ? WHERE row_uuid = ? AND op_id <> ?",
                  (row_version, op[4], op_id))
    vault.execute("DELETE FROM sync_outbox WHERE op_id = ?", (op_id,))
    if json.loads(op[5]).get("voided"):
        mark_voided(vault, op[4])


def mark_voided(vault: Vault, row_uuid: str) -> None:
    """The row is voided on the server for good: remembered by UUID (schema step 022), and
    pulled rows waiting for it are dropped, since it will never arrive."""
    vault.execute("INSERT OR IGNORE INTO sync_voided (uuid) VALUES (?)", (row_uuid,))
    vault.execute("DELETE FROM sync_inbox WHERE waits_for = ?", (row_uuid,))


def voided_for_good(vault: Vault, row_uuid: str) -> bool:
    """Whether the row is gone: voided on the server, or deleted here with its void queued."""
    return vault.query_one(
        "SELECT 1 FROM sync_voided WHERE uuid = ? UNION ALL SELECT 1 FROM sync_outbox"
        " WHERE row_uuid = ? AND payload LIKE '%\"voided\":true%'",
        (row_uuid, row_uuid)) is not None


def keep_conflict_copy(vault: Vault, op_id: str, server_version: int, now: str) -> None:
    """The server holds a newer version than the operation's base. A note or course edit
    becomes a conflict copy for a person (never merged); a client's fields are merged when the
    newer version is pulled, and a note signed here keeps its signing (the pulled draft becomes
    the copy), so such a row is only marked changed again."""
    op = _op(vault, op_id)
    if op is None:
        return
    table, _packed_id, kind, code, row_uuid, payload = op
    # The row's id here now, by its UUID (None: deleted here). Not the id it was packed with:
    # SQLite gives a deleted row's id to the next row inserted (INTEGER PRIMARY KEY), and a
    # note created and signed since is not the note this deletion or edit was about.
    local_id = _local_id(vault, table, row_uuid)
    if table == "clients" or _signed_here(vault, table, local_id):
        # A note signed here stays the note (this vault never unsigns it): the newer draft is
        # kept as the conflict copy when it is pulled, and the signing goes out on top of it.
        vault.execute("INSERT OR IGNORE INTO sync_dirty (tbl, local_id)"
                      " SELECT tbl, local_id FROM sync_ids WHERE uuid = ?", (row_uuid,))
    else:
        record_conflict_copy(vault, kind, code, row_uuid, local_id, payload, server_version,
                             now)
        if json.loads(payload).get("voided"):
            # The deletion lost to a newer edit: the row comes back on the pull, and the rows
            # deleted with it here are pulled again (schema step 023).
            vault.execute("INSERT OR IGNORE INTO sync_refill (client_code) VALUES (?)", (code,))
    vault.execute("DELETE FROM sync_outbox WHERE op_id = ?", (op_id,))


def _local_id(vault: Vault, table: str, row_uuid: str) -> int | None:
    row = vault.query_one("SELECT local_id FROM sync_ids WHERE tbl = ? AND uuid = ?",
                          (table, row_uuid))
    return None if row is None else int(row[0])


def _signed_here(vault: Vault, table: str, local_id: int | None) -> bool:
    if table != "sessions" or local_id is None:
        return False
    row = vault.query_one("SELECT signed_at FROM sessions WHERE id = ?", (local_id,))
    return row is not None and row[0] is not None


def record_conflict_copy(vault: Vault, kind: str, code: str | None, row_uuid: str,
                         local_id: int | None, payload: str, server_version: int | None,
                         now: str, detail: str = "", reason: str = "") -> None:
    """Keep a losing local version as a conflict copy for a person (never merged), audited by
    kind and row only: the one writer of sync_conflicts (a push answered "conflict", a pulled
    newer version over local work, words typed over a newer version, a draft written here
    that a deletion elsewhere took: `reason` says who and why, shown with the copy)."""
    vault.execute("INSERT INTO sync_conflicts (kind, client_code, row_uuid, local_id, payload,"
                  " server_version, created_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (kind, code, row_uuid, local_id, payload, server_version, now, reason))
    audit.record(vault, "practice.conflict", record_type=kind, record_id=row_uuid,
                 detail=detail or f"kept as a conflict copy; server version {server_version}")

def record_refusal(vault: Vault, op_id: str, message: str, now: str) -> None:
    """The server refused the operation (not on the care team, role may not write): shown to
    the user, not retried. `message` is the server's one line (it names no content)."""
    op = _op(vault, op_id)
    if op is None:
        return
    vault.execute("INSERT INTO sync_refusals (op_id, kind, client_code, message, created_at)"
                  " VALUES (?, ?, ?, ?, ?)", (op_id, op[2], op[3], message[:500], now))
    vault.execute("DELETE FROM sync_outbox WHERE op_id = ?", (op_id,))


def drop_ops_for(vault: Vault, row_uuid: str) -> None:
    """Forget the unanswered operations of a row an incoming version has replaced."""
    vault.execute("DELETE FROM sync_outbox WHERE row_uuid = ?", (row_uuid,))

