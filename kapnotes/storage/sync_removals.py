"""A void pulled from another workstation (docs/PRACTICE-SERVER.md, "Deleting a shared record";
schema step 025). It removes an unsigned record here (a signed note is never removed:
kapnotes/storage/sync_apply.py). Before it goes, every draft note it takes that holds work of
this workstation (written here since joining, or with changes not yet on the server) is kept
as a conflict copy whose reason names who deleted it and why, so the words stay in front of
their author until they mark the copy resolved. The removal is audited with the same words.
A reason never goes into a log line or an error message.
"""

from __future__ import annotations

from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage import audit
from kapnotes.storage.sync_outbox import pack_outbox, payload_text, record_conflict_copy
from kapnotes.storage.sync_payloads import payload_of
from kapnotes.storage.sync_void import GENERIC_REASON, MAX_REASON
from kapnotes.storage.vault import Vault

_DRAFTS_OF = {
    "sessions": "SELECT id FROM sessions WHERE id = ? AND signed_at IS NULL",
    "courses": "SELECT id FROM sessions WHERE course_id = ? AND signed_at IS NULL ORDER BY id",
    "clients": "SELECT s.id FROM sessions s JOIN courses c ON c.id = s.course_id"
               " WHERE c.client_id = ? AND s.signed_at IS NULL ORDER BY s.id",
}
_WHAT = {"clients": "Client", "courses": "Course", "sessions": "Draft note",
         "vitals_readings": "Vitals reading", "measures": "Measure", "addenda": "Addendum"}


def reason_of(row: IncomingRow) -> str:
    """The reason a pulled void carries, as plain text of bounded length."""
    reason = row.payload.get("void_reason")
    text = " ".join(reason.split()) if isinstance(reason, str) else ""
    # Printed by `kapnotes sync`, said in the window: no terminal escapes, no control codes.
    text = "".join(c for c in text if c.isprintable())
    return text[:MAX_REASON] or GENERIC_REASON


def removal_words(table: str, row: IncomingRow) -> str:
    """"Client KAP-1 deleted on another workstation by ther_a: duplicate record"."""
    what = _WHAT.get(table, row.kind)
    subject = f"{what} {row.client_code}" if table == "clients" else f"{what} of {row.client_code}"
    return f"{subject} deleted on another workstation by {row.author}: {reason_of(row)}"


def send_unsent_first(vault: Vault, table: str, now: str) -> None:
    """Rows changed here since this sync packed its changes (a reading entered while it ran)
    would go with a removed client, course or note and never be sent: they are packed now and
    go out at the next sync (the server keeps every version; a stale one is a conflict copy)."""
    if table in _DRAFTS_OF:
        pack_outbox(vault, now)


def keep_drafts_written_here(vault: Vault, table: str, local_id: int, row: IncomingRow,
                             busy: bool, now: str) -> int:
    """Before a pulled void removes `table`'s row `local_id`: each draft note it takes that
    this workstation wrote (or whose changes the server has not got: `busy` for the voided
    note itself) becomes a conflict copy naming who deleted it and why. Returns how many."""
    query = _DRAFTS_OF.get(table)
    if query is None:
        return 0
    words = removal_words(table, row)
    kept = 0
    for (session_id,) in vault.query(query, (local_id,)):
        mine = vault.query_one("SELECT 1 FROM sync_written WHERE local_id = ?", (session_id,))
        if mine is None and not (busy and table == "sessions"):
            continue
        payload = payload_of(vault, "sessions", int(session_id))
        ids = vault.query_one("SELECT uuid, version FROM sync_ids WHERE tbl = 'sessions'"
                              " AND local_id = ?", (session_id,))
        if payload is None or ids is None:
            continue
        text = payload_text(payload)
        if vault.execute("UPDATE sync_conflicts SET reason = ? WHERE row_uuid = ?"
                         " AND resolved_at IS NULL AND reason = '' AND payload = ?",
                         (words, str(ids[0]), text)).rowcount:
            continue  # already kept, as this sync's push lost to the deletion: now it says so
        record_conflict_copy(vault, "note", row.client_code, str(ids[0]), int(session_id),
                             text, ids[1], now,
                             detail="draft kept as a conflict copy: deleted on another "
                                    "workstation", reason=words)
        kept += 1
    return kept


def audit_removal(vault: Vault, table: str, row: IncomingRow) -> str:
    """The removal of a pulled void, in this vault's audit log: who deleted what, and why
    (returned, to be shown after the sync)."""
    words = removal_words(table, row)
    audit.record(vault, "practice.remove", record_type=row.kind,
                 record_id=row.client_code if table == "clients" else row.row_uuid,
                 detail=words)
    return words
