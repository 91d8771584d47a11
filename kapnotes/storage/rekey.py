"""Change the passphrase *and* the data key: the old passphrase stops opening the live vault.

A plain passphrase change rewraps the same data key, so a key file copied earlier (every
backup carries one) still opens the live vault with the old passphrase. Re-keying copies the
vault under a new random data key (`sqlcipher_export`), so nothing made before it opens the
live vault any more. Old backups keep their own key and key file and still restore.

Crash safety, in three durable steps:
1. the re-keyed copy is written beside the vault (`.NAME.rekey`) and synced;
2. the key file is replaced by one holding the new slots *and* the old ones as `previous-*`;
3. the copy is renamed over the vault (the commit), then the key file loses `previous-*`.
A crash before 3 leaves the old vault with a key file whose previous slots open it; a crash
after the rename, a new vault whose new slots open it. `data_key_for_interrupted` (called on
every unlock of a key file with `previous-*` slots) tells which from the vault itself and
finishes or undoes the change. The recovery key wraps the data key, so a re-key makes a new
one: the caller must show it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from kapnotes.domain.errors import VaultError, WrongPassphraseError
from kapnotes.storage import keyfile
from kapnotes.storage.atomic import OWNER_ONLY, fsync_dir
from kapnotes.storage.unwrap import PREVIOUS
from kapnotes.storage.unwrap import interrupted as interrupted  # asked of rekey by callers
from kapnotes.storage.vault import Error, Vault, connect_keyed, quote_sql_string


def copy_path_for(vault_path: Path) -> Path:
    return vault_path.with_name(f".{vault_path.name}.rekey")


def rekey(vault: Vault, *, new_passphrase: str, passphrase: str | None = None,
          recovery_key: str | None = None) -> str:
    """Re-key the open `vault` (its lock held) and wrap the new key with `new_passphrase`;
    the current passphrase (or the recovery key) proves the right to. Returns the new
    recovery key. The vault object stays open on the new key."""
    path = vault.path
    key_path = keyfile.key_file_for(path)
    old = keyfile.read_key_file(key_path)
    if old.unlock(passphrase=passphrase, recovery_key=recovery_key) != vault.data_key:
        raise VaultError("The key file does not belong to the open vault; nothing was changed.")
    new_key = keyfile.new_data_key()
    recovery = keyfile.new_recovery_key()
    copy = copy_path_for(path)
    _export_copy(vault, copy, new_key)
    slots = {keyfile.SLOT_PASSPHRASE: keyfile.wrap(new_key, new_passphrase,
                                                   keyfile.SLOT_PASSPHRASE),
             keyfile.SLOT_RECOVERY: keyfile.wrap(new_key, recovery, keyfile.SLOT_RECOVERY)}
    previous = {PREVIOUS + name: slot for name, slot in old.slots.items()
                if not name.startswith(PREVIOUS)}
    try:
        keyfile.write_key_file(key_path, keyfile.KeyFile(slots={**slots, **previous}))
        vault.release_connection()  # checkpointed and closed: no WAL of the old key is left
        _drop_empty_wal(path)
        os.replace(copy, path)  # the commit
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            copy.unlink()
        if vault.conn is None:  # the rename did not happen: the old vault goes on as it was
            keyfile.write_key_file(key_path, old)
            vault.reconnect(vault.data_key or b"")
        raise
    vault.reconnect(new_key)  # committed: the open vault goes on, on the new key
    # Dropping the old slots is tidying: if it fails (disk full), the next unlock does it.
    with contextlib.suppress(OSError):
        keyfile.write_key_file(key_path, keyfile.KeyFile(slots=slots))
    return recovery


def _export_copy(vault: Vault, copy: Path, new_key: bytes) -> None:
    with contextlib.suppress(FileNotFoundError):
        copy.unlink()
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    os.close(fd)
    version = vault.user_version
    try:
        vault.execute(f"ATTACH DATABASE {quote_sql_string(str(copy))} AS rekeyed "
                      f"KEY \"x'{new_key.hex()}'\"")
        try:
            vault.execute("SELECT sqlcipher_export('rekeyed')")
            vault.execute(f"PRAGMA rekeyed.user_version = {int(version)}")
        finally:
            vault.execute("DETACH DATABASE rekeyed")
        with copy.open("rb+") as fh:
            os.fsync(fh.fileno())
        _verify(copy, new_key, version)
    except BaseException:
        with contextlib.suppress(OSError):
            copy.unlink()
        raise


def _verify(copy: Path, key: bytes, version: int) -> None:
    conn = connect_keyed(copy, key)
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        if not ok or int(conn.execute("PRAGMA user_version").fetchone()[0]) != version:
            raise VaultError("The re-keyed copy did not verify; nothing was changed.")
    finally:
        conn.close()


def _drop_empty_wal(path: Path) -> None:
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise VaultError("The vault is still open elsewhere (its journal is not empty); close "
                         "other KAP Notes windows and try again. Nothing was changed.")
    for side in (wal, path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            side.unlink()


def _opens(path: Path, key: bytes) -> bool:
    try:
        conn = connect_keyed(path, key)
    except Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except Error:
        return False
    finally:
        conn.close()


def current_slots(kf: keyfile.KeyFile) -> keyfile.KeyFile:
    """The key file without the slots kept from before an unfinished re-key."""
    return keyfile.KeyFile(slots={n: s for n, s in kf.slots.items()
                                  if not n.startswith(PREVIOUS)})


def data_key_for_interrupted(path: Path, kf: keyfile.KeyFile, *, passphrase: str | None,
                             recovery_key: str | None) -> bytes:
    """Unlock a vault whose re-key was interrupted, finishing or undoing it on the way."""
    key_path = keyfile.key_file_for(path)
    current = current_slots(kf)
    previous = keyfile.KeyFile(slots={n.removeprefix(PREVIOUS): s for n, s in kf.slots.items()
                                      if n.startswith(PREVIOUS)})
    for candidate in (current, previous):
        try:
            key = candidate.unlock(passphrase=passphrase, recovery_key=recovery_key)
        except (WrongPassphraseError, VaultError, KeyError):
            continue
        if _opens(path, key):
            # The vault file says which side won: keep that side's slots only.
            keyfile.write_key_file(key_path, candidate)
            with contextlib.suppress(FileNotFoundError):
                copy_path_for(path).unlink()
            return key
    raise WrongPassphraseError(
        "A passphrase change with re-keying was interrupted; unlock with the passphrase "
        "(or recovery key) from before the change to finish undoing it.")

