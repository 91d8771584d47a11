"""Opening a vault, one way for the window and the CLI: create, unlock with the shared
failure count and slow-down, check a passphrase, reset one with the recovery key, and the
audit entry every successful unlock leaves.

The window and the CLI import no storage module (`.importlinter`). The types they hold and
pass back, the open `Vault` handle, `CreatedVault` and the `FailedUnlocks` counter, are
re-exported from here; errors are the `kapnotes.domain.errors` types, as everywhere.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kapnotes.domain.errors import KapNotesError, WrongPassphraseError
from kapnotes.storage.network_path import is_network_path
from kapnotes.storage.process_lock import VaultProcessLock
from kapnotes.storage.unlock_failures import FREE_ATTEMPTS, FailedUnlocks, delay_after

# The unlock dialog is painted before SQLCipher, the key file's cryptography and the schema
# are loaded (they load while the passphrase is typed): those storage modules are imported
# by the calls below that need them, and `Vault`/`CreatedVault` on first use.
if TYPE_CHECKING:
    from datetime import datetime

    from kapnotes.storage.lifecycle import CreatedVault
    from kapnotes.storage.vault import Vault


def __getattr__(name: str) -> Any:
    if name == "Vault":
        from kapnotes.storage.vault import Vault
        return Vault
    if name == "CreatedVault":
        from kapnotes.storage.lifecycle import CreatedVault
        return CreatedVault
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def unlock_vault(vault_path: Path, *, passphrase: str | None = None,
                 recovery_key: str | None = None, take_lock: bool = True,
                 run_migrations: bool = True, check_integrity: bool = False,
                 data_key: bytes | None = None) -> Vault:
    """Open with a passphrase, the recovery key or an unwrapped data key
    (kapnotes.storage.lifecycle.unlock_vault)."""
    from kapnotes.storage.lifecycle import unlock_vault as unlock

    return unlock(vault_path, passphrase=passphrase, recovery_key=recovery_key,
                  take_lock=take_lock, run_migrations=run_migrations,
                  check_integrity=check_integrity, data_key=data_key)


def create_vault(path: Path, passphrase: str) -> CreatedVault:
    from kapnotes.storage.lifecycle import create_vault as create

    return create(path, passphrase)


def data_key_for(vault_path: Path, *, passphrase: str) -> bytes:
    from kapnotes.storage.unwrap import data_key_for as unwrap  # not all of lifecycle: a thread

    return unwrap(vault_path, passphrase=passphrase)


def unwrap_in_steps(vault_path: Path, *, passphrase: str) -> tuple[Callable[[], bytes],
                                                                   Callable[[bytes], bytes]]:
    """`data_key_for` split for a worker thread (kapnotes.storage.unwrap.unwrap_in_steps)."""
    from kapnotes.storage.unwrap import unwrap_in_steps as steps

    return steps(vault_path, passphrase=passphrase)


def load_opening_modules() -> None:
    """Import what opening an unwrapped vault needs (a caller waiting for PBKDF2 anyway)."""
    from kapnotes.storage import keyfile, lifecycle  # noqa: F401

    keyfile.load_cipher()


def reset_passphrase_with_recovery(vault_path: Path, *, recovery_key: str, new: str) -> None:
    from kapnotes.storage.lifecycle import reset_passphrase_with_recovery as reset

    reset(vault_path, recovery_key=recovery_key, new=new)

__all__ = [
    "FREE_ATTEMPTS", "CreatedVault", "FailedUnlocks", "Vault", "counting_failures",
    "create_vault", "data_key_for", "delay_after", "ensure_not_in_use", "failures_for",
    "is_network_path", "load_opening_modules", "record_unlock", "refuse_while_slowed",
    "reset_passphrase_with_recovery", "unlock_counted", "unlock_vault", "unwrap_in_steps",
    "verify_passphrase",
]

T = TypeVar("T")


def verify_passphrase(vault_path: Path, passphrase: str) -> None:
    """Raise WrongPassphraseError unless `passphrase` opens this vault's key file (the lock
    screen and a restore check it without touching the vault file)."""
    data_key_for(vault_path, passphrase=passphrase)


def ensure_not_in_use(vault_path: Path) -> None:
    """Raise VaultLockedByOtherProcess when another process has the vault open; writes
    nothing (the lock is taken and let go at once)."""
    if not vault_path.parent.is_dir():
        return  # no vault there yet; creating one takes the lock itself
    lock = VaultProcessLock(vault_path)
    lock.acquire()
    lock.release()


def failures_for(vault_path: Path) -> FailedUnlocks:
    """The vault's wrong-passphrase counter (kept beside it between runs)."""
    return FailedUnlocks.for_vault(vault_path)


def refuse_while_slowed(vault_path: Path) -> FailedUnlocks:
    """The counter, or WrongPassphraseError (nothing tried) while the slow-down lasts."""
    failures = failures_for(vault_path)
    wait = failures.wait_left()
    if wait > 0:
        raise WrongPassphraseError(
            f"{failures.count} wrong passphrases or recovery keys in a row; wait {wait} s "
            "before trying again (nothing was tried).")
    return failures


def counting_failures(failures: FailedUnlocks, call: Callable[..., T]) -> Callable[..., T]:
    """`call`, with every wrong passphrase or recovery key it meets counted."""

    def counted(*args: str) -> T:
        try:
            return call(*args)
        except WrongPassphraseError:
            failures.note_failure()
            raise

    return counted


def record_unlock(vault: Vault, failures: FailedUnlocks | None, *, detail: str,
                  reset_by_recovery: bool = False, at: datetime | None = None) -> None:
    """Once the vault can be written: the failed attempts before this unlock, the unlock
    itself (`detail` says where: "window", "window lock screen", "command line: list"), and
    a passphrase reset with the recovery key made while the vault was closed. A read-only
    vault still opens; the count then stays for the next unlock."""
    if failures is not None:
        with contextlib.suppress(KapNotesError):
            failures.record_and_clear(vault)
    from kapnotes.storage import audit

    with contextlib.suppress(KapNotesError):
        audit.record(vault, "vault.unlock", record_type="vault", detail=detail, at=at)
        if reset_by_recovery:
            audit.record(vault, "vault.passphrase_change", record_type="vault",
                         detail="via recovery key")


def unlock_counted(vault_path: Path, *, passphrase: str | None = None,
                   recovery_key: str | None = None, run_migrations: bool = True) -> Vault:
    """Unlock as every way in does: refused during the slow-down, a wrong secret counted,
    and the failed attempts written to the audit log once the vault is open."""
    failures = refuse_while_slowed(vault_path)
    try:
        vault = unlock_vault(vault_path, passphrase=passphrase, recovery_key=recovery_key,
                             run_migrations=run_migrations)
    except WrongPassphraseError:
        failures.note_failure()
        raise
    with contextlib.suppress(KapNotesError):
        failures.record_and_clear(vault)
    return vault
