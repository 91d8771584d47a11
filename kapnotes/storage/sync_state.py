"""The vault's sync bookkeeping: linked or solo, the last sequence pulled, the last sync, what
waits, and removing a client this clinician no longer sees (docs/PRACTICE-SERVER.md,
"Sync on the workstation").

Every function runs inside the caller's transaction.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from kapnotes.storage import audit, seals
from kapnotes.storage.vault import Vault


@dataclass(frozen=True)
class SyncStatus:
    linked: bool
    pending: int           # rows changed and not yet packed + operations not yet answered
    last_sync_at: str | None
    last_error: str
    conflicts: int         # conflict copies nobody has marked resolved
    field_reviews: int     # client fields edited on two workstations, not yet chosen
    refusals: int          # operations the server refused
    waiting: int = 0       # pulled rows not applied yet (their parent has not arrived)


def set_linked(vault: Vault, linked: bool) -> None:
    """Start (or stop) recording changes for the server. Joining marks every shared row
    changed, so the vault's existing records go to the server on the first sync."""
    vault.execute("UPDATE sync_state SET linked = ?", (int(linked),))
    if linked:
        vault.execute("INSERT OR IGNORE INTO sync_dirty (tbl, local_id)"
                      " SELECT tbl, local_id FROM sync_ids WHERE version IS NULL")


def pending_count(vault: Vault) -> int:
    """Rows changed and not yet packed + operations not yet answered by the server."""
    row = vault.query_one("SELECT (SELECT count(*) FROM sync_dirty)"
                          " + (SELECT count(*) FROM sync_outbox)")
    return int(row[0])


def forget_server(vault: Vault, *, discard_pending: bool) -> None:
    """Leaving the practice server: stop recording changes and start the next join from the
    beginning of its change log. UUIDs and the versions last agreed stay, so a re-join to the
    same server recognises its rows as echoes (skipped, never duplicated) and pushes only rows
    it never had. Records are untouched; conflict copies, field reviews and refusals stay for
    a person. Rows waiting for a parent are dropped: the re-join pulls them again."""
    set_linked(vault, False)
    if discard_pending:
        vault.execute("DELETE FROM sync_outbox")
        vault.execute("DELETE FROM sync_dirty")
    vault.execute("DELETE FROM sync_inbox")
    vault.execute("UPDATE sync_state SET last_seq = 0, last_sync_at = NULL, last_error = ''")


def signed_notes(vault: Vault) -> list[int]:
    """Local ids of the signed notes (kept at leaving: a note signed while not joined goes
    again at the re-join)."""
    return [int(r[0]) for r in vault.query(
        "SELECT id FROM sessions WHERE signed_at IS NOT NULL ORDER BY id")]


def mark_known_drafts(vault: Vault, signed_before: list[int] | None = None) -> None:
    """A re-join: edits made while the vault was not joined were not recorded, so every row
    the server already had that may have changed since (clients, courses with their plans,
    approvals, notes unsigned when the vault left) goes again, based on the version last
    agreed: unchanged there → a new identical version; changed there meanwhile → a conflict
    copy or field merge, as for any stale edit. Notes signed before leaving and insert-only
    rows cannot have changed. A never-joined vault has no versions: nothing."""
    vault.execute(
        "INSERT OR IGNORE INTO sync_dirty (tbl, local_id) SELECT i.tbl, i.local_id"
        " FROM sync_ids i WHERE i.version IS NOT NULL"
        " AND (i.tbl IN ('clients', 'courses', 'approvals')"
        " OR (i.tbl = 'sessions' AND EXISTS (SELECT 1 FROM sessions s"
        "     WHERE s.id = i.local_id AND (s.signed_at IS NULL"
        "     OR s.id NOT IN (SELECT value FROM json_each(?))))))",
        (json.dumps(signed_before),))
    _send_solo_voids(vault)


def _send_solo_voids(vault: Vault) -> None:
    """Rows the server had that were deleted while not joined (schema step 029) go out as
    voids on the version last agreed, with the reason given (a colleague's edit meanwhile
    makes it a conflict, as for any stale change)."""
    for row_uuid, table, local_id, kind, code, version, reason in vault.query(
            "SELECT uuid, tbl, local_id, kind, client_code, version, reason"
            " FROM sync_solo_voids"):
        payload = json.dumps({"voided": True, "void_reason": reason, "id": local_id})
        vault.execute(
            "INSERT INTO sync_outbox (op_id, tbl, local_id, kind, client_code, row_uuid,"
            " base_version, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
            " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            (str(uuid.uuid4()), table, local_id, kind, code, row_uuid, version, payload))
    vault.execute("DELETE FROM sync_solo_voids")


def forget_versions(vault: Vault) -> None:
    """Joining a different server: the versions agreed with the old one mean nothing there,
    so every row is new to it (goes on the first sync) and nothing pulled is an echo."""
    vault.execute("UPDATE sync_ids SET version = NULL, base = NULL")
    vault.execute("DELETE FROM sync_solo_voids")  # rows the new server never had
    vault.execute("DELETE FROM sync_voided")  # voids and refills of the old server's rows
    vault.execute("DELETE FROM sync_refill")
    vault.execute("DELETE FROM s8_entry_seq")  # the register's order is the new server's


def last_seq(vault: Vault) -> int:
    return int(vault.query_one("SELECT last_seq FROM sync_state")[0])


def advance_seq(vault: Vault, seq: int) -> None:
    vault.execute("UPDATE sync_state SET last_seq = max(last_seq, ?)", (seq,))


def record_sync(vault: Vault, now: str, error: str) -> None:
    """A sync ended: with no error it is the last good sync; an error is kept as said
    (e.g. "offline") and the last good time stays, so the window can say "offline since"."""
    if error:
        vault.execute("UPDATE sync_state SET last_error = ?", (error[:500],))
    else:  # a whole sync, which pulled again the clients marked for it
        vault.execute("UPDATE sync_state SET last_sync_at = ?, last_error = ''", (now,))
        vault.execute("DELETE FROM sync_refill")


def refill_codes(vault: Vault) -> list[str]:
    """Clients to pull again from their first row (schema step 023)."""
    return [str(r[0]) for r in vault.query("SELECT client_code FROM sync_refill ORDER BY 1")]


def status(vault: Vault) -> SyncStatus:
    row = vault.query_one(
        "SELECT linked, last_sync_at, last_error,"
        " (SELECT count(*) FROM sync_dirty) + (SELECT count(*) FROM sync_outbox),"
        " (SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL),"
        " (SELECT count(*) FROM sync_field_reviews WHERE resolved_at IS NULL),"
        " (SELECT count(*) FROM sync_refusals), (SELECT count(*) FROM sync_inbox)"
        " FROM sync_state")
    return SyncStatus(linked=bool(row[0]), pending=int(row[3]), last_sync_at=row[1],
                      last_error=row[2], conflicts=int(row[4]), field_reviews=int(row[5]),
                      refusals=int(row[6]), waiting=int(row[7]))


def server_client_codes(vault: Vault) -> set[str]:
    """Codes of the clients this vault got from the server or had acknowledged by it."""
    return {str(r[0]) for r in vault.query(
        "SELECT c.code FROM clients c JOIN sync_ids i ON i.tbl = 'clients' AND i.local_id = c.id"
        " WHERE i.version IS NOT NULL")}


def unsent_work(vault: Vault, code: str) -> int:
    """What of this client exists only here: rows changed and not yet packed or answered,
    refused operations nobody has dismissed, open conflict copies and field reviews. A purge
    waits until it is 0, so leaving a care team never silently loses words the server never
    took (docs/PRACTICE-SERVER.md, "Leaving a care team")."""
    row = vault.query_one(
        "SELECT (SELECT count(*) FROM sync_outbox WHERE client_code = ?)"
        " + (SELECT count(*) FROM sync_refusals WHERE client_code = ?)"
        " + (SELECT count(*) FROM sync_conflicts WHERE client_code = ? AND resolved_at IS NULL)"
        " + (SELECT count(*) FROM sync_field_reviews WHERE client_code = ?"
        "    AND resolved_at IS NULL)", (code, code, code, code))
    from kapnotes.storage.sync_payloads import client_code  # a sync's module, not start-up's

    dirty = sum(1 for table, local_id in vault.query("SELECT tbl, local_id FROM sync_dirty")
                if client_code(vault, str(table), int(local_id)) == code)
    return int(row[0]) + dirty


def purge_client(vault: Vault, code: str, now: str) -> None:
    """This clinician left the client's care team: remove the client's records from this
    vault (nothing goes to the server) and audit it by code and counts only."""
    row = vault.query_one("SELECT id FROM clients WHERE code = ?", (code,))
    vault.execute("UPDATE sync_state SET applying = 1")
    try:
        sessions = 0
        if row is not None:
            gone = [int(r[0]) for r in vault.query(
                "SELECT s.id FROM sessions s JOIN courses c ON c.id = s.course_id"
                " WHERE c.client_id = ?", (int(row[0]),))]
            seals.mark_removed(vault, gone)  # removed on purpose: `check` says so, not tampered
            vault.execute("DELETE FROM clients WHERE id = ?", (int(row[0]),))
            sessions = len(gone)
        for table in ("sync_outbox", "sync_conflicts", "sync_field_reviews", "sync_refusals",
                      "sync_inbox", "audit_remote"):
            vault.execute(f"DELETE FROM {table} WHERE client_code = ?", (code,))
    finally:
        vault.execute("UPDATE sync_state SET applying = 0")
    if row is not None:
        audit.record(vault, "practice.purge", record_type="client", record_id=code,
                     detail=f"left the care team: {sessions} session notes removed at {now}")

