"""A vault's shared rows as payloads, the way the vault itself encodes them for the server
(kapnotes/storage/sync_payloads.py), for comparing a workstation with the server."""

from __future__ import annotations

from typing import Any

from kapnotes.storage import sync_payloads


def vault_rows(vault: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """uuid → (kind, payload) of every shared row the vault holds."""
    rows: dict[str, tuple[str, dict[str, Any]]] = {}
    for table, local_id, uuid in vault.query("SELECT tbl, local_id, uuid FROM sync_ids"):
        payload = sync_payloads.payload_of(vault, table, int(local_id))
        if payload is not None:
            rows[str(uuid)] = (sync_payloads.KIND_OF_TABLE[table], payload)
    return rows
