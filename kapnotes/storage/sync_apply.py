"""Rows pulled from the practice server, applied to the vault (docs/PRACTICE-SERVER.md,
"Sync on the workstation").

One batch is one transaction with `sync_state.applying` set, so nothing it writes is marked
to go out again. Per row, by its UUID:
- a version this vault already has (its own push coming back) is skipped; so is the echo of an
  operation whose answer was lost (same payload as the unanswered operation: it is answered);
- a note or course changed here and not yet accepted, hit by a newer server version: the local
  text is kept as a conflict copy for a person (never merged) and the server's version taken;
- a client changed on both sides: merged per field against the version both last agreed
  (`sync_ids.base`): a field changed only here stays (and goes out again), one changed only
  there is taken, one changed on both goes to `sync_field_reviews` and the server's is taken;
- a signed note is written unsigned, then its fields, then signed and sealed here, as this
  vault's own triggers and `kapnotes check` require; a note signed here is never overwritten;
- `"voided": true` removes the row, except a signed note (or a course or client holding one),
  which is never deleted here; a draft written here that it takes is kept as a conflict copy
  naming who deleted it and why (kapnotes/storage/sync_void.py);
- a row that cannot be written yet (its parent has not arrived) waits in `sync_inbox` and is
  tried again when what it waits for arrives; its message names kind and UUID, never content.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from kapnotes.domain.errors import ConflictError
from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage import audit, seal_many, seals, sync_extra, sync_removals
from kapnotes.storage.sync_collapse import newest_only
from kapnotes.storage.sync_kinds import EDITED_TABLES, INSERT_ONLY_TABLES
from kapnotes.storage.sync_late import add_late_reading, signed_session_of
from kapnotes.storage.sync_outbox import (
    acknowledge,
    drop_ops_for,
    mark_voided,
    payload_text,
    record_conflict_copy,
    voided_for_good,
)
from kapnotes.storage.sync_payloads import (
    TABLE_OF_KIND,
    MissingRow,
    adopt_same_code,
    columns,
    payload_of,
    write_payload,
)
from kapnotes.storage.sync_refs import foreign_reference
from kapnotes.storage.sync_state import advance_seq
from kapnotes.storage.sync_two_signings import addenda_sent
from kapnotes.storage.vault import Vault

# Client columns that are bookkeeping, not details a person edits.
_NOT_MERGED = ("id", "created_at", "updated_at")


@dataclass
class ApplyOutcome:
    applied: int = 0
    skipped: int = 0
    conflicts: int = 0
    field_reviews: int = 0
    client_codes: set[str] = field(default_factory=set)  # clients whose records changed
    kinds: set[str] = field(default_factory=set)          # kinds of row that changed
    waiting: list[str] = field(default_factory=list)      # rows not applied yet, and why
    removed: list[str] = field(default_factory=list)      # deletions from elsewhere: who, why
    signed_here: list[tuple[int, str]] = field(default_factory=list)  # notes to seal: (id, by)


def apply_incoming(vault: Vault, rows: list[IncomingRow], now: str, *,
                   transaction: Callable[[], AbstractContextManager[Any]] | None = None
                   ) -> ApplyOutcome:
    """One page in one transaction, opened by `transaction` (default `vault.transaction`).
    Outside a transaction, the usual page (every row applies) has no savepoint at all; at a
    row that cannot apply, it is rolled back and redone with a savepoint per row. A savepoint
    spanning the page made SQLite walk its whole sub-journal at the end of every statement
    (docs/BENCHMARKS.md, issue 20)."""
    begin = transaction or vault.transaction
    out: ApplyOutcome | None = None
    if not vault.in_transaction:
        with contextlib.suppress(_NotWhole), begin():  # _NotWhole: rolled back whole
            out = _apply_page(vault, rows, now, whole=True)
    if out is None:
        with begin():
            out = _apply_page(vault, rows, now, whole=False)
    out.waiting = [str(r[0]) for r in vault.query("SELECT message FROM sync_inbox ORDER BY seq")]
    return out


class _NotWhole(Exception):
    """A row of the page cannot apply as it stands: the page goes row by row."""


def _apply_page(vault: Vault, rows: list[IncomingRow], now: str, *, whole: bool
                ) -> ApplyOutcome:
    out = ApplyOutcome()
    vault.execute("UPDATE sync_state SET applying = 1")
    try:
        arrived = set()
        for row in newest_only(vault, rows):
            if whole:
                try:
                    _apply_one(vault, row, now, out)
                except (MissingRow, ConflictError):
                    raise _NotWhole from None
            elif not _try(vault, row, now, out):
                continue
            arrived.add(row.row_uuid)
        _retry_waiting(vault, arrived, now, out)
        # Notes signed elsewhere that the page wrote: sealed here and audited all at once.
        seal_many.seal_signed(vault, [sid for sid, _by in out.signed_here])
        audit.record_all(vault, [("practice.signed_note", "session", sid,
                                  f"signed elsewhere; pushed by {by}")
                                 for sid, by in out.signed_here])
        if rows:
            advance_seq(vault, max(r.seq for r in rows))
    finally:
        vault.execute("UPDATE sync_state SET applying = 0")
    return out


def _try(vault: Vault, row: IncomingRow, now: str, out: ApplyOutcome) -> bool:
    signed_before = len(out.signed_here)
    try:
        with vault.transaction():  # a savepoint: a row that fails leaves nothing behind
            _apply_one(vault, row, now, out)
    except (MissingRow, ConflictError) as exc:
        del out.signed_here[signed_before:]
        waits_for = exc.waits_for if isinstance(exc, MissingRow) else None
        if waits_for is not None and voided_for_good(vault, waits_for):
            out.skipped += 1  # its parent is voided: so is it, and rows waiting for it
            mark_voided(vault, row.row_uuid)
            return False
        message = str(exc) if isinstance(exc, MissingRow) else (
            f"{row.kind} {row.row_uuid}: this vault's rules refused it")
        vault.execute("INSERT OR REPLACE INTO sync_inbox (seq, author, kind, client_code,"
                      " row_uuid, row_version, payload, message, created_at, waits_for)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      (row.seq, row.author, row.kind, row.client_code, row.row_uuid,
                       row.row_version, payload_text(row.payload), message, now, waits_for))
        return False
    return True


def _retry_waiting(vault: Vault, arrived: set[str], now: str, out: ApplyOutcome) -> None:
    """Try again the rows that waited for a row that has now arrived (and the rows waiting
    for those, in turn); rows waiting for a person are left for the person."""
    while arrived:
        marks = ", ".join("?" * len(arrived))
        waiting = vault.query("SELECT seq, author, kind, client_code, row_uuid, row_version,"
                              f" payload FROM sync_inbox WHERE waits_for IN ({marks})"
                              " ORDER BY seq", tuple(arrived))
        arrived = set()
        for r in waiting:
            row = IncomingRow(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]))
            vault.execute("DELETE FROM sync_inbox WHERE seq = ?", (row.seq,))
            if _try(vault, row, now, out):
                arrived.add(row.row_uuid)


def _apply_one(vault: Vault, row: IncomingRow, now: str, out: ApplyOutcome) -> None:
    if row.kind in sync_extra.KINDS and isinstance(row.payload, dict):  # insert-only, apart
        written = sync_extra.apply(vault, row, now)
        out.applied += written and row.kind != "audit"  # records, not their audit trail
        out.skipped += not written
        out.kinds.add(row.kind)
        return
    table = TABLE_OF_KIND.get(row.kind)
    if table is None or not isinstance(row.payload, dict):
        out.skipped += 1  # a kind this version does not share
        return
    if (key := foreign_reference(vault, table, row)) is not None:
        raise MissingRow(f"{row.kind} {row.row_uuid}: its {key} names a record of another "
                         f"client than {row.client_code}; not applied")
    if row.payload.get("voided"):  # rows that waited for it never will: it is gone
        mark_voided(vault, row.row_uuid)
    elif vault.query_one("SELECT 1 FROM sync_voided WHERE uuid = ?", (row.row_uuid,)):
        # Back after a void (a note signed on another workstation meanwhile is never
        # deleted): the rows dropped or deleted with it here are pulled again.
        vault.execute("DELETE FROM sync_voided WHERE uuid = ?", (row.row_uuid,))
        vault.execute("INSERT OR IGNORE INTO sync_refill (client_code) VALUES (?)",
                      (row.client_code,))
    known = vault.query_one("SELECT local_id, version, base FROM sync_ids"
                            " WHERE uuid = ? AND tbl = ?", (row.row_uuid, table))
    local_id, version, base = known if known is not None else (None, None, None)
    if local_id is None and vault.query_one("SELECT 1 FROM sync_ids WHERE uuid = ?",
                                            (row.row_uuid,)) is not None:
        out.skipped += 1  # held here as another kind of row (a late reading's addendum)
        return
    if (local_id is None and table == "vitals_readings" and not row.payload.get("voided")
            and (signed := signed_session_of(vault, row.payload)) is not None):
        add_late_reading(vault, signed, row.row_uuid, row.row_version, row.payload,
                         row.author, now)
        out.applied += 1
        out.client_codes.add(row.client_code)
        out.kinds.add("addendum")
        return
    if local_id is None and table == "clients" and not row.payload.get("voided"):
        local_id = adopt_same_code(vault, row.row_uuid, row.payload.get("code"))
    if version is not None and row.row_version <= version:
        out.skipped += 1
        return
    ops = vault.query("SELECT op_id, payload, base_version FROM sync_outbox WHERE row_uuid = ?",
                      (row.row_uuid,))
    if local_id is None and any(b is not None and row.row_version <= b for _o, _p, b in ops):
        out.skipped += 1  # a version of a row deleted here, whose void waits to go out
        return
    for op_id, text, _base in ops:
        if json.loads(text) == row.payload:  # our own operation; its answer was lost
            acknowledge(vault, op_id, row.row_version)
            out.skipped += 1
            return
    # Local content the server has not agreed to: changed since, or never on the server (an
    # operation refused, say) and met again here under the same UUID.
    busy = bool(ops) or (local_id is not None and (version is None or vault.query_one(
        "SELECT 1 FROM sync_dirty WHERE tbl = ? AND local_id = ?", (table, local_id)) is not None))
    if row.payload.get("voided"):
        _void(vault, table, local_id, row, busy, now, out)
    elif local_id is not None and table == "sessions" and _signed(vault, local_id):
        _keep_signed(vault, local_id, row, busy, now, out)
    elif local_id is not None and busy and table == "clients":
        _merge_client(vault, local_id, base, row, now, out)
    elif local_id is None or table not in ("addenda", "vitals_readings", "measures",
                                           *INSERT_ONLY_TABLES):
        if local_id is not None and busy and table in ("sessions", "courses", *EDITED_TABLES):
            _conflict_copy(vault, table, local_id, row, now, out)
        local_id = write_payload(vault, table, row.row_uuid, row.payload, seal=False)
        if table in INSERT_ONLY_TABLES and not _held(vault, table, row.row_uuid):
            out.conflicts += 1  # its codec kept it aside for a person (sync_kinds.py)
        if table == "addenda":
            _seal_if_signed(vault, local_id)
        elif table == "sessions" and _signed(vault, local_id):
            # Signed on another workstation: sealed here with the page, and the log says whose
            # signing it was.
            out.signed_here.append((local_id, row.author))
    _agreed(vault, table, row)
    out.applied += 1
    out.client_codes.add(row.client_code)
    out.kinds.add(row.kind)


def _agreed(vault: Vault, table: str, row: IncomingRow) -> None:
    """The server's version is now this vault's base (for a client, its payload too)."""
    vault.execute("UPDATE sync_ids SET version = ?, base = ? WHERE uuid = ? AND tbl = ?",
                  (row.row_version, payload_text(row.payload) if table == "clients" else None,
                   row.row_uuid, table))


def _held(vault: Vault, table: str, row_uuid: str) -> bool:
    return vault.query_one("SELECT 1 FROM sync_ids WHERE uuid = ? AND tbl = ?",
                           (row_uuid, table)) is not None


def _signed(vault: Vault, session_id: int) -> bool:
    row = vault.query_one("SELECT signed_at FROM sessions WHERE id = ?", (session_id,))
    return row is not None and row[0] is not None


def _seal_if_signed(vault: Vault, addendum_id: int) -> None:
    row = vault.query_one("SELECT a.session_id FROM addenda a JOIN sessions s"
                          " ON s.id = a.session_id WHERE a.id = ? AND s.signed_at IS NOT NULL",
                          (addendum_id,))
    if row is not None:
        seals.seal_session(vault, int(row[0]))  # the addendum chained to the note's seal


def _keep_signed(vault: Vault, local_id: int, row: IncomingRow, busy: bool, now: str,
                 out: ApplyOutcome) -> None:
    """A note signed here is never overwritten. If its signing has not reached the server,
    the other version is kept as a conflict copy and the signing goes out on top of it; if
    the other version is signed too (two clinicians signed the same draft apart), both stay
    as two signed notes everywhere."""
    if not busy:
        return
    if row.payload.get("signed"):
        _two_signatures(vault, local_id, row, now, out)
        return
    _record_conflict(vault, row.kind, row.client_code, row.row_uuid, local_id,
                     payload_text(row.payload), row.row_version, now, out)
    vault.execute("UPDATE sync_outbox SET base_version = ? WHERE row_uuid = ?",
                  (row.row_version, row.row_uuid))


def _two_signatures(vault: Vault, local_id: int, row: IncomingRow, now: str,
                    out: ApplyOutcome) -> None:
    """The server holds another signing of the note signed here. Neither can be undone, so
    this vault's becomes a note of its own (a new UUID, sent as a new row) and the server's is
    written beside it; a conflict entry tells a person the two belong together."""
    sent = addenda_sent(vault, local_id)
    vault.execute("UPDATE sync_ids SET uuid = ?, version = NULL, base = NULL"
                  " WHERE tbl = 'sessions' AND local_id = ?", (str(uuid.uuid4()), local_id))
    drop_ops_for(vault, row.row_uuid)
    vault.execute("INSERT OR IGNORE INTO sync_dirty (tbl, local_id) VALUES ('sessions', ?)",
                  (local_id,))
    theirs = write_payload(vault, "sessions", row.row_uuid, row.payload)
    audit.record(vault, "practice.signed_note", record_type="session", record_id=theirs,
                 detail=f"signed elsewhere; pushed by {row.author}")
    for addendum_uuid, version, payload in sent:  # as the server holds them: on its note
        _seal_if_signed(vault, write_payload(vault, "addenda", addendum_uuid, payload))
        vault.execute("UPDATE sync_ids SET version = ? WHERE tbl = 'addenda' AND uuid = ?",
                      (version, addendum_uuid))
    _record_conflict(vault, row.kind, row.client_code, row.row_uuid, local_id,
                     payload_text(row.payload), row.row_version, now, out)


def _conflict_copy(vault: Vault, table: str, local_id: int, row: IncomingRow, now: str,
                   out: ApplyOutcome) -> None:
    """The local text of a note or course the server has a newer version of."""
    mine = payload_of(vault, table, local_id)
    if mine is not None:
        _record_conflict(vault, row.kind, row.client_code, row.row_uuid, local_id,
                         payload_text(mine), row.row_version, now, out)
    drop_ops_for(vault, row.row_uuid)
    vault.execute("DELETE FROM sync_dirty WHERE tbl = ? AND local_id = ?", (table, local_id))


def _record_conflict(vault: Vault, kind: str, code: str, row_uuid: str, local_id: int | None,
                     payload: str, server_version: int, now: str, out: ApplyOutcome) -> None:
    record_conflict_copy(vault, kind, code, row_uuid, local_id, payload, server_version, now)
    out.conflicts += 1


def _merge_client(vault: Vault, local_id: int, base: str | None, row: IncomingRow, now: str,
                  out: ApplyOutcome) -> None:
    mine = payload_of(vault, "clients", local_id) or {}
    agreed: dict[str, Any] = json.loads(base) if base else {}
    theirs = dict(row.payload)
    kept = False
    for name in columns(vault, "clients"):
        if name in _NOT_MERGED or name not in theirs:
            continue
        m, t, b = mine.get(name), theirs[name], agreed.get(name)
        if m == t or m == b:
            continue  # unchanged here: the server's value
        if t == b:
            theirs[name] = m  # changed only here: stays, and goes out again
            kept = True
            continue
        vault.execute("INSERT INTO sync_field_reviews (client_code, field, mine, theirs,"
                      " created_at) VALUES (?, ?, ?, ?, ?)",
                      (row.client_code, name, json.dumps(m, ensure_ascii=False),
                       json.dumps(t, ensure_ascii=False), now))
        out.field_reviews += 1
    drop_ops_for(vault, row.row_uuid)
    write_payload(vault, "clients", row.row_uuid, theirs)
    if kept:
        vault.execute("INSERT OR IGNORE INTO sync_dirty (tbl, local_id) VALUES ('clients', ?)",
                      (local_id,))
    else:
        vault.execute("DELETE FROM sync_dirty WHERE tbl = 'clients' AND local_id = ?",
                      (local_id,))


def _void(vault: Vault, table: str, local_id: int | None, row: IncomingRow, busy: bool,
          now: str, out: ApplyOutcome) -> None:
    if local_id is None:
        return
    signed = vault.query_one(_SIGNED_SQL[table], (local_id,)) if table in _SIGNED_SQL else None
    if signed is not None and signed[0]:
        if busy and table == "sessions":  # signed here as it was deleted there: it stays,
            _keep_signed(vault, local_id, row, busy, now, out)  # and its signing goes out
        return  # a signed note is never removed
    if busy and (table == "courses" or table in EDITED_TABLES):
        _conflict_copy(vault, table, local_id, row, now, out)
    # Work of this workstation is never removed silently: unsent rows go out, and drafts
    # written here are kept as copies naming who deleted them and why.
    sync_removals.send_unsent_first(vault, table, now)
    out.conflicts += sync_removals.keep_drafts_written_here(vault, table, local_id, row, busy,
                                                            now)
    drop_ops_for(vault, row.row_uuid)
    if table != "addenda":  # addenda are never removed from a note
        vault.execute(f"DELETE FROM {table} WHERE id = ?", (local_id,))
        out.removed.append(sync_removals.audit_removal(vault, table, row))


# A removal that would take a signed note with it: refused, the note stays.
_SIGNED_SQL = {
    "clients": "SELECT EXISTS (SELECT 1 FROM sessions s JOIN courses c ON c.id = s.course_id"
               " WHERE c.client_id = ? AND s.signed_at IS NOT NULL)",
    "sessions": "SELECT signed_at IS NOT NULL FROM sessions WHERE id = ?",
    "courses": "SELECT EXISTS (SELECT 1 FROM sessions WHERE course_id = ?"
               " AND signed_at IS NOT NULL)",
    "vitals_readings": "SELECT s.signed_at IS NOT NULL FROM vitals_readings v"
                       " JOIN sessions s ON s.id = v.session_id WHERE v.id = ?",
}
