"""Rows of the supervision loop (schema step 014): the vault's review identity, requests sent,
pinned supervisor keys, imported replies and their review records.

Requests, replies and records are insert-only (triggers refuse changes); this module offers
no update or delete for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kapnotes.storage.schema.m014_reviews import AGE_SECRET, SIGNING_SECRET
from kapnotes.storage.vault import Vault


@dataclass(frozen=True)
class RequestRow:
    id: str
    created_at: str
    deidentified: bool
    recipient: str  # "key <fingerprint>" or "passphrase"
    payload_digest: str


@dataclass(frozen=True)
class SupervisorRow:
    id: int
    identity: str
    name: str
    role: str
    registration: str
    public_key: bytes
    fingerprint: str
    pinned_at: str


@dataclass(frozen=True)
class ReplyRow:
    id: str
    request_id: str
    supervisor_id: int
    created_at: str
    imported_at: str
    payload_digest: str


@dataclass(frozen=True)
class RecordRow:
    id: int
    reply_id: str
    session_id: int | None
    kind: str  # comment, verdict, cosignature
    section: str
    text: str
    verdict: str
    signer_name: str
    signer_role: str
    signer_registration: str
    created_at: str


def identity_secrets(vault: Vault) -> tuple[bytes, str]:
    """(raw Ed25519 private key, age identity text) of this vault."""
    rows = dict(vault.query("SELECT name, value FROM vault_secrets WHERE name IN (?, ?)",
                            (SIGNING_SECRET, AGE_SECRET)))
    return bytes(rows[SIGNING_SECRET]), bytes(rows[AGE_SECRET]).decode("ascii")


# -- requests --------------------------------------------------------------------------------
def add_request(vault: Vault, row: RequestRow, notes: Iterable[tuple[int, str]]) -> None:
    vault.execute("INSERT INTO review_requests (id, created_at, deidentified, recipient,"
                  " payload_digest) VALUES (?, ?, ?, ?, ?)",
                  (row.id, row.created_at, int(row.deidentified), row.recipient,
                   row.payload_digest))
    for session_id, seal in notes:
        vault.execute("INSERT INTO review_request_notes (request_id, session_id, seal)"
                      " VALUES (?, ?, ?)", (row.id, session_id, seal))


def request(vault: Vault, request_id: str) -> RequestRow | None:
    row = vault.query_one("SELECT id, created_at, deidentified, recipient, payload_digest"
                          " FROM review_requests WHERE id = ?", (request_id,))
    return None if row is None else RequestRow(row[0], row[1], bool(row[2]), row[3], row[4])


def requests(vault: Vault) -> list[RequestRow]:
    return [RequestRow(r[0], r[1], bool(r[2]), r[3], r[4]) for r in vault.query(
        "SELECT id, created_at, deidentified, recipient, payload_digest FROM review_requests"
        " ORDER BY created_at, id")]


def request_session_ids(vault: Vault, request_id: str) -> list[int]:
    return [int(r[0]) for r in vault.query(
        "SELECT session_id FROM review_request_notes WHERE request_id = ? ORDER BY session_id",
        (request_id,))]


def existing_session_ids(vault: Vault, session_ids: Sequence[int]) -> set[int]:
    if not session_ids:
        return set()
    marks = ",".join("?" * len(session_ids))
    return {int(r[0]) for r in vault.query(
        f"SELECT id FROM sessions WHERE id IN ({marks})", tuple(session_ids))}


# -- supervisors -----------------------------------------------------------------------------
_SUPERVISOR = ("SELECT id, identity, name, role, registration, public_key, fingerprint,"
               " pinned_at FROM review_supervisors")


def _supervisor(row: Any) -> SupervisorRow:
    return SupervisorRow(int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]),
                         bytes(row[5]), str(row[6]), str(row[7]))


def supervisor_by_identity(vault: Vault, identity: str) -> SupervisorRow | None:
    """The newest pin for `identity`: a key replaced after an in-person check is pinned again
    as "identity#2", "identity#3" … (pins are never changed, so the history stays)."""
    row = vault.query_one(f"{_SUPERVISOR} WHERE identity = ? OR (identity >= ? AND identity < ?)"
                          " ORDER BY id DESC LIMIT 1", (identity, identity + "#", identity + "$"))
    return None if row is None else _supervisor(row)


def pin_count(vault: Vault, identity: str) -> int:
    row = vault.query_one("SELECT count(*) FROM review_supervisors WHERE identity = ?"
                          " OR (identity >= ? AND identity < ?)",
                          (identity, identity + "#", identity + "$"))
    return int(row[0])


def supervisor(vault: Vault, supervisor_id: int) -> SupervisorRow:
    return _supervisor(vault.query_one(f"{_SUPERVISOR} WHERE id = ?", (supervisor_id,)))


def supervisors(vault: Vault) -> list[SupervisorRow]:
    return [_supervisor(r) for r in vault.query(f"{_SUPERVISOR} ORDER BY name, id")]


def pin_supervisor(vault: Vault, row: SupervisorRow) -> int:
    cur = vault.execute(
        "INSERT INTO review_supervisors (identity, name, role, registration, public_key,"
        " fingerprint, pinned_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (row.identity, row.name, row.role, row.registration, row.public_key, row.fingerprint,
         row.pinned_at))
    return int(cur.lastrowid)


# -- replies and records ---------------------------------------------------------------------
_REPLY = ("SELECT id, request_id, supervisor_id, created_at, imported_at, payload_digest"
          " FROM review_replies")


def reply(vault: Vault, reply_id: str) -> ReplyRow | None:
    row = vault.query_one(f"{_REPLY} WHERE id = ?", (reply_id,))
    return None if row is None else ReplyRow(*row)


def reply_to(vault: Vault, request_id: str) -> ReplyRow | None:
    row = vault.query_one(f"{_REPLY} WHERE request_id = ?", (request_id,))
    return None if row is None else ReplyRow(*row)


def add_reply(vault: Vault, row: ReplyRow) -> None:
    vault.execute(
        "INSERT INTO review_replies (id, request_id, supervisor_id, created_at, imported_at,"
        " payload_digest) VALUES (?, ?, ?, ?, ?, ?)",
        (row.id, row.request_id, row.supervisor_id, row.created_at, row.imported_at,
         row.payload_digest))


def add_record(vault: Vault, row: RecordRow) -> None:
    vault.execute(
        "INSERT INTO review_records (reply_id, session_id, kind, section, text, verdict,"
        " signer_name, signer_role, signer_registration, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row.reply_id, row.session_id, row.kind, row.section, row.text, row.verdict,
         row.signer_name, row.signer_role, row.signer_registration, row.created_at))


_RECORD = ("SELECT id, reply_id, session_id, kind, section, text, verdict, signer_name,"
           " signer_role, signer_registration, created_at FROM review_records")


def records_for_session(vault: Vault, session_id: int) -> list[RecordRow]:
    return [RecordRow(*r) for r in vault.query(f"{_RECORD} WHERE session_id = ? ORDER BY id",
                                               (session_id,))]


def records_of_reply(vault: Vault, reply_id: str) -> list[RecordRow]:
    return [RecordRow(*r) for r in vault.query(f"{_RECORD} WHERE reply_id = ? ORDER BY id",
                                               (reply_id,))]


@dataclass(frozen=True)
class NoteRound:
    """One time a note was sent: when, and what the reply (if any) said about it."""

    session_id: int
    request_id: str
    sent_at: str
    reply_id: str | None
    verdict: str  # "" when no reply yet, or the reply gave none for this note
    cosigned: bool


def note_rounds(vault: Vault, session_ids: Sequence[int] | None = None) -> list[NoteRound]:
    """Every round of every note (or of `session_ids`), oldest first per note."""
    where, params = "", ()  # type: tuple[str, tuple[int, ...]]
    if session_ids is not None:
        if not session_ids:
            return []
        where = f"WHERE n.session_id IN ({','.join('?' * len(session_ids))})"
        params = tuple(session_ids)
    rows = vault.query(
        "SELECT n.session_id, q.id, q.created_at, p.id,"
        " (SELECT verdict FROM review_records r WHERE r.reply_id = p.id"
        "   AND r.session_id = n.session_id AND r.kind = 'verdict' ORDER BY r.id DESC LIMIT 1),"
        " EXISTS (SELECT 1 FROM review_records r WHERE r.reply_id = p.id"
        "   AND r.session_id = n.session_id AND r.kind = 'cosignature')"
        " FROM review_request_notes n JOIN review_requests q ON q.id = n.request_id"
        " LEFT JOIN review_replies p ON p.request_id = q.id"
        # Two requests in one second (times are to the second, ids random): the one still
        # unanswered is the newer, so a note resent at once shows as awaiting review.
        f" {where} ORDER BY n.session_id, q.created_at, p.id IS NULL, q.id", params)
    return [NoteRound(int(r[0]), r[1], r[2], r[3], r[4] or "", bool(r[5])) for r in rows]


def note_clients(vault: Vault) -> dict[int, int]:
    """The client of every note that was ever sent for review (session id → client id)."""
    # CROSS JOIN keeps the sent notes the outer loop (SQLite's planner otherwise walked every
    # course's sessions: ~5-10 ms at each start-up and client open on a large vault, for no
    # sent note at all); each note then finds its session and course by primary key.
    rows = vault.query(
        "SELECT DISTINCT n.session_id, c.client_id FROM review_request_notes n"
        " CROSS JOIN sessions s ON s.id = n.session_id"
        " CROSS JOIN courses c ON c.id = s.course_id", ())
    return {int(r[0]): int(r[1]) for r in rows}
