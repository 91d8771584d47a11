"""Small pieces every payload codec of the practice sync uses (kapnotes/storage/sync_payloads.py
for the kinds of step 020, sync_kinds.py for later ones): a row's UUID and back, a payload
value made plain for SQLite, and `MissingRow`, the refusal of an incoming row that cannot be
written (yet). Messages name kind and UUID only, never content."""

from __future__ import annotations

from typing import Any

from kapnotes.storage.vault import Vault


class MissingRow(Exception):
    """An incoming row that cannot be written (yet); the message names kind and UUID only.
    `waits_for`: the UUID of the missing row it needs (None: it waits for a person)."""

    def __init__(self, message: str, waits_for: str | None = None) -> None:
        super().__init__(message)
        self.waits_for = waits_for


def uuid_of(vault: Vault, table: str, local_id: int) -> str | None:
    row = vault.query_one("SELECT uuid FROM sync_ids WHERE tbl = ? AND local_id = ?",
                          (table, local_id))
    return None if row is None else str(row[0])


def local_id_of(vault: Vault, table: str, uuid: str) -> int | None:
    row = vault.query_one("SELECT local_id FROM sync_ids WHERE uuid = ? AND tbl = ?",
                          (uuid, table))
    return None if row is None else int(row[0])


_INT64 = (-(2**63), 2**63 - 1)


def plain(kind: str, uuid: str, column: str, value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
        # JSON integers are unbounded, SQLite's are 64-bit: a row pushed by hand with a bigger
        # one waits here (named by kind and UUID) instead of stopping every later row.
        raise MissingRow(f"{kind} {uuid}: the value of {column} is out of range")
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise MissingRow(f"{kind} {uuid}: the value of {column} is not a plain value")


def insert_row(vault: Vault, table: str, uuid: str, columns: dict[str, Any]) -> int:
    """A new row received from the server, under the server's UUID; returns its local id."""
    cur = vault.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES"
                        f" ({', '.join('?' * len(columns))})", tuple(columns.values()))
    local = int(cur.lastrowid)
    vault.execute("UPDATE sync_ids SET uuid = ? WHERE tbl = ? AND local_id = ?",
                  (uuid, table, local))
    return local


def needed_ref(vault: Vault, kind: str, uuid: str, payload: dict[str, Any], key: str,
               table: str, what: str) -> int:
    """The local id of the row `payload[key]` names, which the incoming row cannot be
    without; until it arrives the row waits for it."""
    ref = payload.get(key)
    local = local_id_of(vault, table, ref) if isinstance(ref, str) else None
    if local is None:
        raise MissingRow(f"{kind} {uuid}: its {what} {ref} is not in this vault",
                         waits_for=ref if isinstance(ref, str) else None)
    return local
