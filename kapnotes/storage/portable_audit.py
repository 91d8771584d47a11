"""Audit entries carried by a portable export, appended to this vault's own hash chain.

An imported entry keeps its original fields (time, user, workstation, clinician, event,
outcome, detail); only `record_id` is translated to the row it now describes in this vault.
It is chained like any other entry (prev_hash = this vault's last hash), so
`audit.first_broken_entry` and `kapnotes check` verify it from here on. Its original hash is
not carried over: a plaintext file can be edited and re-hashed by anyone, so a hash in it
proves nothing, and a chain with foreign links would no longer verify.
"""

from __future__ import annotations

from kapnotes.storage import audit
from kapnotes.storage.vault import Vault


def existing_keys(vault: Vault) -> set[tuple[str, ...]]:
    """Every entry's hashed fields, so a merge never appends the same entry twice."""
    return {tuple(audit.hashed_fields(e).values()) for e in audit.entries(vault)}


def append(vault: Vault, fields: dict[str, str]) -> None:
    """Append one entry with the given fields, chained to the vault's last entry."""
    audit.append(vault, audit.hashed_fields(fields))
