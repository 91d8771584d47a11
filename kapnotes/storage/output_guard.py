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
from kapnotes.storage.backups import BACKUP_DIRNAME, backup_dir_for
from kapnotes.storage.keyfile import key_file_for
from kapnotes.storage.process_lock import lock_path_for

# Called after the bytes are on disk and before the rename; raises to stop (an export's Cancel).
BeforeCommit = Callable[[], None]
_VAULT_SIDE_FILES = ("-wal", "-shm", "-journal")
_OWN_SUFFIXES = (".keys", ".lock", *_VAULT_SIDE_FILES)


def protected_paths(vault_path: Path) -> set[Path]:
    """Files an export must never replace: the vault and everything that belongs to it."""
    vault = vault_path.expanduser().resolve()
    files = {vault, key_file_for(vault), lock_path_for(vault)}
    files.update(vault.with_name(vault.name + s) for s in _VAULT_SIDE_FILES)
    # The key file's own temporary sibling (storage.atomic) and backups' partial copies are
    # covered by the folder rule or are hidden names nobody types; the set stays small.
    return files


def _vault_of(path: Path) -> Path | None:
    """The vault that `path` is, or is one of the files of, when one is there: a file with
    its key file beside it, or that key file, lock or journal of such a file."""
    names = [path] + [path.with_name(path.name[:-len(s)]) for s in _OWN_SUFFIXES
                      if path.name.endswith(s) and len(path.name) > len(s)]
    return next((n for n in names if n.is_file() and key_file_for(n).is_file()), None)


def _in_some_backups_folder(path: Path) -> bool:
    """Inside a `backups` folder that sits beside a vault (any vault, not only the open one)."""
    for folder in path.parents:
        if folder.name == BACKUP_DIRNAME and folder.parent.is_dir():
            with contextlib.suppress(OSError):
                if any(_vault_of(k.with_name(k.name[:-len(".keys")])) is not None
                       for k in folder.parent.glob("*.keys")):
                    return True
    return False


def _refuse_any_vault(target: Path, resolved: Path, label: str) -> None:
    # Not only the open vault: a supervisor's `review open` runs without one, and a link may
    # point at a colleague's vault on the same workstation (tests/cli/test_new_commands_hostile.py).
    if _vault_of(resolved) is not None:
        raise ValidationError(label, f"{target} is a KAP Notes vault or one of its files (key "
                                     "file, journal, lock); choose another file.")
    if _in_some_backups_folder(resolved):
        raise ValidationError(label, f"{target} is inside a vault's backups folder, which "
                                     "only KAP Notes writes; choose another folder.")


def check_output_path(target: Path, vault_path: Path | None, *, replace: bool,
                      label: str = "Output", create_parent: bool = False,
                      vault_copy: bool = False) -> Path:
    """The resolved path to write, or ValidationError saying why it may not be written.

    `replace`: an existing regular file may be replaced (atomically). Without it an existing
    file is refused, so nothing the user did not mean to lose is lost. `create_parent`: the
    caller makes a missing folder (a backup onto a fresh USB stick folder). `vault_copy`: the
    file written is itself a vault copy (a backup), which may replace an older copy; every
    other writer refuses any vault, key file or backups folder, not only `vault_path`'s.
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
    if not vault_copy:
        _refuse_any_vault(target, resolved, label)
    elif _vault_of(resolved) == resolved and lock_path_for(resolved).exists():
        # A backup may replace an older backup, never a vault someone opens (it has a lock).
        raise ValidationError(label, f"{target} is a KAP Notes vault in use (it has a lock "
                                     "file beside it); choose another file.")
    if resolved.is_dir():
        raise ValidationError(label, f"{target} is a folder; give a file name.")
    if not create_parent and not resolved.parent.is_dir():
        raise ValidationError(label, f"{target.parent} is a file, not a folder." if
                              resolved.parent.exists() else
                              f"the folder {target.parent} does not exist.")
    if len(resolved.name.encode("utf-8", "surrogateescape")) + _TMP_EXTRA > _name_max(resolved):
        raise ValidationError(label, "the file name is too long for its folder; choose a "
                                     "shorter one.")
    # Checked on what a link points at too: `--force` through a link to a FIFO or /dev/zero
    # would otherwise rename a file over the device node itself.
    if os.path.lexists(target) and (resolved.exists() or not target.is_symlink()) \
            and not resolved.is_file():
        raise ValidationError(label, f"{target} is not a regular file; choose another name.")
    if os.path.lexists(target) and not replace:
        raise ValidationError(label, f"{target} already exists; choose a new file name "
                                     "(or use --force to replace it).")
    return resolved if target.is_symlink() else target.absolute()


_TMP_EXTRA = len("..12345678.part")  # write_output's temporary name around the file name


def _name_max(path: Path) -> int:
    """The longest file name the folder's file system takes (255 where it cannot say)."""
    try:
        return int(os.pathconf(path.parent, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # no such folder yet, or not POSIX
        return 255


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
