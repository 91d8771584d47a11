"""Sync on the wire: push one operation, pull pages of the change log (docs/PRACTICE-SERVER.md).

The only module that talks to the practice server for sync. Every call is its own server
transaction (the connection is in autocommit), so an operation the server applied stays
applied whatever happens to the connection after; the workstation retries with the same
operation id and the server answers `duplicate`. A refusal is a PracticeRefused carrying the
server's one line (which names client, kind and row, never the payload) and its SQLSTATE; a
connection that cannot be made or is lost is PracticeUnreachable: the data waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from kapnotes.domain.sync_ops import IncomingRow, OutgoingOp
from kapnotes.practice.connection import PracticeServerError, server_message
from kapnotes.practice.protocol import OP_SCHEMA_VERSION

PAGE_LIMIT = 5000  # the server returns at most this many rows per pull
# SQLSTATE classes that say "not now" rather than "no": connection trouble (08), the server
# shutting down or a cancelled statement (57), resources (53, 58), a retryable rollback (40).
_TRANSIENT_CLASSES = ("08", "40", "53", "57", "58")
# A server that needs upgrading refuses every operation alike: stop, keep them waiting.
UPGRADE_NEEDED = "0A000"

_CONNECT_OPTIONS: dict[str, Any] = {
    "connect_timeout": 10, "autocommit": True,
    # A network that silently drops is noticed in about a minute, not hours.
    "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
    "options": "-c statement_timeout=120000",
}


class PracticeRefused(PracticeServerError):
    """The server said no to this operation; `sqlstate` says which kind of no."""

    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


class PracticeUnreachable(PracticeServerError):
    """The server could not be reached, or the connection was lost: try again later."""


class PracticeLoginRefused(PracticeServerError):
    """The server answered but would not let this login in: waiting will not help."""


# libpq gives no SQLSTATE for a failed connection, only the server's FATAL line.
_LOGIN_REFUSED = ("password authentication failed", "does not exist", "no pg_hba.conf entry",
                  "is not permitted to log in")


@dataclass(frozen=True)
class PushResult:
    seq: int | None  # None for a conflict (nothing was written)
    outcome: str     # applied | duplicate | conflict
    row_version: int


def open_connection(dsn: str) -> psycopg.Connection:
    """A connection for one sync: autocommit (each call its own transaction), TLS as the DSN
    says, keepalives so a dead network is noticed."""
    try:
        return psycopg.connect(dsn, **_CONNECT_OPTIONS)
    except psycopg.Error as exc:
        reason = server_message(exc)
        if "FATAL" in str(exc) and any(m in str(exc) for m in _LOGIN_REFUSED):
            raise PracticeLoginRefused(
                f"the practice server refused this workstation's login ({reason}); the changes "
                "wait in this vault: ask the practice administrator to restore the login"
            ) from None
        raise PracticeUnreachable(
            f"could not connect to the practice server: {reason}") from None


def push(conn: psycopg.Connection, op: OutgoingOp) -> PushResult:
    """Send one operation; the server applies it at most once per op_id."""
    row = _fetch(conn, "SELECT seq, outcome, row_version FROM kap.push("
                       "%s::uuid, %s, %s, %s::uuid, %s, %s, %s)",
                 (op.op_id, op.client_code, op.kind, op.row_uuid, op.base_version,
                  OP_SCHEMA_VERSION, Jsonb(op.payload)))
    if not row or row[0][1] not in ("applied", "duplicate", "conflict"):
        raise PracticeServerError("the practice server gave an answer this KAP Notes does not "
                                  "understand; upgrade KAP Notes on this workstation")
    seq, outcome, version = row[0]
    return PushResult(None if seq is None else int(seq), str(outcome), int(version))


def pull(conn: psycopg.Connection, after: int, limit: int = 1000) -> list[IncomingRow]:
    """The rows this login may read with a sequence number after `after`, in order."""
    return _rows(_fetch(conn, f"SELECT {_COLUMNS} FROM kap.pull(%s, %s)",
                        (after, _bounded(limit))))


def pull_client(conn: psycopg.Connection, client_code: str, after: int, upto: int,
                limit: int = 1000) -> list[IncomingRow]:
    """One client's rows in (after, upto]: the back-fill of a newly assigned client."""
    return _rows(_fetch(conn, f"SELECT {_COLUMNS} FROM kap.pull_client(%s, %s, %s, %s)",
                        (client_code, after, upto, _bounded(limit))))


def head_seq(conn: psycopg.Connection) -> int:
    """The newest sequence number on the server."""
    row = _fetch(conn, "SELECT kap.head_seq()", ())
    return int(row[0][0]) if row and row[0][0] is not None else 0


def my_clients(conn: psycopg.Connection) -> set[str]:
    """The client codes on this login's care teams."""
    return {str(r[0]) for r in _fetch(conn, "SELECT * FROM kap.my_clients()", ())}


_COLUMNS = "seq, author, kind, client_code, row_id, row_version, payload"


def _bounded(limit: int) -> int:
    return max(1, min(int(limit), PAGE_LIMIT))


def _rows(raw: list[tuple[Any, ...]]) -> list[IncomingRow]:
    rows = []
    for seq, author, kind, client, row_id, version, payload in raw:
        if not isinstance(payload, dict):
            raise PracticeServerError(f"the practice server sent {kind} {row_id} of client "
                                      f"{client} without a JSON object; it was not applied")
        rows.append(IncomingRow(int(seq), str(author), str(kind), str(client), str(row_id),
                                int(version), payload))
    return rows


def _fetch(conn: psycopg.Connection, query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    try:
        return conn.execute(query, params).fetchall()
    except psycopg.Error as exc:
        raise _classified(exc) from None


def _classified(exc: psycopg.Error) -> PracticeServerError:
    sqlstate = exc.sqlstate or ""
    lost = not sqlstate and isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)
    if lost or sqlstate[:2] in _TRANSIENT_CLASSES:
        return PracticeUnreachable(
            f"the connection to the practice server was lost: {server_message(exc)}")
    if not sqlstate:
        return PracticeServerError(f"the practice server call failed: {server_message(exc)}")
    return PracticeRefused(server_message(exc), sqlstate)
