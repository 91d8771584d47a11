"""A workstation joining the practice server with a clinician's one-time enrolment code.

The code is the login's first password. Joining replaces it with a long random secret that
only the vault keeps, so the code is used up and the secret never passes through a person.
Only the new secret's SCRAM verifier is sent to the server.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from kapnotes.domain.errors import ValidationError
from kapnotes.practice.admin import check_login
from kapnotes.practice.connection import PracticeServerError, checked_dsn, server_message

# Connection details a vault keeps; never a password, a passfile or another login.
_DROPPED = ("password", "passfile", "user")


@dataclass(frozen=True)
class PracticeLink:
    """How this vault reaches the practice server: what `sync` will connect with."""

    conninfo: str  # host, port, database, TLS settings; no credentials
    login: str
    secret: str

    def dsn(self) -> str:
        return make_conninfo(self.conninfo, user=self.login, password=self.secret)


def link_for(dsn: str, login: str | None) -> tuple[str, str]:
    """(connection details without credentials, login) from the DSN and --name."""
    params = {k: str(v) for k, v in conninfo_to_dict(checked_dsn(dsn)).items()}
    name = login or params.get("user", "")
    if not name:
        raise ValidationError("--name", "give the clinician's login name (or user= in --dsn)")
    for key in _DROPPED:
        params.pop(key, None)
    return make_conninfo(**params), check_login(name)


def same_server(conninfo: str, other: str) -> bool:
    """Whether two saved links name one server and database (host, port, database)."""
    def where(text: str) -> tuple[str, str, str]:
        params = {k: str(v) for k, v in conninfo_to_dict(text).items()}
        return (params.get("host", "").lower(), params.get("port", "5432"),
                params.get("dbname", ""))
    try:
        return where(conninfo) == where(other)
    except psycopg.ProgrammingError:  # an unreadable saved link: treat as another server
        return False


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def rotate(conninfo: str, login: str, code: str, secret: str) -> None:
    """Log in with the enrolment code and replace it with `secret`."""
    if not code or len(code) > 100:
        raise ValidationError("--code", "give the enrolment code add-clinician printed")
    try:
        conn = psycopg.connect(make_conninfo(conninfo, user=login, password=code.strip()),
                               connect_timeout=15, autocommit=True)
    except psycopg.OperationalError:
        raise PracticeServerError(
            "the practice server did not accept that login and enrolment code (a code "
            "works once; ask the practice administrator for a new one)") from None
    except psycopg.Error as exc:
        raise PracticeServerError(f"could not connect to the practice server: "
                                  f"{server_message(exc)}") from None
    try:
        member = conn.execute("SELECT pg_has_role(current_user, 'kap_clinician', 'MEMBER')")
        row = member.fetchone()
        if not row or not row[0]:
            raise PracticeServerError(f"{login} is not a clinician login of this practice")
        verifier = conn.pgconn.encrypt_password(secret.encode(), login.encode(),
                                                b"scram-sha-256").decode("ascii")
        conn.execute(sql.SQL("ALTER ROLE CURRENT_USER PASSWORD {}").format(
            sql.Literal(verifier)))
    except psycopg.Error as exc:
        raise PracticeServerError(f"the practice server refused: {server_message(exc)}") from None
    finally:
        conn.close()
