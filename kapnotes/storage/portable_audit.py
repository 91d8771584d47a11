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

HASHED = ("at_utc", "os_user", "workstation", "clinician", "event", "record_type",
          "record_id", "outcome", "detail")


def existing_keys(vault: Vault) -> set[tuple[str, ...]]:
    """Every entry's hashed fields, so a merge never appends the same entry twice."""
    return {tuple(str(getattr(e, k)) for k in HASHED) for e in audit.entries(vault)}


def append(vault: Vault, fields: dict[str, str]) -> None:
    """Append one entry with the given fields, chained to the vault's last entry."""
    clean = {k: str(fields[k]) for k in HASHED}
    with vault.transaction():
        row = vault.query_one("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
        prev = row[0] if row else audit.GENESIS
        vault.execute(
            "INSERT INTO audit_log (at_utc, os_user, workstation, clinician, event, record_type,"
            " record_id, outcome, detail, prev_hash, hash)"
            " VALUES (:at_utc, :os_user, :workstation, :clinician, :event, :record_type,"
            " :record_id, :outcome, :detail, :prev_hash, :hash)",
            {**clean, "prev_hash": prev, "hash": audit._entry_hash(prev, clean)},
        )
