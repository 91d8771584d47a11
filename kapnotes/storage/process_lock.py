"""One process per vault: an OS lock on `<vault>.lock` that the GUI and the CLI both take.

The OS drops the lock when the process dies, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from pathlib import Path

from kapnotes.domain.errors import VaultError, VaultLockedByOtherProcess

# sys.platform, not os.name: the type checker follows it and checks one branch per platform.
if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path_for(vault_path: Path) -> Path:
    return vault_path.with_name(vault_path.name + ".lock")


class VaultProcessLock:
    """Held while a process has the vault open; `acquire()` refuses a second holder."""

    def __init__(self, vault_path: Path) -> None:
        self.path = lock_path_for(vault_path)
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise VaultError(_cannot_write_folder(self.path.parent, exc)) from exc
        if not _try_lock(fd):
            holder = _read_holder(fd)
            os.close(fd)
            raise VaultLockedByOtherProcess(
                "This vault is already open in another KAP Notes window or command"
                + (f" ({holder})" if holder else "")
                + ". Close it there first; nothing was changed."
            )
        # Who holds it, for the message a second instance shows (no clinical data here).
        with contextlib.suppress(OSError):  # a full disk must not stop the vault opening
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()} on {_host_name()}".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        _unlock(self._fd)
        os.close(self._fd)
        self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> VaultProcessLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _cannot_write_folder(folder: Path, exc: OSError) -> str:
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (f"The folder {folder} is read-only, so the vault in it cannot be opened for "
                "writing; nothing was changed. Make the folder writable (or copy the vault to a "
                "folder you can write to) and open it again.")
    if exc.errno == errno.ENOSPC:
        return (f"The disk holding {folder} is full, so the vault cannot be opened; nothing was "
                "changed. Free some space and open it again.")
    return (f"The vault's folder {folder} cannot be written ({exc.strerror or exc}); nothing "
            "was changed.")


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 200).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _host_name() -> str:
    """This machine's name; `socket` (~3 ms to import) only where there is no uname."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()
