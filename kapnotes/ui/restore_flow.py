"""Getting back to a good vault: on open when it is damaged, and from File → Restore backup."""

from __future__ import annotations

from pathlib import Path

from kapnotes.domain.dates import human_datetime
from kapnotes.domain.errors import KapNotesError, VaultError, WrongPassphraseError
from kapnotes.storage.backups import BackupInfo, list_backups
from kapnotes.storage.lifecycle import data_key_for, restore_backup, unlock_vault
from kapnotes.storage.vault import Vault
from kapnotes.ui.prompter import Prompter

REPLACED_TAG = "replaced"  # damaged vaults moved aside by a restore; never restored from


def restorable_backups(vault_path: Path) -> list[BackupInfo]:
    """Backups of this vault, newest first, without the damaged files a restore set aside."""
    return [b for b in list_backups(vault_path) if not b.tag.endswith(REPLACED_TAG)]


def describe(backup: BackupInfo) -> str:
    return f"{human_datetime(backup.taken_at, weekday=True)} ({backup.tag})"


def restore_newest_good(vault_path: Path, passphrase: str, prompter: Prompter,
                        problem: str) -> BackupInfo | None:
    """Offer to restore; try backups newest first until one passes its checks.

    Returns the backup restored, or None when the user declined or none was usable. A wrong
    passphrase is re-raised so the unlock dialog can say so.
    """
    backups = restorable_backups(vault_path)
    if not backups:
        prompter.error("Vault damaged", f"{problem}\n\nNo backup of this vault was found in "
                       f"{vault_path.parent / 'backups'}, so it cannot be restored here.")
        return None
    newest = backups[0]
    question = (f"{problem}\n\nRestore the newest good backup? The newest is from "
                f"{describe(newest)}; anything written after it is not in it. The damaged file "
                "is kept aside in the backups folder, not deleted.")
    if not prompter.confirm("Vault damaged", question, yes="Restore backup", no="Quit",
                            destructive=True):
        return None
    failures: list[str] = []
    for backup in backups:
        try:
            restore_backup(backup.path, vault_path, passphrase=passphrase)
        except WrongPassphraseError:
            if not failures:
                raise  # not even the newest opens: the passphrase, not the backups, is wrong
            failures.append(f"{describe(backup)}: does not open with this passphrase")
            continue
        except (VaultError, OSError) as exc:
            failures.append(f"{describe(backup)}: {exc}")
            continue
        skipped = ("\n\nSkipped (damaged or unreadable):\n" + "\n".join(failures)
                   if failures else "")
        prompter.info("Backup restored", f"Restored the backup from {describe(backup)}."
                      + skipped)
        return backup
    prompter.error("Restore failed", "No backup could be restored:\n" + "\n".join(failures))
    return None


def verify_passphrase(vault_path: Path, passphrase: str) -> None:
    """Raise WrongPassphraseError unless `passphrase` opens this vault's key file."""
    data_key_for(vault_path, passphrase=passphrase)


def restore_open_vault(vault: Vault, backup: Path,
                       passphrase: str) -> tuple[Vault, Exception | None]:
    """Close the open vault, restore `backup` over it, reopen: (open vault, error or None).

    The passphrase is checked before anything is closed, so a typo never leaves the app
    without an open vault; when the restore itself fails the old vault is reopened.
    """
    path = vault.path
    verify_passphrase(path, passphrase)
    vault.close()
    try:
        restore_backup(backup, path, passphrase=passphrase)
    except (KapNotesError, OSError) as exc:
        return unlock_vault(path, passphrase=passphrase), exc  # the old vault is still there
    return unlock_vault(path, passphrase=passphrase), None
