"""The storage boundary for errors: every SQLCipher error becomes a KAP Notes error here.

Callers above storage (services, CLI, UI) catch only `kapnotes.domain.errors` types, each
with a message fit to show as it is. The driver's own exception stays as `__cause__` for
debugging; its text is never shown, except a trigger's refusal, which is our own wording
(`RAISE(ABORT, '…')` in kapnotes/storage/schema).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from kapnotes.domain.errors import (
    ConflictError,
    StorageWriteError,
    VaultDamagedError,
    VaultUnavailableError,
)

DAMAGED_PAGE = ("The vault is damaged: a page it needed failed its check when read, and "
                "nothing was changed. Restore the newest backup (File → Restore backup, or "
                "`kapnotes restore`).")
UNREADABLE = "The vault could not be read (it is closed or unavailable). Nothing was changed."
UNWRITABLE = ("The vault could not be written (it is closed or unavailable), so the last "
              "change was not saved. Nothing was changed.")
CONSTRAINT = ("The change contradicts what the vault already holds (a duplicate or a missing "
              "record). Nothing was changed.")


@contextlib.contextmanager
def translate_read_errors() -> Iterator[None]:
    """A damaged page is VaultDamagedError; any other driver error VaultUnavailableError."""
    try:
        yield
    except sqlcipher.Error as exc:
        raise translated(exc, write=False) from exc


@contextlib.contextmanager
def translate_write_errors() -> Iterator[None]:
    """As `translate_read_errors`, and a full disk, I/O error or read-only file is a plain
    StorageWriteError; a constraint or trigger refusal is a ConflictError."""
    try:
        yield
    except sqlcipher.Error as exc:
        raise translated(exc, write=True) from exc


# The vault's statements go through these, not through a context manager: they run for every
# statement, and a generator-based context manager per call was a sixth of a statement's cost
# in a first practice sync, which runs over a million (docs/BENCHMARKS.md, issue 20).
def executed(conn: sqlcipher.Connection, sql: str, params: Any) -> TranslatedCursor:
    """`conn.execute`, its errors translated as a write's."""
    try:
        return TranslatedCursor(conn.execute(sql, params))
    except sqlcipher.Error as exc:
        raise translated(exc, write=True) from exc


def executed_many(conn: sqlcipher.Connection, sql: str, rows: Any) -> None:
    """`conn.executemany` (one statement, many rows), its errors translated as a write's."""
    try:
        conn.executemany(sql, rows)
    except sqlcipher.Error as exc:
        raise translated(exc, write=True) from exc


def fetched(conn: sqlcipher.Connection, sql: str, params: Any, *, all_rows: bool) -> Any:
    """Every row (`all_rows`) or the first row of a query, its errors translated as a read's."""
    try:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if all_rows else cursor.fetchone()
    except sqlcipher.Error as exc:
        raise translated(exc, write=False) from exc


class TranslatedCursor:
    """The driver's cursor as `Vault.execute` returns it: rows fetched later (a SELECT run
    through `execute`) are translated like the statement itself; `lastrowid`, `rowcount` and
    the rest pass through."""

    def __init__(self, cursor: sqlcipher.Cursor) -> None:
        self._cursor = cursor

    def fetchone(self) -> Any:
        with translate_read_errors():
            return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        with translate_read_errors():
            return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        with translate_read_errors():
            yield from self._cursor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


def translated(exc: sqlcipher.Error, *, write: bool) -> Exception:
    """The KAP Notes error for a driver error (`write`: it came from a statement that writes)."""
    if _primary_code(exc) in (sqlcipher.SQLITE_CORRUPT, sqlcipher.SQLITE_NOTADB):
        return VaultDamagedError(DAMAGED_PAGE)
    if isinstance(exc, sqlcipher.IntegrityError):
        return ConflictError(_conflict_message(exc))
    if write:
        message = plain_write_error(exc)
        if message is not None:
            return StorageWriteError(message)
    return VaultUnavailableError(UNWRITABLE if write else UNREADABLE)


def _conflict_message(exc: sqlcipher.IntegrityError) -> str:
    text = str(exc)
    if "constraint failed" in text or not text:  # SQLite's own wording names tables, not us
        return CONSTRAINT
    # A trigger's RAISE(ABORT, …): our words, e.g. "signed note is locked; add an addendum".
    return f"The change was refused: {text}. Nothing was changed."


def _primary_code(exc: Exception) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def plain_write_error(exc: Exception) -> str | None:
    """Plain words for a write the disk or file refused, or None for any other error."""
    primary = _primary_code(exc)
    if primary == sqlcipher.SQLITE_FULL:
        return "The disk is full, so the last change was not saved. Free some space; "\
            "your text is still in the editor and will be saved again."
    if primary == sqlcipher.SQLITE_IOERR:
        return "The vault file could not be written (input/output error). Your text is "\
            "still in the editor; check the disk or folder, then it will be saved again."
    if primary == sqlcipher.SQLITE_READONLY:
        return "The vault file is read-only, so the last change was not saved. Your text is "\
            "still in the editor; make the file writable and it will be saved again."
    if primary == sqlcipher.SQLITE_CANTOPEN:
        return "The vault file can no longer be reached (moved or removed?). Your text is "\
            "still in the editor."
    if primary == sqlcipher.SQLITE_BUSY:
        return "The vault is busy in another process; the change was not saved. Try again."
    return None
