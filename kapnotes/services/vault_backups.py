"""Backups and restores, one way for the window and the CLI: the daily automatic backup and
the whole-file check before it, a manual backup, a copy to a chosen file, the backups that can
be restored, and a restore (of a closed vault, or of the one open now). `check_vault` is the
full check of a closed vault (`kapnotes check`): integrity, audit chain, signed-note seals.

The `BackupInfo` and `RetentionPolicy` types are re-exported for the window (which imports
no storage module: `.importlinter`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kapnotes.domain.errors import KapNotesError, VaultError, WrongPassphraseError
from kapnotes.services.vault_access import verify_passphrase
from kapnotes.storage import audit
from kapnotes.storage.backups import (
    BackupInfo,
    RetentionPolicy,
    auto_backup_if_due,
    backup_dir_for,
    list_backups,
    take_backup,
    write_backup,
)
from kapnotes.storage.lifecycle import check_vault, restore_backup, unlock_vault
from kapnotes.storage.vault import Vault, integrity_problems

__all__ = [
    "BackupInfo", "CheckOutcome", "CopyWritten", "RestoreAttempt", "RetentionPolicy",
    "auto_backup", "backup_dir_for", "check_and_back_up", "check_vault", "copy_to_file",
    "restorable_backups", "restore_backup", "restore_newest_good", "restore_open_vault",
    "take_manual_backup",
]

REPLACED_TAG = "replaced"  # damaged vaults moved aside by a restore; never restored from
# The whole-file check reads each page once: a page cache as large as the window's
# connection (64 MB) would only hold pages never read again, and add that to peak memory.
CHECK_CACHE_KIB = 4 * 1024


@dataclass(frozen=True)
class CheckOutcome:
    """What the whole-file check found (empty when sound) and a note on the daily backup."""

    problems: tuple[str, ...]
    backup_note: str


def auto_backup(vault: Vault, retention: RetentionPolicy, *, verified: bool = False) -> str:
    """The daily automatic backup, if due; a note for the status bar (a failure is
    reported, never fatal; empty when none was due)."""
    try:
        taken = auto_backup_if_due(vault, policy=retention, verified=verified)
    except (KapNotesError, OSError) as exc:
        return f"Automatic backup failed: {exc}"
    return f"Backup saved: {taken.name}" if taken else ""


def check_and_back_up(vault: Vault, retention: RetentionPolicy, *, backup: bool) -> CheckOutcome:
    """Whole-file integrity check, then (only when sound) the daily backup, on a sibling
    connection, so it can run on a worker thread while the window writes (WAL)."""
    sibling = vault.sibling()
    try:
        sibling.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")
        problems = tuple(integrity_problems(sibling.conn, data_key=sibling.data_key))
        # A damaged vault must not push a good backup out of the rotation.
        note = auto_backup(sibling, retention, verified=True) if backup and not problems else ""
    finally:
        with contextlib.suppress(Exception):
            sibling.close()
    return CheckOutcome(problems=problems, backup_note=note)


def take_manual_backup(vault: Vault) -> Path:
    """File → Back up now: a copy in the vault's backups folder, kept out of the rotation."""
    return take_backup(vault, tag="manual")


@dataclass(frozen=True)
class CopyWritten:
    path: Path
    audit_head: str  # the audit log's chain head the copy holds (short form)


def copy_to_file(vault: Vault, out: Path, *, replace: bool = False) -> CopyWritten:
    """A backup at a place the user named (with its key file beside it); the audit log says
    a copy left, with the chain head it holds, never the file name (it may name a client)."""
    written = write_backup(vault, out, replace=replace)
    head = audit.head(vault).short()
    audit.record(vault, "vault.backup", record_type="vault",
                 detail=f"copy to a chosen file; its audit log: {head}")
    return CopyWritten(written, head)


def restorable_backups(vault_path: Path) -> list[BackupInfo]:
    """Backups of this vault, newest first, without the damaged files a restore set aside."""
    return [b for b in list_backups(vault_path) if not b.tag.endswith(REPLACED_TAG)]


@dataclass(frozen=True)
class RestoreAttempt:
    """The backup restored (None when none could be) and why the ones tried first failed."""

    restored: BackupInfo | None
    skipped: list[tuple[BackupInfo, str]]


def restore_newest_good(vault_path: Path, passphrase: str,
                        backups: Iterable[BackupInfo]) -> RestoreAttempt:
    """Try `backups` in order (newest first) until one restores. A wrong passphrase on the
    first is re-raised: then the passphrase, not the backups, is what is wrong."""
    skipped: list[tuple[BackupInfo, str]] = []
    for backup in backups:
        try:
            restore_backup(backup.path, vault_path, passphrase=passphrase)
        except WrongPassphraseError:
            if not skipped:
                raise
            skipped.append((backup, "does not open with this passphrase"))
            continue
        except (VaultError, OSError) as exc:
            skipped.append((backup, str(exc)))
            continue
        return RestoreAttempt(backup, skipped)
    return RestoreAttempt(None, skipped)


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
