"""The vault's append-only, hash-chained audit log (who, when, what; never note text)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from kapnotes.storage.vault import Actor, Vault

GENESIS = "0" * 64


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


def entry_hash(prev_hash: str, fields: dict[str, str]) -> str:
    """The chain hash of an entry with these hashed fields following `prev_hash`."""
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def hashed_fields(e: AuditEntry | dict[str, str]) -> dict[str, str]:
    """An entry's (or a mapping's) `HASHED_FIELDS`, as strings."""
    get = (lambda k: getattr(e, k)) if isinstance(e, AuditEntry) else e.__getitem__
    return {k: str(get(k)) for k in HASHED_FIELDS}


def append(vault: Vault, fields: dict[str, str]) -> None:
    """Append one entry with exactly these hashed fields, chained to the vault's last entry."""
    with vault.transaction():
        row = vault.query_one("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
        prev = row[0] if row else GENESIS
        vault.execute(
            "INSERT INTO audit_log (at_utc, os_user, workstation, clinician, event, record_type,"
            " record_id, outcome, detail, prev_hash, hash)"
            " VALUES (:at_utc, :os_user, :workstation, :clinician, :event, :record_type,"
            " :record_id, :outcome, :detail, :prev_hash, :hash)",
            {**fields, "prev_hash": prev, "hash": entry_hash(prev, fields)},
        )


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
        "at_utc": (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "os_user": who.os_user,
        "workstation": who.workstation,
        "clinician": who.clinician,
        "event": event,
        "record_type": record_type,
        "record_id": str(record_id),
        "outcome": outcome,
        "detail": detail,
    })


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
    prev = GENESIS
    for e in entries(vault):
        if e.prev_hash != prev or e.hash != entry_hash(prev, hashed_fields(e)):
            return e.id
        prev = e.hash
    return None
