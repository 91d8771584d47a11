"""Open, create and use the encrypted SQLite vault (SQLCipher 4). No Qt here.

One connection per process, `isolation_level=None` with explicit transactions, WAL and
`synchronous=FULL` so every acknowledged commit survives a crash or power loss.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from kapnotes.domain.errors import (
    StorageWriteError,
    VaultDamagedError,
    VaultError,
    VaultTooNewError,
)
from kapnotes.storage import keyfile
from kapnotes.storage.atomic import OWNER_ONLY
from kapnotes.storage.disk_space import refuse_if_no_space
from kapnotes.storage.driver_errors import (
    executed,
    executed_many,
    fetched,
    translate_read_errors,
    translate_write_errors,
)
from kapnotes.storage.process_lock import VaultProcessLock
from kapnotes.storage.sniff import check_vault_file
from kapnotes.storage.wal_check import inspect_wal

BUSY_TIMEOUT_S = 5.0
CACHE_KIB = 64 * 1024
# For storage's own raw connections (backups, re-key); callers of Vault never see it.
Error = sqlcipher.Error


def raw_key_pragma(data_key: bytes) -> str:
    """`PRAGMA key` takes no bound parameter; a raw hex key has nothing that needs escaping."""
    return f"PRAGMA key = \"x'{data_key.hex()}'\""


def quote_sql_string(text: str) -> str:
    """Quote a string for the few statements that take no parameters (PRAGMA, VACUUM INTO)."""
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Actor:
    """Who is at the keyboard, for the audit log: OS user, workstation and clinician name."""

    os_user: str = field(default_factory=getpass.getuser)
    workstation: str = field(default_factory=socket.gethostname)
    clinician: str = ""


class Vault:
    """An open, unlocked vault: one SQLCipher connection and the transaction helper."""

    def __init__(self, path: Path, conn: sqlcipher.Connection, lock: VaultProcessLock | None,
                 *, data_key: bytes | None = None):
        self.path = path
        self.conn = conn
        self._lock = lock
        # Kept only to open sibling connections for background work (integrity check, backup);
        # SQLCipher holds the same key in this process's memory anyway.
        self._data_key = data_key
        self._depth = 0
        self._after_commit: list[Callable[[], None]] = []
        self.actor = Actor()
        self._identity = _file_identity(path)
        self._version = 0  # set by release_connection (schema version to reopen at)

    @property
    def data_key(self) -> bytes | None:
        """The key this vault was opened with (to read its own backups in `check`)."""
        return self._data_key

    def sibling(self) -> Vault:
        """A second connection to the same vault for another thread (no process lock)."""
        if self._data_key is None:
            raise VaultError("This vault was opened without a key for background work.")
        # This vault's own version was checked when it opened; the sibling sees the same file.
        conn = open_connection(self.path, self._data_key, latest_version=self.user_version,
                               check_integrity=False)
        return Vault(self.path, conn, None, data_key=self._data_key)

    def release_connection(self) -> None:
        """Checkpoint the WAL into the file and close the connection, keeping the process
        lock (a re-key replaces the file, then `reconnect`s)."""
        with translate_write_errors():
            busy = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy:
            raise VaultError("The vault is busy in another connection; nothing was changed.")
        self._version = self.user_version
        self.conn.close()
        self.conn = None  # closed until reconnect()

    def reconnect(self, data_key: bytes) -> None:
        """Open the (possibly replaced) vault file again with `data_key`."""
        self.conn = open_connection(self.path, data_key, latest_version=self._version,
                                    check_integrity=False)
        self._data_key = data_key
        self._identity = _file_identity(self.path)

    # -- queries ---------------------------------------------------------------------------
    def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        return executed(self.conn, sql, params)

    def executemany(self, sql: str, rows: Iterable[Any]) -> None:
        executed_many(self.conn, sql, rows)

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[Any]:
        return fetched(self.conn, sql, params, all_rows=True)

    def query_one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        return fetched(self.conn, sql, params, all_rows=False)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Vault]:
        """BEGIN IMMEDIATE … COMMIT; nested calls become savepoints. Rolls back on any error."""
        depth = self._depth
        if depth == 0:
            self._check_file_in_place()
            self._after_commit = []
        begin = "BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT sp{depth}"
        with translate_write_errors():
            self.conn.execute(begin)
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            with contextlib.suppress(sqlcipher.Error):
                if depth == 0:
                    self._after_commit = []
                    self.conn.execute("ROLLBACK")
                else:
                    self.conn.execute(f"ROLLBACK TO sp{depth}")
                    self.conn.execute(f"RELEASE sp{depth}")
            raise
        self._depth -= 1
        with translate_write_errors():
            try:
                self.conn.execute("COMMIT" if depth == 0 else f"RELEASE sp{depth}")
            except sqlcipher.Error:
                if depth == 0:
                    self._after_commit = []
                    with contextlib.suppress(sqlcipher.Error):
                        self.conn.execute("ROLLBACK")
                raise
        if depth == 0:
            self._run_after_commit()

    def after_commit(self, callback: Callable[[], None]) -> bool:
        """Run `callback` once the outermost transaction commits (never if it rolls back).
        Registers a callback once per transaction: True when it was not registered yet."""
        if callback in self._after_commit:
            return False
        self._after_commit.append(callback)
        return True

    def _run_after_commit(self) -> None:
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def _check_file_in_place(self) -> None:
        """Refuse to write when the vault file was moved or deleted while open.

        SQLite would go on writing to the open, unlinked file and "save" every change, and all
        of it would be gone when the app closes. One stat per transaction catches it first.
        (Not in `execute`: Backup now, VACUUM INTO a new file, must still rescue the data.)
        """
        if _file_identity(self.path) != self._identity:
            raise StorageWriteError(
                f"The vault file {self.path.name} was moved or removed while KAP Notes had it "
                "open, so the last change was not saved. Your text is still in the editor. "
                f"Put the file back in {self.path.parent}, or use Backup now to keep everything "
                "in a new file, then open that."
            )

    def checkpoint(self) -> None:
        """Copy the WAL into the vault file now (PASSIVE: never waits for a reader).

        Called after signing and after a backup: what is in the main file no longer depends
        on the WAL surviving a crash intact (docs/RELIABILITY.md, "WAL damage")."""
        if self._depth == 0:
            with contextlib.suppress(sqlcipher.Error):
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @property
    def user_version(self) -> int:
        return int(self.query_one("PRAGMA user_version")[0])

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        with contextlib.suppress(sqlcipher.Error):
            self.conn.execute("PRAGMA optimize")
        self.conn.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def connect_keyed(path: Path, data_key: bytes) -> sqlcipher.Connection:
    """A connection with the key applied and SQLCipher's own logging silenced."""
    conn = sqlcipher.connect(
        str(path), isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False
    )
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(raw_key_pragma(data_key))
    return conn


def _apply_connection_pragmas(conn: sqlcipher.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA secure_delete = ON")  # deleted note text is overwritten, not left
    # SQLite's default 2 MB page cache makes SQLCipher decrypt the same pages over and over:
    # search in a practice-sized vault ran 4× slower with it (docs/BENCHMARKS.md). 64 MB at
    # most, filled only as pages are read.
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    # Checked, not assumed: a durability setting that silently failed would lose notes.
    if conn.execute("PRAGMA synchronous").fetchone()[0] != 2:
        raise VaultError("The vault could not be set to full durability (synchronous=FULL).")
    if conn.execute("PRAGMA foreign_keys").fetchone()[0] != 1:
        raise VaultError("The vault could not enable foreign-key checks.")


def _check_readable(conn: sqlcipher.Connection, path: Path) -> None:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        refuse_if_no_space(exc, path)
        raise VaultDamagedError(
            f"The vault {path.name} cannot be decrypted: it is damaged, or its key file belongs "
            "to another vault. Restore the newest backup."
        ) from exc


def integrity_problems(conn: sqlcipher.Connection, *, full: bool = False,
                       raise_errors: bool = False, data_key: bytes | None = None) -> list[str]:
    """Problems reported by SQLite's and SQLCipher's own checks (empty when sound).

    With the connection's `data_key`, the pages SQLite's check does not read are verified
    by `page_macs` instead of SQLCipher reading every page again; without it, or where that
    module does not apply, `cipher_integrity_check` runs."""
    try:
        check = "integrity_check" if full else "quick_check"
        rows = [r[0] for r in conn.execute(f"PRAGMA {check}").fetchall()]
        problems = [r for r in rows if r != "ok"]
        problems += page_problems(conn, data_key)
    except sqlcipher.DatabaseError as exc:
        if raise_errors:
            raise
        return [str(exc)]
    return problems


def page_problems(conn: sqlcipher.Connection, data_key: bytes | None) -> list[str]:
    """What `cipher_integrity_check` adds to `integrity_check`/`quick_check` (run beside
    them): pages they do not read, verified alone when the layout allows (page_macs)."""
    from kapnotes.storage import page_macs  # `cryptography`'s ciphers: only for a check

    path = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    if data_key is not None and page_macs.layout_is_known(conn, path):
        found = page_macs.unread_page_problems(path, data_key)
        if page_macs.layout_is_known(conn, path):  # nothing was written meanwhile
            return found
    return [r[0] for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]



def open_connection(
    path: Path, data_key: bytes, *, latest_version: int, check_integrity: bool = False
) -> sqlcipher.Connection:
    """Key, verify and configure a connection; refuse damaged or newer vaults untouched.

    Opening reads the header and schema only, flat in vault size: every page read later is
    verified by SQLCipher's per-page HMAC, so a damaged page a command touches is refused
    then (`translate_read_errors`). The whole-file checks read and decrypt every page (seconds
    on a large vault) and belong to `kapnotes check`, backups and the GUI's background check
    (docs/RELIABILITY.md); `check_integrity=True` runs them here too.
    """
    check_vault_file(path)
    conn = connect_keyed(path, data_key)
    try:
        _check_readable(conn, path)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > latest_version:
            from kapnotes import __version__

            raise VaultTooNewError(
                f"This vault has schema version {version}, written by a newer KAP Notes; this "
                f"app ({__version__}) understands up to version {latest_version}. Update KAP "
                "Notes; the vault was not changed."
            )
        try:
            problems = integrity_problems(conn, raise_errors=True) if check_integrity else []
        except sqlcipher.DatabaseError as exc:
            refuse_if_no_space(exc, path)
            problems = [str(exc)]
        if problems:
            raise VaultDamagedError(
                f"The vault {path.name} failed its integrity check ({problems[0]}). "
                "Restore the newest good backup."
            )
        _apply_connection_pragmas(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def create_empty_vault_file(path: Path, data_key: bytes) -> None:
    """A new, keyed, empty database file readable by the owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        raise VaultError(f"A file already exists at {path}; not overwriting it.")
    path.touch(mode=OWNER_ONLY)
    conn = connect_keyed(path, data_key)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE kapnotes_bootstrap (x)")
        conn.execute("DROP TABLE kapnotes_bootstrap")
    finally:
        conn.close()


def refuse_a_wal_that_ends_early(path: Path) -> None:
    report = inspect_wal(path.with_name(path.name + "-wal"))
    if report is not None and report.ends_early:
        raise VaultDamagedError(
            f"The journal of the vault {path.name} ({path.name}-wal) is damaged: opening it "
            f"would silently drop {report.commits_lost} saved changes written after the "
            "damaged part. The vault was not opened and nothing was changed; keep its files "
            "as they are (copy the whole folder) and restore the newest backup, or ask for "
            "help to recover the changes.")


def open_locked(
    path: Path, data_key: bytes, *, latest_version: int, take_lock: bool = True,
    check_integrity: bool = False,
) -> Vault:
    lock = VaultProcessLock(path) if take_lock else None
    if lock is not None:
        lock.acquire()
    try:
        refuse_a_wal_that_ends_early(path)  # before SQLite replays (and drops) any of it
        conn = open_connection(path, data_key, latest_version=latest_version,
                               check_integrity=check_integrity)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return Vault(path, conn, lock, data_key=data_key)


__all__ = [
    "Actor",
    "Error",
    "Vault",
    "create_empty_vault_file",
    "integrity_problems",
    "keyfile",
    "open_locked",
    "quote_sql_string",
    "translate_read_errors",
    "translate_write_errors",
]
