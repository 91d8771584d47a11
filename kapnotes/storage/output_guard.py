"""The one guard every writer of a user-named file goes through (PDF, JSON export, backup,
recovery key), so no export can overwrite the vault or the files it cannot live without.

A user-named output path is refused when, after following symlinks, it is the vault, its key
file, its WAL/SHM/journal, its process lock, or anything inside its backups folder. An
existing file is replaced only when the caller says so (the CLI's `--force`, a save dialog
that already asked), and then only atomically: the new bytes go to an owner-only temporary
file beside the target, are synced, and are renamed over it; a crash leaves the old file or
the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from kapnotes.domain.errors import ValidationError
from kapnotes.storage.atomic import OWNER_ONLY, fsync_dir
from kapnotes.storage.backups import backup_dir_for
from kapnotes.storage.keyfile import key_file_for
from kapnotes.storage.process_lock import lock_path_for

# Called after the bytes are on disk and before the rename; raises to stop (an export's Cancel).
BeforeCommit = Callable[[], None]
_VAULT_SIDE_FILES = ("-wal", "-shm", "-journal")


def protected_paths(vault_path: Path) -> set[Path]:
    """Files an export must never replace: the vault and everything that belongs to it."""
    vault = vault_path.expanduser().resolve()
    files = {vault, key_file_for(vault), lock_path_for(vault)}
    files.update(vault.with_name(vault.name + s) for s in _VAULT_SIDE_FILES)
    # The key file's own temporary sibling (storage.atomic) and backups' partial copies are
    # covered by the folder rule or are hidden names nobody types; the set stays small.
    return files


def check_output_path(target: Path, vault_path: Path | None, *, replace: bool,
                      label: str = "Output", create_parent: bool = False) -> Path:
    """The resolved path to write, or ValidationError saying why it may not be written.

    `replace`: an existing regular file may be replaced (atomically). Without it an existing
    file is refused, so nothing the user did not mean to lose is lost. `create_parent`: the
    caller makes a missing folder (a backup onto a fresh USB stick folder).
    """
    target = Path(target).expanduser()
    resolved = target.resolve()
    if vault_path is not None:
        vault = vault_path.expanduser().resolve()
        if resolved in protected_paths(vault):
            raise ValidationError(label, f"{target} is the vault or one of its own files "
                                         "(key file, journal, lock); choose another file.")
        backups = backup_dir_for(vault)
        if resolved == backups or backups in resolved.parents:
            raise ValidationError(label, f"{target} is inside the vault's backups folder, "
                                         "which only KAP Notes writes; choose another folder.")
    if resolved.is_dir():
        raise ValidationError(label, f"{target} is a folder; give a file name.")
    if not create_parent and not resolved.parent.is_dir():
        raise ValidationError(label, f"the folder {target.parent} does not exist.")
    if os.path.lexists(target) and not target.is_file() and not target.is_symlink():
        raise ValidationError(label, f"{target} is not a regular file; choose another name.")
    if os.path.lexists(target) and not replace:
        raise ValidationError(label, f"{target} already exists; choose a new file name "
                                     "(or use --force to replace it).")
    return resolved if target.is_symlink() else target.absolute()


def write_output(target: Path, data: bytes, vault_path: Path | None, *, replace: bool,
                 label: str = "Output", before_commit: BeforeCommit | None = None) -> Path:
    """Check `target`, then write `data` there owner-only and atomically; returns the path."""
    path = check_output_path(target, vault_path, replace=replace, label=label)
    # Same folder as the target, so the rename is atomic and no plaintext lands in a shared
    # temporary folder; created exclusively and owner-only; removed on any failure or cancel.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if before_commit is not None:
            before_commit()
        _commit(tmp, path, replace=replace, label=label)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):
        fsync_dir(path.parent)
    return path


def _commit(tmp: Path, path: Path, *, replace: bool, label: str) -> None:
    if replace:
        os.replace(tmp, path)
        return
    # No replacing: a hard link creates the name only if it is still free (a file that
    # appeared since the check is not overwritten); the temporary name then goes.
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise ValidationError(label, f"{path} already exists; choose a new file name "
                                     "(or use --force to replace it).") from None
    except OSError:  # a filesystem without hard links (FAT, some network shares)
        if os.path.lexists(path):
            raise ValidationError(label, f"{path} already exists; choose a new file "
                                         "name (or use --force to replace it).") from None
        os.replace(tmp, path)
        return
    tmp.unlink()
