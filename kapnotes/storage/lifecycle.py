"""The life of a vault file: create, unlock (and migrate), change passphrase, check, restore."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from kapnotes.domain.errors import (
    StorageWriteError,
    VaultDamagedError,
    VaultError,
    VaultNoSpaceError,
    WrongPassphraseError,
)
from kapnotes.storage import audit, keyfile, rekey, tamper_check
from kapnotes.storage.atomic import OWNER_ONLY, fsync_dir
from kapnotes.storage.backups import backup_dir_for, take_backup
from kapnotes.storage.disk_space import free_space, no_space_message, space_needed
from kapnotes.storage.file_checks import RECORDS_CACHE_KIB, WholeFileChecks
from kapnotes.storage.migrations import LATEST_VERSION, migrate
from kapnotes.storage.network_path import is_network_path as is_network_path
from kapnotes.storage.process_lock import VaultProcessLock
from kapnotes.storage.sniff import check_vault_file
from kapnotes.storage.unwrap import data_key_for
from kapnotes.storage.vault import (
    Vault,
    connect_keyed,
    create_empty_vault_file,
    integrity_problems,
    open_locked,
)

OWNER_ONLY_DIR = 0o700


@dataclass(frozen=True)
class CreatedVault:
    vault: Vault
    recovery_key: str


def create_vault(path: Path, passphrase: str, *, take_lock: bool = True) -> CreatedVault:
    """A new empty vault at `path` with its key file, at the latest schema."""
    key_path = keyfile.key_file_for(path)
    if path.exists() or key_path.exists():
        raise VaultError(f"A vault already exists at {path}; not overwriting it.")
    _make_owner_only_folder(path.parent)
    kf, data_key, recovery = keyfile.create_key_file(passphrase)
    lock = VaultProcessLock(path) if take_lock else None
    if lock is not None:
        lock.acquire()
    try:
        create_empty_vault_file(path, data_key)
        keyfile.write_key_file(key_path, kf)
        conn = connect_keyed(path, data_key)
        migrate(conn)
        conn.close()
    except BaseException as exc:
        for p in (path, key_path, path.with_name(path.name + "-wal"),
                  path.with_name(path.name + "-shm")):
            with contextlib.suppress(OSError):
                p.unlink()
        if lock is not None:
            lock.release()
            with contextlib.suppress(OSError):  # no vault, so no lock file left behind
                lock.path.unlink()
        if _is_disk_full(exc, path):
            raise VaultNoSpaceError(no_space_message(path, creating=True)) from exc
        raise
    if lock is not None:
        lock.release()
    vault = open_locked(path, data_key, latest_version=LATEST_VERSION, take_lock=take_lock)
    audit.record(vault, "vault.create", record_type="vault")
    return CreatedVault(vault=vault, recovery_key=recovery)


def _make_owner_only_folder(folder: Path) -> None:
    """A new vault folder is created owner-only (0700) whatever the umask; an existing one is
    left as it is (a folder the user chose, perhaps shared on purpose)."""
    if folder.is_dir():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=OWNER_ONLY_DIR, exist_ok=True)
    os.chmod(folder, OWNER_ONLY_DIR)  # mkdir's mode is cut by the umask


def _is_disk_full(exc: BaseException, path: Path) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF == sqlcipher.SQLITE_FULL:
        return True
    if isinstance(code, int) and code & 0xFF == sqlcipher.SQLITE_IOERR:  # -shm cannot grow
        free = free_space(path.parent)
        return free is not None and free < space_needed(path)
    return isinstance(exc, StorageWriteError) and "disk is full" in exc.message


def unlock_vault(
    path: Path,
    *,
    passphrase: str | None = None,
    recovery_key: str | None = None,
    take_lock: bool = True,
    run_migrations: bool = True,
    check_integrity: bool = False,
    data_key: bytes | None = None,
) -> Vault:
    """Open an existing vault: unwrap the key, lock, and migrate (after a backup).

    Opening is flat in vault size: no whole-file check (every page is verified by its HMAC
    as it is read). `check`, backups and the GUI's background check run the whole-file
    checks (docs/RELIABILITY.md); `check_integrity=True` runs them here as well.
    `data_key` is a key the caller already unwrapped with `data_key_for` (e.g. on a thread).
    """
    if data_key is None:
        data_key = data_key_for(path, passphrase=passphrase, recovery_key=recovery_key)
    else:
        check_vault_file(path)
    vault = open_locked(path, data_key, latest_version=LATEST_VERSION, take_lock=take_lock,
                        check_integrity=check_integrity)
    try:
        if run_migrations and vault.user_version < LATEST_VERSION:
            take_backup(vault, tag=f"before-migration-v{vault.user_version}")
            migrate(vault.conn)
    except BaseException:
        vault.close()
        raise
    return vault


def change_passphrase(path: Path, *, old: str, new: str, vault: Vault | None = None) -> None:
    """Rewrap the data key under `new`. Only the small key file is replaced, atomically."""
    key_path = keyfile.key_file_for(path)
    kf = keyfile.read_key_file(key_path)
    data_key = kf.unlock(passphrase=old)
    _replace_passphrase_slot(key_path, kf, data_key, new)
    if vault is not None:
        audit.record(vault, "vault.passphrase_change", record_type="vault")


def change_passphrase_and_rekey(vault: Vault, *, new: str, old: str | None = None,
                                recovery_key: str | None = None) -> str:
    """Change the passphrase *and* the data key of the open vault, so no earlier key file
    (a backup's, a copied one) opens it any more with the old passphrase. `old` (or the
    recovery key) proves the right to. Returns the new recovery key, which the caller must
    show: the old one stops working too."""
    recovery = rekey.rekey(vault, new_passphrase=new, passphrase=old,
                           recovery_key=recovery_key)
    audit.record(vault, "vault.rekey", record_type="vault",
                 detail="passphrase changed; new data key and recovery key")
    return recovery


def reset_passphrase_with_recovery(path: Path, *, recovery_key: str, new: str) -> None:
    """A forgotten passphrase: the recovery key unwraps the data key, `new` wraps it again."""
    key_path = keyfile.key_file_for(path)
    kf = keyfile.read_key_file(key_path)
    data_key = kf.unlock(recovery_key=recovery_key)
    _replace_passphrase_slot(key_path, kf, data_key, new)


def _replace_passphrase_slot(key_path: Path, kf: keyfile.KeyFile, data_key: bytes,
                             new: str) -> None:
    slot = keyfile.wrap(data_key, new, keyfile.SLOT_PASSPHRASE)
    keyfile.write_key_file(key_path, kf.with_slot(keyfile.SLOT_PASSPHRASE, slot))


def new_recovery_key(path: Path, *, passphrase: str) -> str:
    """Replace the recovery key (the old one stops working)."""
    key_path = keyfile.key_file_for(path)
    kf = keyfile.read_key_file(key_path)
    data_key = kf.unlock(passphrase=passphrase)
    recovery = keyfile.new_recovery_key()
    slot = keyfile.wrap(data_key, recovery, keyfile.SLOT_RECOVERY)
    keyfile.write_key_file(key_path, kf.with_slot(keyfile.SLOT_RECOVERY, slot))
    return recovery


def check_vault(path: Path, *, passphrase: str,
                notes: list[str] | None = None) -> list[str]:
    """Full integrity check, the audit chain, the seals of signed notes and the newest
    backup's chain head; the problems found (empty when sound). `notes` collects remarks
    that are not failures (e.g. which backup the log was compared with)."""
    # Each whole-file check once (opening reads only the header and schema), on other
    # threads while this one checks the records (kapnotes.storage.file_checks).
    vault = unlock_vault(path, passphrase=passphrase, run_migrations=False)
    whole_file: WholeFileChecks | None = None
    try:
        whole_file = WholeFileChecks(vault)
        # The records check reads each table once, in order: a small page cache serves it
        # as well, and leaves the memory to integrity_check's (docs/BENCHMARKS.md).
        vault.execute(f"PRAGMA cache_size = -{RECORDS_CACHE_KIB}")
        try:
            records = tamper_check.check_records(vault, passphrase=passphrase)
        except VaultDamagedError:
            problems = whole_file.problems()
            if not problems:
                raise
            return problems  # the damage is already named; the records sit on a bad page
        if notes is not None:
            notes.extend(records.notes)
        return whole_file.problems() + records.problems
    finally:
        if whole_file is not None:
            whole_file.problems()  # joined before the vault closes, whatever happened
        vault.close()


def _keys_that_open(backup: Path, candidates: list[Path], passphrase: str) -> tuple[Path, bytes]:
    """The first key file that unlocks `backup` with `passphrase`, and the data key it gives."""
    last_error: Exception = WrongPassphraseError("Wrong passphrase for this backup.")
    for key_path in candidates:
        if not key_path.exists():
            continue
        try:
            data_key = keyfile.read_key_file(key_path).unlock(passphrase=passphrase)
        except (WrongPassphraseError, VaultError) as exc:
            last_error = exc
            continue
        conn = connect_keyed(backup, data_key)
        try:
            if not integrity_problems(conn, full=True, data_key=data_key):
                return key_path, data_key
            last_error = VaultError(f"The backup {backup.name} is damaged.")
        except Exception as exc:  # an undecryptable page means this key is not its key
            last_error = VaultError(f"The backup {backup.name} cannot be read ({exc}).")
        finally:
            conn.close()
    raise last_error


def restore_backup(backup: Path, vault_path: Path, *, passphrase: str,
                   now: datetime | None = None) -> Path | None:
    """Replace the vault by a verified backup; the replaced vault is kept aside, not deleted.

    Returns where the old vault was moved (None when there was none).
    """
    check_vault_file(backup)
    candidates = [keyfile.key_file_for(vault_path), keyfile.key_file_for(backup)]
    key_src, data_key = _keys_that_open(backup, candidates, passphrase)
    lock = VaultProcessLock(vault_path)
    lock.acquire()
    tmp = vault_path.with_name(f".{vault_path.name}.restoring")
    try:
        # Copy first: if the disk is full, the vault in place is left untouched.
        shutil.copyfile(backup, tmp)
        os.chmod(tmp, OWNER_ONLY)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        aside = _move_aside(vault_path, now or datetime.now())
        key_dst = keyfile.key_file_for(vault_path)
        if key_src != key_dst:
            keyfile.write_key_file(key_dst, keyfile.read_key_file(key_src))
        os.replace(tmp, vault_path)
        fsync_dir(vault_path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        lock.release()
    vault = open_locked(vault_path, data_key, latest_version=LATEST_VERSION)
    try:
        audit.record(vault, "vault.restore", record_type="vault", detail=backup.name)
    finally:
        vault.close()
    return aside


def _move_aside(vault_path: Path, when: datetime) -> Path | None:
    if not vault_path.exists():
        return None
    folder = backup_dir_for(vault_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = when.strftime("%Y%m%d-%H%M%S")
    aside = folder / f"{vault_path.stem}-{stamp}-replaced{vault_path.suffix or '.kapnotes'}"
    # The WAL travels with the file under the matching name, so the copy aside is whole.
    for suffix in ("-wal", "-shm"):
        side = vault_path.with_name(vault_path.name + suffix)
        if side.exists():
            shutil.move(side, aside.with_name(aside.name + suffix))
    shutil.move(vault_path, aside)
    key = keyfile.key_file_for(vault_path)
    if key.exists():
        shutil.copyfile(key, keyfile.key_file_for(aside))
        os.chmod(keyfile.key_file_for(aside), OWNER_ONLY)
    return aside
