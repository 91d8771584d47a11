"""Shared rows as practice-server payloads, and payloads written back as rows
(docs/PRACTICE-SERVER.md, "Sync on the workstation").

A payload is the row's columns by name, with local integer ids of other rows replaced by their
UUIDs (`client_uuid`, `course_uuid`, `session_uuid`, ...); `id` and `created_at` travel as data
and are never used to find a row. A note (kind `note`) is its session row with its fields, its
monitoring record and the other rows of its dosing record (device times, observations, adverse
effects, acknowledgements, boosters, rule overrides, session events), the template wording it
was written under, the words of the intentions its reviews name (sync_intentions.py), the
strikes of its vitals readings (readings themselves are insert-only rows of their own) and
`"signed"`.

Writing a payload finds the row by UUID (`sync_ids`) and inserts or updates it; a reference to
a row this vault does not hold is a `MissingRow` naming the kind and UUID, never any content.
A payload never goes into a log line or an error message.
"""

from __future__ import annotations

import json
import weakref
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C string scanner
from typing import Any

from kapnotes.storage import seals
from kapnotes.storage.schema.m020_sync import DOSING_ROWS, SHARED
from kapnotes.storage.schema.m026_share_register_and_audit import CODE_SQL as S8_CODE_SQL
from kapnotes.storage.sync_intentions import local_value, words_of
from kapnotes.storage.sync_kinds import KINDS
from kapnotes.storage.sync_slots import plan_of, write_plan
from kapnotes.storage.sync_values import MissingRow, local_id_of, uuid_of
from kapnotes.storage.sync_values import plain as _plain
from kapnotes.storage.vault import Vault

KIND_OF_TABLE = {table: kind for table, (kind, _code) in SHARED.items()}
KIND_OF_TABLE.update({table: k.kind for table, k in KINDS.items()})  # later steps' kinds
TABLE_OF_KIND = {kind: table for table, kind in KIND_OF_TABLE.items()}
# table → {column: (the table it names, payload key, whether the row cannot be without it)}
REFS: dict[str, dict[str, tuple[str, str, bool]]] = {
    "clients": {},
    "courses": {"client_id": ("clients", "client_uuid", True)},
    "sessions": {"course_id": ("courses", "course_uuid", True),
                 "linked_dosing_id": ("sessions", "linked_dosing_uuid", False)},
    "addenda": {"session_id": ("sessions", "session_uuid", True)},
    "vitals_readings": {"session_id": ("sessions", "session_uuid", True),
                        "corrects_id": ("vitals_readings", "corrects_uuid", False)},
    "measures": {"client_id": ("clients", "client_uuid", True),
                 "session_id": ("sessions", "session_uuid", False)},
}
SIGNATURE = ("signed_at", "signed_by", "sign_reason")
_CODE_SQL = {
    "clients": "SELECT code FROM clients WHERE id = ?",
    "courses": "SELECT cl.code FROM courses co JOIN clients cl ON cl.id = co.client_id"
               " WHERE co.id = ?",
    "sessions": "SELECT cl.code FROM sessions s JOIN courses co ON co.id = s.course_id"
                " JOIN clients cl ON cl.id = co.client_id WHERE s.id = ?",
    "measures": "SELECT cl.code FROM measures m JOIN clients cl ON cl.id = m.client_id"
                " WHERE m.id = ?",
}
for _table in ("addenda", "vitals_readings"):
    _CODE_SQL[_table] = (f"SELECT cl.code FROM {_table} x JOIN sessions s ON s.id = x.session_id"
                         " JOIN courses co ON co.id = s.course_id"
                         " JOIN clients cl ON cl.id = co.client_id WHERE x.id = ?")
_CODE_SQL["s8_entries"] = S8_CODE_SQL["s8_entries"]  # register entries (schema step 026)


# Per open vault: its schema does not change while it is open (migrations run before), and
# asking SQLite each time was 40 % of packing a note.
_COLUMNS: weakref.WeakKeyDictionary[Vault, dict[str, tuple[str, ...]]] = (
    weakref.WeakKeyDictionary())


def columns(vault: Vault, table: str) -> tuple[str, ...]:
    """The table's columns as this vault's schema has them."""
    known = _COLUMNS.setdefault(vault, {})
    if table not in known:
        known[table] = tuple(r[1] for r in vault.query(f"PRAGMA table_info({table})"))
    return known[table]


def client_code(vault: Vault, table: str, local_id: int) -> str | None:
    sql = KINDS[table].code_sql if table in KINDS else _CODE_SQL[table]
    row = vault.query_one(sql, (local_id,))
    return None if row is None else str(row[0])


# -- row → payload --------------------------------------------------------------------------
def payload_of(vault: Vault, table: str, local_id: int) -> dict[str, Any] | None:
    """The row as a payload (None: the row is gone)."""
    if table in KINDS:
        return KINDS[table].pack(vault, local_id)
    cols = columns(vault, table)
    row = vault.query_one(f"SELECT {', '.join(cols)} FROM {table} WHERE id = ?", (local_id,))
    if row is None:
        return None
    data: dict[str, Any] = dict(zip(cols, row, strict=True))
    for col, (ref_table, key, _needed) in REFS[table].items():
        ref = data.pop(col)
        data[key] = None if ref is None else uuid_of(vault, ref_table, int(ref))
    if table == "sessions":
        data.update(_note_parts(vault, local_id, data))
    elif table == "courses":
        data["plan"] = plan_of(vault, local_id)
    return data


def _note_parts(vault: Vault, session_id: int, session: dict[str, Any]) -> dict[str, Any]:
    fields = {r[0]: {"value": r[1], "search_text": r[2], "updated_at": r[3]}
              for r in vault.query("SELECT field_id, value, search_text, updated_at"
                                   " FROM session_fields WHERE session_id = ?", (session_id,))}
    cols = [c for c in columns(vault, "monitoring_records") if c != "session_id"]
    row = vault.query_one(f"SELECT {', '.join(cols)} FROM monitoring_records"
                          " WHERE session_id = ?", (session_id,))
    snap = vault.query_one("SELECT kind, definition FROM template_snapshots"
                           " WHERE template_id = ? AND version = ?",
                           (session["template_id"], session["template_version"]))
    struck = {r[0]: {"struck_at": r[1], "change_reason": r[2]} for r in vault.query(
        "SELECT i.uuid, v.struck_at, v.change_reason FROM vitals_readings v"
        " JOIN sync_ids i ON i.tbl = 'vitals_readings' AND i.local_id = v.id"
        " WHERE v.session_id = ? AND v.struck_at IS NOT NULL", (session_id,))}
    return {"fields": fields,
            "intention_words": words_of(vault, [f["value"] for f in fields.values()]),
            "monitoring": None if row is None else dict(zip(cols, row, strict=True)),
            "dosing": {table: _child_rows(vault, table, session_id) for table in DOSING_ROWS},
            "template": None if snap is None else {"kind": snap[0], "definition": snap[1]},
            "vitals_struck": struck, "signed": session["signed_at"] is not None}


def _child_columns(vault: Vault, table: str) -> list[str]:
    return [c for c in columns(vault, table) if c not in ("id", "session_id")]


def _child_rows(vault: Vault, table: str, session_id: int) -> list[dict[str, Any]]:
    cols = _child_columns(vault, table)
    return [dict(zip(cols, r, strict=True)) for r in vault.query(
        f"SELECT {', '.join(cols)} FROM {table} WHERE session_id = ? ORDER BY id",
        (session_id,))]


# -- payload → row --------------------------------------------------------------------------
def row_values(vault: Vault, table: str, uuid: str, payload: dict[str, Any]
               ) -> dict[str, Any]:
    """The columns to write for `payload`, references translated to local ids."""
    kind = KIND_OF_TABLE[table]
    values = {c: _plain(kind, uuid, c, payload[c]) for c in columns(vault, table)
              if c != "id" and c not in REFS[table] and c in payload}
    for col, (ref_table, key, needed) in REFS[table].items():
        ref_uuid = payload.get(key)
        ref = local_id_of(vault, ref_table, str(ref_uuid)) if ref_uuid else None
        if ref is None and needed:
            raise MissingRow(f"{kind} {uuid}: its {KIND_OF_TABLE[ref_table]} {ref_uuid}"
                             " is not in this vault",
                             waits_for=str(ref_uuid) if ref_uuid else None)
        values[col] = ref
    return values


def write_row(vault: Vault, table: str, uuid: str, values: dict[str, Any]) -> int:
    """Insert or update the row with this UUID; returns its local id."""
    return _written(vault, table, uuid, values)[0]


def _written(vault: Vault, table: str, uuid: str, values: dict[str, Any]) -> tuple[int, bool]:
    """`write_row`, and whether the row is new here (inserted, not updated)."""
    local = local_id_of(vault, table, uuid)
    names = list(values)
    if local is None:
        cur = vault.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES"
                            f" ({', '.join('?' * len(names))})", tuple(values.values()))
        local = int(cur.lastrowid)
        vault.execute("UPDATE sync_ids SET uuid = ? WHERE tbl = ? AND local_id = ?",
                      (uuid, table, local))
        return local, True
    if names:
        vault.execute(f"UPDATE {table} SET {', '.join(f'{n} = ?' for n in names)}"
                      " WHERE id = ?", (*values.values(), local))
    return local, False


def write_note(vault: Vault, uuid: str, payload: dict[str, Any], *, seal: bool = True) -> int:
    """A note written as its own author's vault would: unsigned, its fields and monitoring
    record, then its signature and the seal over it (the vault refuses a change to a signed
    note, and `kapnotes check` wants a seal on every signed one; `seal=False`: the caller
    seals it before its transaction ends, kapnotes/storage/seal_many.py)."""
    values = row_values(vault, "sessions", uuid, payload)
    for name in SIGNATURE:
        values.pop(name, None)
    # A note new here has no rows of its own yet: nothing to compare, replace or delete (a
    # first sync writes tens of thousands; docs/BENCHMARKS.md, issue 20).
    sid, new = _written(vault, "sessions", uuid, values)
    if "fields" in payload:  # a part a payload leaves out is left as it is here
        _write_fields(vault, uuid, sid, payload["fields"], payload.get("intention_words"), new)
    if "monitoring" in payload and not (new and payload["monitoring"] is None):
        _write_monitoring(vault, uuid, sid, payload["monitoring"])
    _write_dosing_rows(vault, uuid, sid, payload.get("dosing"), new)
    _write_template(vault, values, payload.get("template"))
    _write_strikes(vault, payload.get("vitals_struck"))
    if payload.get("signed") and payload.get("signed_at"):
        vault.execute("UPDATE sessions SET signed_at = ?, signed_by = ?, sign_reason = ?"
                      " WHERE id = ? AND signed_at IS NULL",
                      (str(payload["signed_at"]), str(payload.get("signed_by") or ""),
                       str(payload.get("sign_reason") or ""), sid))
        if seal:
            seals.seal_session(vault, sid)
    return sid


def _write_fields(vault: Vault, uuid: str, sid: int, fields: Any, words: Any, new: bool
                  ) -> None:
    """The note's fields as sent, replacing this vault's. A field already as sent is not
    written again: a new version of a note (a signing, say) mostly leaves its fields as they
    were, and every rewrite would rewrite its search-index entry too."""
    if not isinstance(fields, dict) or not all(isinstance(f, dict) for f in fields.values()):
        raise MissingRow(f"note {uuid}: its fields are not a map of field values")
    words = words if isinstance(words, dict) else {}
    have = {} if new else {str(r[0]): (r[1], r[2], r[3]) for r in vault.query(
        "SELECT field_id, value, search_text, updated_at FROM session_fields"
        " WHERE session_id = ?", (sid,))}
    if have.keys() - {str(f) for f in fields}:
        vault.execute(f"DELETE FROM session_fields WHERE session_id = ? AND field_id NOT IN"
                      f" ({', '.join('?' * len(fields))})", (sid, *fields))
    rows = []
    for field_id, f in fields.items():
        row = (local_value(vault, sid, _json_text(uuid, f.get("value")), words),
               str(f.get("search_text") or ""), str(f.get("updated_at") or ""))
        if have.get(str(field_id)) != row:
            rows.append((sid, str(field_id), *row))
    vault.executemany(
        "INSERT INTO session_fields (session_id, field_id, value, search_text, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, field_id) DO UPDATE SET"
        " value = excluded.value, search_text = excluded.search_text,"
        " updated_at = excluded.updated_at", rows)


def _json_text(uuid: str, value: Any) -> str:
    if not isinstance(value, str):
        raise MissingRow(f"note {uuid}: a field value is not stored text")
    try:
        if value[:1] != '"' or scanstring(value, 1, True)[1] != len(value):
            json.loads(value)  # not one JSON string, which the C scanner alone checks
    except ValueError:
        raise MissingRow(f"note {uuid}: a field value is not valid JSON") from None
    return value


def _write_monitoring(vault: Vault, uuid: str, sid: int, record: Any) -> None:
    if not isinstance(record, dict):
        vault.execute("DELETE FROM monitoring_records WHERE session_id = ?", (sid,))
        return
    cols = [c for c in columns(vault, "monitoring_records") if c != "session_id" and c in record]
    values = [_plain("note", uuid, c, record[c]) for c in cols]
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols)
    vault.execute(f"INSERT INTO monitoring_records (session_id, {', '.join(cols)})"
                  f" VALUES (?, {', '.join('?' * len(cols))})"
                  f" ON CONFLICT (session_id) DO UPDATE SET {updates}", (sid, *values))


def _write_dosing_rows(vault: Vault, uuid: str, sid: int, dosing: Any, new: bool) -> None:
    """The note's dosing rows as sent, replacing this vault's (a payload from before they
    travelled leaves them as they are)."""
    if not isinstance(dosing, dict):
        return
    for table in DOSING_ROWS:
        rows = dosing.get(table)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            continue
        if not new:
            vault.execute(f"DELETE FROM {table} WHERE session_id = ?", (sid,))
        known = _child_columns(vault, table)
        for r in rows:
            cols = [c for c in known if c in r]
            vault.execute(f"INSERT INTO {table} (session_id, {', '.join(cols)})"
                          f" VALUES (?, {', '.join('?' * len(cols))})",
                          (sid, *(_plain("note", uuid, c, r[c]) for c in cols)))


def _write_template(vault: Vault, session: dict[str, Any], template: Any) -> None:
    if isinstance(template, dict) and isinstance(template.get("definition"), str):
        vault.execute("INSERT OR IGNORE INTO template_snapshots (template_id, version, kind,"
                      " definition) VALUES (?, ?, ?, ?)",
                      (session.get("template_id"), session.get("template_version"),
                       str(template.get("kind") or ""), template["definition"]))


def _write_strikes(vault: Vault, struck: Any) -> None:
    for reading_uuid, strike in (struck or {}).items() if isinstance(struck, dict) else ():
        local = local_id_of(vault, "vitals_readings", str(reading_uuid))
        if local is not None and isinstance(strike, dict):
            vault.execute("UPDATE vitals_readings SET struck_at = ?, change_reason = ?"
                          " WHERE id = ? AND struck_at IS NULL",
                          (_plain("note", str(reading_uuid), "struck_at",
                                  strike.get("struck_at")),
                           str(strike.get("change_reason") or ""), local))


def write_payload(vault: Vault, table: str, uuid: str, payload: dict[str, Any], *,
                  seal: bool = True) -> int:
    """Write one incoming payload (not a void) as its row; returns the local id (`seal`: as
    `write_note`'s)."""
    if table in KINDS:
        return KINDS[table].write(vault, uuid, payload)
    if table == "sessions":
        return write_note(vault, uuid, payload, seal=seal)
    local_id = write_row(vault, table, uuid, row_values(vault, table, uuid, payload))
    if table == "courses":
        write_plan(vault, uuid, local_id, payload.get("plan"))
    return local_id


def adopt_same_code(vault: Vault, uuid: str, code: Any) -> int | None:
    """A client this vault holds under the same code but another UUID (entered here before the
    server's copy arrived) becomes that row: it takes the server's UUID, its own unsent
    operation is dropped, and nothing is agreed yet (every differing field is merged).
    Returns its local id (None: no such client)."""
    if not isinstance(code, str):
        return None
    row = vault.query_one("SELECT id FROM clients WHERE code = ?", (code,))
    if row is None:
        return None
    old = uuid_of(vault, "clients", int(row[0]))
    vault.execute("DELETE FROM sync_outbox WHERE row_uuid = ?", (old,))
    vault.execute("UPDATE sync_ids SET uuid = ?, version = NULL, base = NULL"
                  " WHERE tbl = 'clients' AND local_id = ?", (uuid, int(row[0])))
    vault.execute("INSERT OR IGNORE INTO sync_dirty (tbl, local_id) VALUES ('clients', ?)",
                  (int(row[0]),))
    return int(row[0])
