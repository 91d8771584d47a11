"""A vault's shared rows as payloads, the way the vault itself encodes them for the server
(kapnotes/storage/sync_payloads.py), for comparing a workstation with the server."""

from __future__ import annotations

import json
from typing import Any

from kapnotes.storage import sync_audit, sync_extra, sync_payloads


def vault_rows(vault: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """uuid → (kind, payload) of every shared row the vault holds: records, register entries
    and audit entries (its own that the server took, of clients it still holds, and those
    pulled from other workstations)."""
    rows: dict[str, tuple[str, dict[str, Any]]] = {}
    for table, local_id, uuid in vault.query("SELECT tbl, local_id, uuid FROM sync_ids"):
        if table in sync_extra.TABLES:
            op = sync_extra.op_for(vault, table, int(local_id), str(uuid))
            if op is not None:
                rows[str(uuid)] = (op[0], op[3])
            continue
        payload = sync_payloads.payload_of(vault, table, int(local_id))
        if payload is not None:
            rows[str(uuid)] = (sync_payloads.KIND_OF_TABLE[table], payload)
    for uuid, text in vault.query(
            "SELECT uuid, payload FROM audit_shared WHERE state = 'sent' AND (client_code ="
            " '@practice' OR client_code IN (SELECT code FROM clients))"):
        rows[str(uuid)] = ("audit", json.loads(text))
    cols = (*sync_audit.FIELDS, "origin", "n", "prev", "hash")
    for r in vault.query(f"SELECT uuid, {', '.join(cols)} FROM audit_remote"):
        rows[str(r[0])] = ("audit", dict(zip(cols, r[1:], strict=True)))
    return rows
