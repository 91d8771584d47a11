"""Audit entries about shared records, sent after the records and read back from other
workstations (docs/PRACTICE-SERVER.md, "Audit entries"; kapnotes/storage/sync_audit.py).

`push_audit` runs inside `practice_sync.sync_once`, on its connection, once the records have
gone: each entry is linked into its client's shared chain (its operation id fixed, so a
retry after a dropped connection is the same operation), pushed, and its answer kept in its
own small vault transaction. A refused entry is not shown as a refusal: the record it is
about was refused too, and that is what a person sees; the entry stays in this vault's log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kapnotes.lazy import lazy_module
from kapnotes.services.changes import Changes, write
from kapnotes.storage import sync_audit
from kapnotes.storage.sync_audit import RemoteAuditEntry, remote_chain_problems, remote_entries
from kapnotes.storage.vault import Vault

if TYPE_CHECKING:
    import psycopg

    from kapnotes.practice import sync_wire
else:
    sync_wire = lazy_module("kapnotes.practice.sync_wire")  # psycopg only when syncing

__all__ = ["RemoteAuditEntry", "push_audit", "remote_audit", "remote_audit_problems"]

PUSH_BATCH = 500
_BOOKKEEPING = Changes()  # what went out: no record a view shows changed


def push_audit(vault: Vault, conn: psycopg.Connection) -> int:
    """Send the entries waiting; returns how many the server now holds."""
    _pack_audit(vault)
    sent: set[str] = set()
    taken = 0
    while ops := [op for op in sync_audit.waiting(vault, PUSH_BATCH) if op.op_id not in sent]:
        for op in ops:
            sent.add(op.op_id)
            try:
                sync_wire.push(conn, op)
            except sync_wire.PracticeRefused as exc:
                if exc.sqlstate == sync_wire.UPGRADE_NEEDED:
                    raise  # every entry would be refused alike: they all wait
                _settle(vault, op.op_id, taken=False)
                continue
            _settle(vault, op.op_id, taken=True)
            taken += 1
    return taken


def remote_audit(vault: Vault, *, client_code: str | None = None) -> list[RemoteAuditEntry]:
    """Who did what on which other workstation, in the order the server took it."""
    return remote_entries(vault, client_code=client_code)


def remote_audit_problems(vault: Vault) -> list[str]:
    """Entries from other workstations whose shared chain does not hold (empty: sound)."""
    return remote_chain_problems(vault)


def _pack_audit(vault: Vault) -> None:
    with write(vault, _BOOKKEEPING):
        sync_audit.pack(vault)


def _settle(vault: Vault, op_id: str, *, taken: bool) -> None:
    with write(vault, _BOOKKEEPING):
        sync_audit.settle(vault, op_id, taken=taken)
