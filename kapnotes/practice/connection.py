"""Connections to the practice server, and its errors turned into one clear line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from kapnotes.domain.errors import KapNotesError, ValidationError

_MAX_DSN = 2000


class PracticeServerError(KapNotesError):
    """The practice server refused or could not be reached; the message says why."""


def checked_dsn(dsn: str) -> str:
    """A connection string bounded and parsed before use; TLS unless the DSN says otherwise."""
    if not dsn or len(dsn) > _MAX_DSN:
        raise ValidationError("--dsn", f"give a connection string of at most {_MAX_DSN} characters")
    try:
        params = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        raise ValidationError("--dsn", "not a PostgreSQL connection string") from None
    if "sslmode" not in params:
        params["sslmode"] = "require"
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items()})


def server_message(exc: psycopg.Error) -> str:
    """The server's primary message (our functions never put note contents in one);
    for a connection failure, its last line without the connection details."""
    diag = getattr(exc, "diag", None)
    primary = diag.message_primary if diag is not None else None
    if primary:
        return primary
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[-1] if lines else type(exc).__name__
    return re.sub(r"password=\S+", "password=…", text)


@contextmanager
def connect(dsn: str) -> Iterator[psycopg.Connection]:
    """A connection that turns any server failure into PracticeServerError."""
    try:
        conn = psycopg.connect(checked_dsn(dsn), connect_timeout=15)
    except psycopg.Error as exc:
        raise PracticeServerError(
            f"could not connect to the practice server: {server_message(exc)}") from None
    try:
        with conn:
            yield conn
    except psycopg.Error as exc:
        raise PracticeServerError(f"the practice server refused: {server_message(exc)}") from None
    finally:
        conn.close()
