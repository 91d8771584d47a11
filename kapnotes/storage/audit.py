"""The vault's append-only, hash-chained audit log (who, when, what; never note text).

Each entry's hash covers its fields and the previous entry's hash. Since schema 7 the chain is
keyed: HMAC-SHA256 under a key derived from the vault's integrity key
(kapnotes.storage.vault_secrets), starting at one `audit.keyed` entry the migration appends.
Entries before it (older vaults) keep their plain SHA-256 links and are verified as such; an
edited entry can then no longer be re-hashed without the key, and a log emptied or rebuilt
without its `audit.keyed` entry is reported. Removing the newest entries leaves a valid
chain, so `check` also compares the chain with the newest backup's (`head()`), and every
export prints the head it was made at.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kapnotes.storage.vault import Actor, Vault
from kapnotes.storage.vault_secrets import PURPOSE_AUDIT, derived_key

GENESIS = "0" * 64
KEYED_EVENT = "audit.keyed"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at_utc: str
    os_user: str
    workstation: str
    clinician: str
    event: str
    record_type: str
    record_id: str
    outcome: str
    detail: str
    prev_hash: str
    hash: str


_COLUMNS = (
    "id, at_utc, os_user, workstation, clinician, event, record_type, record_id, outcome, "
    "detail, prev_hash, hash"
)


# The fields an entry's hash covers (everything but id, prev_hash and hash itself).
HASHED_FIELDS = ("at_utc", "os_user", "workstation", "clinician", "event", "record_type",
                 "record_id", "outcome", "detail")


def entry_hash(prev_hash: str, fields: dict[str, str], key: bytes | None = None) -> str:
    """The chain hash of an entry with these hashed fields following `prev_hash`: HMAC under
    `key`, or plain SHA-256 for the entries of a vault from before the keyed chain."""
    payload = (prev_hash + json.dumps(fields, sort_keys=True, ensure_ascii=False)).encode()
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def hashed_fields(e: AuditEntry | dict[str, str]) -> dict[str, str]:
    """An entry's (or a mapping's) `HASHED_FIELDS`, as strings."""
    get = (lambda k: getattr(e, k)) if isinstance(e, AuditEntry) else e.__getitem__
    return {k: str(get(k)) for k in HASHED_FIELDS}


def append(vault: Vault, fields: dict[str, str]) -> None:
    """Append one entry with exactly these hashed fields, chained to the vault's last entry."""
    with vault.transaction():
        _insert(vault, fields, derived_key(vault, PURPOSE_AUDIT))


def _insert(db: Any, fields: dict[str, str], key: bytes | None) -> None:
    row = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    db.execute(_INSERT, {**fields, "prev_hash": prev, "hash": entry_hash(prev, fields, key)})


_INSERT = ("INSERT INTO audit_log (at_utc, os_user, workstation, clinician, event, record_type,"
           " record_id, outcome, detail, prev_hash, hash)"
           " VALUES (:at_utc, :os_user, :workstation, :clinician, :event, :record_type,"
           " :record_id, :outcome, :detail, :prev_hash, :hash)")


def append_keyed_marker(conn: Any) -> None:
    """The migration's `audit.keyed` entry: from here on every link is an HMAC."""
    key = derived_key(conn, PURPOSE_AUDIT)
    assert key is not None  # the migration created the integrity key just before
    who = Actor()
    _insert(conn, {
        "at_utc": _stamp(datetime.now(UTC)), "os_user": who.os_user,
        "workstation": who.workstation, "clinician": "", "event": KEYED_EVENT,
        "record_type": "vault", "record_id": "", "outcome": "ok",
        "detail": "audit chain keyed (HMAC-SHA256) from this entry on",
    }, key)


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(
    vault: Vault,
    event: str,
    *,
    record_type: str = "",
    record_id: object = "",
    outcome: str = "ok",
    detail: str = "",
    actor: Actor | None = None,
    at: datetime | None = None,
) -> None:
    """Append one entry; `detail` must never hold note text, names or secrets."""
    who = actor or vault.actor
    append(vault, {
        "at_utc": _stamp(at or datetime.now(UTC)),
        "os_user": who.os_user,
        "workstation": who.workstation,
        "clinician": who.clinician,
        "event": event,
        "record_type": record_type,
        "record_id": str(record_id),
        "outcome": outcome,
        "detail": detail,
    })


def record_all(vault: Vault, events: list[tuple[str, str, object, str]]) -> None:
    """`record` for each (event, record_type, record_id, detail), in this order, the chain
    read and the key derived once (a practice sync's page records thousands)."""
    if not events:
        return
    who = vault.actor
    at = _stamp(datetime.now(UTC))
    with vault.transaction():
        key = derived_key(vault, PURPOSE_AUDIT)
        row = vault.query_one("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
        prev = row[0] if row else GENESIS
        rows = []
        for event, record_type, record_id, detail in events:
            fields = {"at_utc": at, "os_user": who.os_user, "workstation": who.workstation,
                      "clinician": who.clinician, "event": event, "record_type": record_type,
                      "record_id": str(record_id), "outcome": "ok", "detail": detail}
            rows.append({**fields, "prev_hash": prev, "hash": entry_hash(prev, fields, key)})
            prev = rows[-1]["hash"]
        vault.executemany(_INSERT, rows)


def entries(
    vault: Vault,
    *,
    record_type: str | None = None,
    record_ids: tuple[str, ...] | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    sql = f"SELECT {_COLUMNS} FROM audit_log"
    params: list[object] = []
    where = []
    if record_type is not None:
        where.append("record_type = ?")
        params.append(record_type)
    if record_ids is not None:
        where.append(f"record_id IN ({','.join('?' * len(record_ids))})")
        params.extend(record_ids)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [AuditEntry(*row) for row in vault.query(sql, tuple(params))]


def first_broken_entry(vault: Vault) -> int | None:
    """The id of the first entry whose hash chain does not hold, or None when intact."""
    return _walk(vault)[0]


def _walk(vault: Vault, log: list[AuditEntry] | None = None) -> tuple[int | None, bool]:
    """(first broken entry id or None, whether the keyed part of the chain was found)."""
    key = derived_key(vault, PURPOSE_AUDIT)
    prev, keyed = GENESIS, False
    for e in entries(vault) if log is None else log:
        if key is not None and not keyed and e.event == KEYED_EVENT:
            keyed = True
        expected = entry_hash(prev, hashed_fields(e), key if keyed else None)
        if e.prev_hash != prev or not hmac.compare_digest(e.hash, expected):
            return e.id, keyed
        prev = e.hash
    return None, keyed


def chain_problems(vault: Vault, log: list[AuditEntry] | None = None) -> list[str]:
    """What `check` reports about the log itself (empty when the chain holds); `log` is
    `entries(vault)` when the caller has read it already (`check` reads it once)."""
    broken, keyed = _walk(vault, log)
    if broken is not None:
        return [f"audit log entry {broken} has been altered, inserted or removed"]
    if derived_key(vault, PURPOSE_AUDIT) is not None and not keyed:
        return ["the audit log has lost its keyed start (audit.keyed): it was emptied or "
                "rebuilt outside KAP Notes"]
    return []


@dataclass(frozen=True)
class ChainHead:
    """How long the chain is and its newest link: what backups and exports record."""

    count: int
    last_id: int
    hash: str

    def short(self) -> str:
        return f"{self.count} entries, head {self.hash[:12]}" if self.count else "empty"


def head(db: Any) -> ChainHead:
    row = db.execute("SELECT count(*), max(id) FROM audit_log").fetchone()
    last = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return ChainHead(int(row[0]), int(row[1] or 0), last[0] if last else GENESIS)


def signed_session_ids(vault: Vault, log: list[AuditEntry] | None = None) -> set[int]:
    """Sessions the keyed part of the log says were signed (their seals must exist)."""
    out, keyed = set(), False
    for e in entries(vault) if log is None else log:
        keyed = keyed or e.event == KEYED_EVENT
        if keyed and e.event == "session.sign" and e.record_id.isdigit():
            out.add(int(e.record_id))
    return out
