"""Reading the audit log for the window (Help → Audit log): every entry, oldest first, and
where the hash chain first breaks. Nothing here changes or removes an entry.

`AuditEntry` is re-exported for the window, which imports no storage module (`.importlinter`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kapnotes.storage.audit import AuditEntry, entries, first_broken_entry
from kapnotes.storage.vault import Vault

__all__ = ["AuditEntry", "AuditLog", "read_audit_log"]


@dataclass(frozen=True)
class AuditLog:
    entries: list[AuditEntry]
    first_broken_id: int | None  # None when the chain holds from the first entry to the last


def read_audit_log(vault: Vault) -> AuditLog:
    return AuditLog(entries(vault), first_broken_entry(vault))
