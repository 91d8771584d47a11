"""Getting back to a good vault: on open when it is damaged, and from File → Restore backup.

The restoring is kapnotes/services/vault_backups.py; here are the questions and messages."""

from __future__ import annotations

from pathlib import Path

from kapnotes.domain.dates import human_datetime
from kapnotes.services.vault_backups import (
    BackupInfo,
    restorable_backups,
    restore_open_vault,
)
from kapnotes.services.vault_backups import (
    restore_newest_good as restore_first_good,
)
from kapnotes.ui.prompter import Prompter

__all__ = ["describe", "restorable_backups", "restore_newest_good", "restore_open_vault"]


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
    attempt = restore_first_good(vault_path, passphrase, backups)
    failures = [f"{describe(backup)}: {why}" for backup, why in attempt.skipped]
    if attempt.restored is None:
        prompter.error("Restore failed", "No backup could be restored:\n" + "\n".join(failures))
        return None
    skipped = ("\n\nSkipped (damaged or unreadable):\n" + "\n".join(failures)
               if failures else "")
    prompter.info("Backup restored", f"Restored the backup from {describe(attempt.restored)}."
                  + skipped)
    return attempt.restored
