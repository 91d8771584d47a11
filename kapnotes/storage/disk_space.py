"""A full disk told apart from a damaged vault, in plain words with the space needed.

SQLite reports a full disk while opening a WAL vault as "database or disk is full" or as a
"disk I/O error" (its -shm file cannot grow). Either used to reach the user as "the vault is
damaged, restore a backup": the one answer that cannot work on a full disk.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from kapnotes.domain.errors import VaultError, VaultNoSpaceError

# Room a vault needs to open and save: its -shm and WAL, a 1 MB note's journal and search
# index (~3 MB, docs/RELIABILITY.md), and the WAL growing to a checkpoint. A larger vault
# needs room for its WAL to grow with it, so a tenth of its size on top.
MIN_FREE_BYTES = 8 * 1024 * 1024


def space_needed(path: Path) -> int:
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0
    return MIN_FREE_BYTES + size // 10


def free_space(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def no_space_message(path: Path, *, creating: bool = False) -> str:
    free = free_space(path.parent)
    need = space_needed(path)
    what = "create a vault" if creating else f"open the vault {path.name}"
    have = "" if free is None else f"; {_size(free)} is free"
    undamaged = "Nothing was created." if creating else \
        "The vault is not damaged and was not changed; do not restore a backup over it."
    return (f"The disk holding {path.parent} is full, so KAP Notes cannot {what}. It needs "
            f"about {_size(need)} free{have}. Free some space (or move the vault to a disk "
            f"with room), then try again. {undamaged}")


def refuse_if_no_space(exc: Exception, path: Path) -> None:
    """A full disk surfaces as "disk full" or "disk I/O error" while opening (the -shm file
    cannot grow): say so, with the space needed, instead of calling the vault damaged."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary not in (sqlcipher.SQLITE_FULL, sqlcipher.SQLITE_IOERR):
        return
    free = free_space(path.parent)
    if primary == sqlcipher.SQLITE_FULL or (free is not None and free < space_needed(path)):
        raise VaultNoSpaceError(no_space_message(path)) from exc
    raise VaultError(f"The vault {path.name} could not be read (input/output error). Check "
                     "the disk; the vault was not changed. If this persists after a restart, "
                     "restore the newest backup.") from exc


def _size(n: int) -> str:
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GB"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.0f} MB"
    return f"{n / 1024:.0f} KB"
