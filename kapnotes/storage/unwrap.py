"""Unwrapping a vault's data key from its key file: the step of unlocking that takes time
(PBKDF2, ~150 ms), apart from opening the vault (kapnotes/storage/lifecycle.py).

It imports only what reading the key file needs, so a caller can start it on a worker thread
at once while the rest of opening, and the window, load on the main thread (kapnotes/startup.py);
the rare re-key left unfinished by a crash loads its own modules when it is met.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kapnotes.domain.errors import VaultLockedByOtherProcess
from kapnotes.storage import keyfile
from kapnotes.storage.sniff import check_vault_file

# A slot kept from before a re-key that has not finished (kapnotes/storage/rekey.py).
PREVIOUS = "previous-"


def data_key_for(path: Path, *, passphrase: str | None = None,
                 recovery_key: str | None = None) -> bytes:
    """Unwrap the data key; a wrong passphrase raises before the vault file is touched."""
    derive, open_slot = unwrap_in_steps(path, passphrase=passphrase, recovery_key=recovery_key)
    return open_slot(derive())


def unwrap_in_steps(path: Path, *, passphrase: str | None = None,
                    recovery_key: str | None = None
                    ) -> tuple[Callable[[], bytes], Callable[[bytes], bytes]]:
    """`data_key_for` in three steps, for a caller with a worker thread: this call reads the
    key file (checks, a refused file raise here), the first function returned derives the
    slot's key (PBKDF2, which holds no Python lock: the worker's part, from its first
    instruction), the second opens the slot with it (a wrong passphrase raises there).

    A worker that first had to import and read the key file itself took the interpreter's
    lock from the main thread for those steps, and started PBKDF2 later for it."""
    check_vault_file(path)
    kf = keyfile.read_key_file(keyfile.key_file_for(path))
    if interrupted(kf):  # rare: the whole repair on the worker, nothing left to finish
        return (lambda: _after_interrupted_rekey(path, kf, passphrase=passphrase,
                                                 recovery_key=recovery_key)), (lambda key: key)
    slot, secret, name = kf.slot_for(passphrase=passphrase, recovery_key=recovery_key)
    return (lambda: keyfile.derive_for(slot, secret, name)), (
        lambda kek: keyfile.open_slot(slot, name, kek))


def interrupted(kf: keyfile.KeyFile) -> bool:
    """Whether a re-key left this key file half done (slots kept from before it)."""
    return any(name.startswith(PREVIOUS) for name in kf.slots)


def _after_interrupted_rekey(path: Path, kf: keyfile.KeyFile, *, passphrase: str | None,
                             recovery_key: str | None) -> bytes:
    """A re-key stopped by a crash: finish or undo it, with the vault locked."""
    from kapnotes.storage import rekey
    from kapnotes.storage.process_lock import VaultProcessLock

    lock = VaultProcessLock(path)
    try:
        lock.acquire()
    except VaultLockedByOtherProcess:
        # Open here or elsewhere after a committed re-key that could not tidy its key
        # file: the new slots are the ones that open it; the next unlock tidies.
        return rekey.current_slots(kf).unlock(passphrase=passphrase, recovery_key=recovery_key)
    try:
        return rekey.data_key_for_interrupted(path, kf, passphrase=passphrase,
                                              recovery_key=recovery_key)
    finally:
        lock.release()
