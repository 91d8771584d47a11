"""Audit entries shared with the practice server, insert-only (docs/PRACTICE-SERVER.md,
"Audit entries"; schema step 026).

An entry of this vault's log about a shared record (a client, course, note or measure, or a
Schedule 8 register) written while the vault is joined goes out once, after the records
(services/practice_audit_sync.py), outside the records' outbox, filed under that
client (its care team reads it) or under the practice (register entries). Sync's own entries
(`practice.*`) stay here. The vault's log is never changed: its chain is keyed with this
vault's secret, which no other workstation has, so what goes out is linked in a chain of
its own per client, numbered from 1, with plain SHA-256 links (`audit_shared`) that any
receiver can check. Entries from other workstations land in `audit_remote`, never in the
vault's own log, with the workstation (`origin`) and the login that pushed them. Audit
details never hold note text (kapnotes/storage/audit.py); nothing here adds any.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from kapnotes.domain.sync_ops import IncomingRow, OutgoingOp
from kapnotes.domain.text_rules import has_control_characters
from kapnotes.storage.audit import GENESIS
from kapnotes.storage.schema.m026_share_register_and_audit import CODE_SQL as _CODE_SQL
from kapnotes.storage.sync_payloads import MissingRow, uuid_of
from kapnotes.storage.vault import Vault

KINDS = ("audit",)
FIELDS = ("at_utc", "os_user", "workstation", "clinician", "event", "record_type",
          "record_ref", "outcome", "detail")

_TABLE_OF_TYPE = {"session": "sessions", "course": "courses", "measure": "measures",
                  "client": "clients"}
# Entries that stay on this workstation whatever record they name: sync's own, and exports
# (a file written here, named in the detail; a register export would reach every clinical
# role of the practice), and supervision (requests sent, replies read: reviews themselves are
# not shared, docs/PRACTICE-SERVER.md).
STAYS_HERE = ("practice.", "export.", "review.")


def link_hash(prev: str, fields: dict[str, Any]) -> str:
    """The shared chain's link: SHA-256 over the previous link and the entry's fields (with
    its origin, client and number), so a changed, moved or renumbered entry shows."""
    text = prev + json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _origin(vault: Vault) -> str:
    return str(vault.query_one("SELECT origin FROM audit_origin")[0])


def pack(vault: Vault) -> int:
    """Link the entries written since the last sync that are about shared records into their
    client's shared chain, each with its operation id fixed (a retry is the same operation);
    returns how many wait to go out."""
    for (audit_id,) in vault.query("SELECT audit_id FROM audit_dirty ORDER BY audit_id"):
        _link(vault, int(audit_id))
        vault.execute("DELETE FROM audit_dirty WHERE audit_id = ?", (audit_id,))
    return int(vault.query_one("SELECT count(*) FROM audit_shared WHERE state = 'waiting'")[0])


def _link(vault: Vault, audit_id: int) -> None:
    event = vault.query_one("SELECT event FROM audit_log WHERE id = ?", (audit_id,))
    if event is None or str(event[0]).startswith(STAYS_HERE):
        return
    found = vault.query_one(_CODE_SQL["audit_log"], (audit_id,))
    if found is None or found[0] is None:
        return  # about nothing shared: it stays in this vault's log only
    code = str(found[0])
    row = vault.query_one("SELECT at_utc, os_user, workstation, clinician, event, record_type,"
                          " record_id, outcome, detail FROM audit_log WHERE id = ?", (audit_id,))
    fields = dict(zip(FIELDS, (str(v) for v in row), strict=True))
    fields["record_ref"] = _record_ref(vault, fields["record_type"], fields["record_ref"])
    last = vault.query_one("SELECT n, hash FROM audit_shared WHERE client_code = ?"
                           " ORDER BY n DESC LIMIT 1", (code,))
    n, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    linked = {**fields, "origin": _origin(vault), "client_code": code, "n": n}
    digest = link_hash(prev, linked)
    payload = {**linked, "prev": prev, "hash": digest}
    payload.pop("client_code")
    vault.execute("INSERT INTO audit_shared (audit_id, uuid, op_id, client_code, n, prev, hash,"
                  " payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (audit_id, str(uuid.uuid4()), str(uuid.uuid4()), code, n, prev, digest,
                   json.dumps(payload, ensure_ascii=False, sort_keys=True)))


def _record_ref(vault: Vault, record_type: str, ref: str) -> str:
    """The record as other workstations know it: its UUID (a register: its product)."""
    if record_type == "s8_register":
        product = vault.query_one("SELECT product_id FROM s8_registers WHERE CAST(id AS TEXT)"
                                  " = ?", (ref,))
        return str(product[0]) if product else ""
    table = _TABLE_OF_TYPE.get(record_type)
    local = None
    if table == "clients":  # entries name a client by id or by code
        local = vault.query_one("SELECT id FROM clients WHERE CAST(id AS TEXT) = ? OR code = ?"
                                " ORDER BY CAST(id AS TEXT) = ? DESC LIMIT 1", (ref, ref, ref))
    elif table is not None and ref.isdigit():
        local = vault.query_one(f"SELECT id FROM {table} WHERE id = ?", (int(ref),))
    return (uuid_of(vault, str(table), int(local[0])) or "") if local and table else ""


def waiting(vault: Vault, limit: int = 500) -> list[OutgoingOp]:
    """Linked entries the server has not answered yet, oldest first."""
    return [OutgoingOp(str(r[0]), "audit", str(r[1]), str(r[2]), None, json.loads(r[3]))
            for r in vault.query("SELECT op_id, client_code, uuid, payload FROM audit_shared"
                                 " WHERE state = 'waiting' ORDER BY audit_id LIMIT ?",
                                 (limit,))]


def settle(vault: Vault, op_id: str, *, taken: bool) -> None:
    """The server's answer: taken (applied or already held), or refused (the record's own
    refusal is what a person sees; the entry stays in this vault's log)."""
    vault.execute("UPDATE audit_shared SET state = ? WHERE op_id = ?",
                  ("sent" if taken else "refused", op_id))


def apply(vault: Vault, row: IncomingRow, now: str) -> bool:
    """Keep a pulled entry of another workstation (True); this vault's own, or one already
    kept, is skipped (False)."""
    if vault.query_one("SELECT 1 FROM audit_shared WHERE uuid = ? UNION ALL"
                       " SELECT 1 FROM audit_remote WHERE uuid = ?",
                       (row.row_uuid, row.row_uuid)) is not None:
        vault.execute("UPDATE audit_shared SET state = 'sent' WHERE uuid = ?"
                      " AND state = 'waiting'", (row.row_uuid,))  # an answer that was lost
        return False
    p = row.payload
    values = [p.get(f) for f in (*FIELDS, "origin", "prev", "hash")]
    n = p.get("n")
    if not all(isinstance(v, str) and not has_control_characters(v) for v in values) \
            or isinstance(n, bool) or not isinstance(n, int) or not 0 < n < 2**62:
        # Shown in the window and printed by `kapnotes check`: one line of text each.
        raise MissingRow(f"audit {row.row_uuid}: its fields are not plain text")
    vault.execute(
        "INSERT INTO audit_remote (uuid, seq, author, origin, client_code, n, at_utc, os_user,"
        " workstation, clinician, event, record_type, record_ref, outcome, detail, prev, hash,"
        " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row.row_uuid, row.seq, row.author, p["origin"], row.client_code, n,
         *values[:len(FIELDS)], p["prev"], p["hash"], now))
    return True


@dataclass(frozen=True)
class RemoteAuditEntry:
    """An entry another workstation wrote, as pulled."""

    seq: int
    author: str         # the login that pushed it
    origin: str         # the workstation's vault
    client_code: str    # "@practice" for the register
    n: int
    at_utc: str
    workstation: str
    clinician: str
    event: str
    record_type: str
    record_ref: str     # the record's UUID (a register: its product)
    outcome: str
    detail: str


def remote_entries(vault: Vault, *, client_code: str | None = None) -> list[RemoteAuditEntry]:
    """Other workstations' entries in the order the server took them."""
    where, params = ("WHERE client_code = ?", (client_code,)) if client_code else ("", ())
    return [RemoteAuditEntry(*r) for r in vault.query(
        "SELECT seq, author, origin, client_code, n, at_utc, workstation, clinician, event,"
        f" record_type, record_ref, outcome, detail FROM audit_remote {where} ORDER BY seq",
        params)]


def remote_chain_problems(vault: Vault) -> list[str]:
    """Entries from other workstations whose link does not hold: each entry's hash over its
    fields, and the link to the entry before it in its workstation's chain for that client
    when that one is here too (an entry the server refused leaves a gap, not a break)."""
    problems = []
    last: dict[tuple[str, str], tuple[int, str]] = {}
    for r in vault.query(
            "SELECT origin, client_code, n, at_utc, os_user, workstation, clinician, event,"
            " record_type, record_ref, outcome, detail, prev, hash FROM audit_remote"
            " ORDER BY origin, client_code, n"):
        origin, code, n = str(r[0]), str(r[1]), int(r[2])
        fields = {**dict(zip(FIELDS, r[3:12], strict=True)), "origin": origin,
                  "client_code": code, "n": n}
        prev, digest = str(r[12]), str(r[13])
        before = last.get((origin, code))
        broken = link_hash(prev, fields) != digest or (
            before is not None and before[0] == n - 1 and before[1] != prev) or (
            n == 1 and prev != GENESIS)
        if broken:
            problems.append(f"audit entry {n} of {code} from workstation {fields['workstation']}"
                            f" ({origin[:8]}) does not match its chain")
        last[(origin, code)] = (n, digest)
    return problems
