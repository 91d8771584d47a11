"""Shared kinds kept apart from the record tables of schema step 020 (docs/PRACTICE-SERVER.md):
Schedule 8 register entries (sync_register.py) and audit entries (sync_audit.py), both
insert-only. The outbox packs register entries after every record (a client reaches the
server before anything filed under it; audit entries have their own queue, sync_audit.py)
and the apply hands the pulled rows of both here."""

from __future__ import annotations

from typing import Any

from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage import sync_audit, sync_register
from kapnotes.storage.schema.m026_share_register_and_audit import CODE_SQL
from kapnotes.storage.vault import Vault

TABLES = ("s8_entries",)
KINDS = (*sync_register.KINDS, *sync_audit.KINDS)


def op_for(vault: Vault, table: str, local_id: int,
           row_uuid: str | None) -> tuple[str, str, str, dict[str, Any]] | None:
    """(kind, client code, row UUID, payload) of a new row, or None: nothing to send."""
    payload = sync_register.payload_of(vault, local_id)
    code = vault.query_one(CODE_SQL["s8_entries"], (local_id,))
    if payload is None or code is None or row_uuid is None:
        return None
    return sync_register.kind_of(str(code[0])), str(code[0]), row_uuid, payload


def apply(vault: Vault, row: IncomingRow, now: str) -> bool:
    """Apply a pulled row of these kinds: True when written, False when already here."""
    if row.kind in sync_audit.KINDS:
        return sync_audit.apply(vault, row, now)
    return sync_register.apply(vault, row, now)
