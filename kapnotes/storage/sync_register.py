"""Schedule 8 register entries as practice-server rows, and back (docs/PRACTICE-SERVER.md,
"The Schedule 8 register"; schema step 026).

An entry goes out once, when written: the server and every vault keep it as written (a
mistake is a new correction entry). An entry tied to a client (an administration, a
correction of one) is filed under that client and reaches its care team (kind `s8_entry`);
the practice's own stock lines (receipts, transfers, destructions, stocktakes, wastage) are
filed under the practice (`@practice`, kind `s8_stock`) and reach the roles the server's
policy allows. The payload names its register by product, with the register's wording, so
a vault that has never opened that register opens it as the sender had it. Each entry's
server sequence number is kept (`s8_entry_seq`): the running balance follows that order.
"""

from __future__ import annotations

from typing import Any

from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage.schema.m026_share_register_and_audit import PRACTICE
from kapnotes.storage.sync_payloads import MissingRow, local_id_of, uuid_of
from kapnotes.storage.vault import Vault

KINDS = ("s8_entry", "s8_stock")
REGISTER_COLUMNS = ("product_id", "medicine", "title", "unit", "mg_per_unit", "ml_per_unit",
                    "jurisdiction", "opened_at")
ENTRY_COLUMNS = ("kind", "occurred_at", "recorded_at", "quantity", "change", "balance",
                 "recorded_by", "witness", "supplier", "invoice", "party", "client_code",
                 "dose_mg", "discarded_mg", "explanation")
# A session this vault does not hold (purged, or never shared with it): the register keeps
# the line, as it does for a deleted record (schema step 012).
NO_SESSION = 0


def kind_of(code: str) -> str:
    return "s8_stock" if code == PRACTICE else "s8_entry"


def payload_of(vault: Vault, local_id: int) -> dict[str, Any] | None:
    cols = ", ".join([f"e.{c}" for c in ENTRY_COLUMNS] + ["e.session_id", "e.corrects_id"]
                     + [f"r.{c}" for c in REGISTER_COLUMNS])
    row = vault.query_one(f"SELECT {cols} FROM s8_entries e JOIN s8_registers r"
                          " ON r.id = e.register_id WHERE e.id = ?", (local_id,))
    if row is None:
        return None
    n = len(ENTRY_COLUMNS)
    data: dict[str, Any] = {"id": local_id, **dict(zip(ENTRY_COLUMNS, row[:n], strict=True))}
    session_id, corrects_id = row[n], row[n + 1]
    data["session_uuid"] = None if not session_id else uuid_of(vault, "sessions",
                                                               int(session_id))
    data["corrects_uuid"] = None if corrects_id is None else uuid_of(vault, "s8_entries",
                                                                     int(corrects_id))
    data["register"] = dict(zip(REGISTER_COLUMNS, row[n + 2:], strict=True))
    return data


def apply(vault: Vault, row: IncomingRow, now: str) -> bool:
    """Write a pulled entry (True), or note the place of one this vault has (False: its own
    entry coming back, whose answer may have been lost)."""
    local = local_id_of(vault, "s8_entries", row.row_uuid)
    if local is not None:
        _place(vault, local, row)
        # Insert-only: any version of it on the server answers its one operation.
        vault.execute("DELETE FROM sync_outbox WHERE row_uuid = ?", (row.row_uuid,))
        return False
    if (row.kind == "s8_stock") != (row.client_code == PRACTICE):
        # A practice line filed under a client would reach that care team's registers only.
        raise MissingRow(f"{row.kind} {row.row_uuid}: filed under {row.client_code}, not the "
                         "register it belongs to")
    p = row.payload
    register = p.get("register")
    if not isinstance(register, dict) or not isinstance(register.get("product_id"), str):
        raise MissingRow(f"{row.kind} {row.row_uuid}: it names no register")
    values = {c: _plain(row, c, p.get(c)) for c in ENTRY_COLUMNS}
    values["register_id"] = _register_id(vault, row, register)
    # The server checked who may file the line under its client (or the practice), not what
    # its payload names: the line's client is the one it is filed under, and a practice-wide
    # line names no client and no note.
    values["client_code"] = "" if row.kind == "s8_stock" else row.client_code
    values["session_id"] = _session_id(
        vault, row, p.get("session_uuid") if row.kind == "s8_entry" else None)
    corrects = p.get("corrects_uuid")
    values["corrects_id"] = None
    if corrects:
        values["corrects_id"] = local_id_of(vault, "s8_entries", str(corrects))
        if values["corrects_id"] is None:
            raise MissingRow(f"{row.kind} {row.row_uuid}: the entry it corrects, "
                             f"{corrects}, is not in this vault", waits_for=str(corrects))
    names = list(values)
    cur = vault.execute(f"INSERT INTO s8_entries ({', '.join(names)}) VALUES"
                        f" ({', '.join('?' * len(names))})", tuple(values.values()))
    local = int(cur.lastrowid)
    vault.execute("UPDATE sync_ids SET uuid = ?, version = ? WHERE tbl = 's8_entries'"
                  " AND local_id = ?", (row.row_uuid, row.row_version, local))
    _place(vault, local, row)
    return True


def _place(vault: Vault, local: int, row: IncomingRow) -> None:
    """The entry's place in the practice's register: the server's sequence number."""
    vault.execute("INSERT OR IGNORE INTO s8_entry_seq (entry_id, seq) VALUES (?, ?)",
                  (local, row.seq))
    vault.execute("UPDATE sync_ids SET version = ? WHERE tbl = 's8_entries' AND local_id = ?"
                  " AND (version IS NULL OR version < ?)", (row.row_version, local,
                                                             row.row_version))


def _plain(row: IncomingRow, column: str, value: Any) -> Any:
    if isinstance(value, bool) or not (value is None or isinstance(value, (str, int, float))):
        raise MissingRow(f"{row.kind} {row.row_uuid}: the value of {column} is not a plain "
                         "value")
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise MissingRow(f"{row.kind} {row.row_uuid}: the value of {column} is out of range")
    return value


def _register_id(vault: Vault, row: IncomingRow, register: dict[str, Any]) -> int:
    """This vault's register of the product, opened as the sender had it if need be."""
    found = vault.query_one("SELECT id FROM s8_registers WHERE product_id = ?",
                            (register["product_id"],))
    if found is not None:
        return int(found[0])
    values = [_plain(row, c, register.get(c)) for c in REGISTER_COLUMNS]
    cur = vault.execute(f"INSERT INTO s8_registers ({', '.join(REGISTER_COLUMNS)}) VALUES"
                        f" ({', '.join('?' * len(REGISTER_COLUMNS))})", tuple(values))
    return int(cur.lastrowid)


def _session_id(vault: Vault, row: IncomingRow, session_uuid: Any) -> int | None:
    """The dosing session an administration names, here; one this vault will not get (gone
    on the server, or not sent), or a note of another client than the line's, leaves the
    line standing without it."""
    without = NO_SESSION if row.payload.get("kind") == "administration" else None
    if not session_uuid:
        return without
    local = local_id_of(vault, "sessions", str(session_uuid))
    if local is not None:
        owner = vault.query_one("SELECT cl.code FROM sessions s JOIN courses co"
                                " ON co.id = s.course_id JOIN clients cl ON cl.id = co.client_id"
                                " WHERE s.id = ?", (local,))
        return local if owner is not None and owner[0] == row.client_code else without
    if vault.query_one("SELECT 1 FROM sync_voided WHERE uuid = ?", (str(session_uuid),)):
        return NO_SESSION
    raise MissingRow(f"{row.kind} {row.row_uuid}: its note {session_uuid} is not in this vault",
                     waits_for=str(session_uuid))
