"""Consistent encrypted backups beside the vault, their rotation, and restore.

A backup is `VACUUM INTO` a new keyed file (a plain copy of a WAL vault is not a backup), plus
a copy of the key file, so every backup can be opened on its own.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kapnotes.domain.errors import VaultDamagedError, VaultError
from kapnotes.storage.atomic import OWNER_ONLY, fsync_dir, write_atomically
from kapnotes.storage.keyfile import key_file_for
from kapnotes.storage.vault import (
    Vault,
    integrity_problems,
    quote_sql_string,
    translate_write_errors,
)

BACKUP_DIRNAME = "backups"
AUTO = "auto"
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class RetentionPolicy:
    """Automatic backups kept: the newest of each of the last N days and M ISO weeks."""

    daily: int = 7
    weekly: int = 4


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    tag: str

    @property
    def key_path(self) -> Path:
        return key_file_for(self.path)


def backup_dir_for(vault_path: Path) -> Path:
    return vault_path.parent / BACKUP_DIRNAME


def _name(vault_path: Path, when: datetime, tag: str) -> str:
    return f"{vault_path.stem}-{when.strftime(_STAMP)}-{tag}{vault_path.suffix or '.kapnotes'}"


def write_backup(vault: Vault, out: Path, *, replace: bool = False,
                 verified: bool = False) -> Path:
    """A consistent, encrypted copy of the open vault at a user-named `out`, with its key
    file beside it. Both names go through the output guard (never the vault, its files or
    its backups folder; an existing file only with `replace`)."""
    from kapnotes.storage import output_guard  # it imports this module (backups folder)

    out = output_guard.check_output_path(out, vault.path, replace=replace, label="Backup",
                                         create_parent=True, vault_copy=True)
    output_guard.check_output_path(key_file_for(out), vault.path, replace=replace,
                                   label="Backup key file", create_parent=True,
                                   vault_copy=True)
    return _copy_vault(vault, out, verified=verified)


def refuse_if_damaged(vault: Vault) -> None:
    """The whole-file check before a backup: a damaged vault is never backed up, so it can
    never push the last good backup out of the rotation (docs/RELIABILITY.md)."""
    problems = integrity_problems(vault.conn, data_key=vault.data_key)
    if problems:
        raise VaultDamagedError(
            f"The vault {vault.path.name} failed its integrity check ({problems[0]}), so no "
            "backup was written and the earlier backups are kept. Restore the newest good one."
        )


def _copy_vault(vault: Vault, out: Path, *, verified: bool) -> Path:
    """`verified`: the caller has just run the whole-file check on this vault."""
    if not verified:
        refuse_if_damaged(vault)
    out = out.resolve()
    if out == vault.path.resolve():
        raise VaultError("A backup cannot overwrite the vault itself.")
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.touch(mode=OWNER_ONLY)  # VACUUM INTO fills an empty file and keeps its mode
    try:
        with translate_write_errors():
            vault.execute(f"VACUUM INTO {quote_sql_string(str(tmp))}")
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        key_src = key_file_for(vault.path)
        if key_src.exists():
            write_atomically(key_file_for(out), key_src.read_bytes())
        os.replace(tmp, out)
        fsync_dir(out.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    vault.checkpoint()  # the state just backed up now lives in the vault file too
    return out


def list_backups(vault_path: Path) -> list[BackupInfo]:
    """Backups of this vault, newest first."""
    folder = backup_dir_for(vault_path)
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    prefix = vault_path.stem + "-"
    for p in folder.iterdir():
        if not p.name.startswith(prefix) or p.name.startswith(".") or p.name.endswith(
            (".keys", "-wal", "-shm", "-journal")
        ):
            continue
        rest = p.name[len(prefix) :].removesuffix(p.suffix)
        parts = rest.split("-", 2)
        if len(parts) < 3:
            continue
        try:
            taken = datetime.strptime(f"{parts[0]}-{parts[1]}", _STAMP)
        except ValueError:
            continue
        found.append(BackupInfo(path=p, taken_at=taken, tag=parts[2]))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def take_backup(vault: Vault, *, tag: str, now: datetime | None = None,
                verified: bool = False) -> Path:
    when = now or datetime.now()
    return _copy_vault(vault, backup_dir_for(vault.path) / _name(vault.path, when, tag),
                       verified=verified)


def auto_backup_if_due(
    vault: Vault, *, now: datetime | None = None, policy: RetentionPolicy | None = None,
    verified: bool = False,
) -> Path | None:
    """At most one automatic backup a day (taken on open and on close), then rotate."""
    when = now or datetime.now()
    if any(b.tag == AUTO and b.taken_at.date() == when.date() for b in list_backups(vault.path)):
        return None
    path = take_backup(vault, tag=AUTO, now=when, verified=verified)
    rotate(vault.path, policy or RetentionPolicy())
    return path


def backups_to_keep(backups: list[BackupInfo], policy: RetentionPolicy) -> set[Path]:
    """Newest backup of each of the `daily` newest days, and of the `weekly` newest weeks."""
    keep: set[Path] = set()
    days: dict[date, BackupInfo] = {}
    weeks: dict[tuple[int, int], BackupInfo] = {}
    for b in sorted(backups, key=lambda b: b.taken_at, reverse=True):
        days.setdefault(b.taken_at.date(), b)
        iso = b.taken_at.isocalendar()
        weeks.setdefault((iso.year, iso.week), b)
    for d in sorted(days, reverse=True)[: policy.daily]:
        keep.add(days[d].path)
    for w in sorted(weeks, reverse=True)[: policy.weekly]:
        keep.add(weeks[w].path)
    return keep


def rotate(vault_path: Path, policy: RetentionPolicy) -> list[Path]:
    """Delete automatic backups outside the policy; other backups are kept."""
    autos = [b for b in list_backups(vault_path) if b.tag == AUTO]
    keep = backups_to_keep(autos, policy)
    removed = []
    for b in autos:
        if b.path not in keep:
            for p in (b.path, b.key_path):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
            removed.append(b.path)
    return removed

