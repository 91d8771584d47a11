"""Changing how a vault is opened, one way for the window and the CLI: a new passphrase
(with the current one or the recovery key), optionally with a new data key, and its audit
entry. Opening a vault is `vault_access`; backups and restores are `vault_backups`."""

from __future__ import annotations

from dataclasses import dataclass

from kapnotes.domain.errors import ValidationError
from kapnotes.storage import audit, lifecycle
from kapnotes.storage.vault import Vault


@dataclass(frozen=True)
class PassphraseChanged:
    """`new_recovery_key` is set after a re-key: the old recovery key no longer works, so the
    caller must show this one until it is stored."""

    new_recovery_key: str | None


def change_passphrase(vault: Vault, *, new: str, old: str | None = None,
                      recovery_key: str | None = None, rekey: bool = False) -> PassphraseChanged:
    """Wrap the data key under `new`; `old` or `recovery_key` proves the right to.

    Without `rekey` only the small key file is replaced (atomically): key files copied
    before, such as a backup's, still open the vault with the old passphrase. With `rekey`
    the data key is replaced too and a new recovery key made. Either way the audit log says
    so (never the passphrase).
    """
    if (old is None) == (recovery_key is None):
        raise ValidationError("passphrase", "give the current passphrase or the recovery key.")
    if old is not None and new == old:
        raise ValidationError("New passphrase", "is the same as the current one.")
    if rekey:  # lifecycle writes its own "vault.rekey" entry
        return PassphraseChanged(lifecycle.change_passphrase_and_rekey(
            vault, new=new, old=old, recovery_key=recovery_key))
    if recovery_key is not None:
        lifecycle.reset_passphrase_with_recovery(vault.path, recovery_key=recovery_key, new=new)
    else:
        lifecycle.change_passphrase(vault.path, old=old or "", new=new)
    how = "recovery key" if recovery_key is not None else "passphrase"
    audit.record(vault, "vault.passphrase_change", record_type="vault", detail=f"via {how}")
    return PassphraseChanged(None)
