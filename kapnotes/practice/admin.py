"""Practice administration: clinician logins and care teams (`kapnotes practice …`).

A clinician's enrolment code is the first password of their database login: only its SCRAM
verifier is sent to the server (computed here by libpq), so the code never reaches a server
log; it is printed once and never stored by this side.
"""

from __future__ import annotations

import re
import secrets

import psycopg
from psycopg import sql

from kapnotes.domain.errors import ValidationError
from kapnotes.practice.connection import PracticeServerError, connect
from kapnotes.practice.protocol import ROLES

_LOGIN = re.compile(r"[a-z][a-z0-9_]{1,39}")
_CLIENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_RESERVED = ("kap_owner", "kap_clinician", "postgres", "kapadmin")
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread


def check_login(name: str, field: str = "--name") -> str:
    if not _LOGIN.fullmatch(name) or name in _RESERVED or name.startswith("pg_"):
        raise ValidationError(
            field, "use 2-40 lower-case letters, digits or _ starting with a letter "
                      "(it becomes the clinician's database login)")
    return name


def check_client_code(code: str) -> str:
    if not _CLIENT.fullmatch(code):
        raise ValidationError("--client", "use 1-40 letters, digits, '.', '_' or '-'")
    return code


def new_enrolment_code() -> str:
    """Five groups of five: about 124 bits, typed once on the workstation."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(25))
    return "-".join(chars[i:i + 5] for i in range(0, 25, 5))


def add_clinician(dsn: str, name: str, role: str) -> str:
    """Create the clinician's login in the role; returns the one-time enrolment code."""
    login = check_login(name)
    if role not in ROLES:
        raise ValidationError("--role", f"choose one of {', '.join(ROLES)}")
    code = new_enrolment_code()
    with connect(dsn) as conn:
        _require_schema(conn)
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
        if exists:
            raise PracticeServerError(f"a login named {login} already exists on this server")
        verifier = conn.pgconn.encrypt_password(
            code.encode(), login.encode(), b"scram-sha-256").decode("ascii")
        conn.execute(sql.SQL(
            "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS "
            "PASSWORD {} IN ROLE kap_clinician").format(
                sql.Identifier(login), sql.Literal(verifier)))
        conn.execute("INSERT INTO kap.clinicians (login, role) VALUES (%s, %s)", (login, role))
    return code


def new_code(dsn: str, name: str) -> str:
    """A new one-time enrolment code for an existing clinician's login (a new workstation, a
    code lost before use). It replaces the login's password, so the previous code, used or not,
    stops working, and so does the secret of the workstation that joined with it: that
    workstation's open connections are ended and its next sync is refused as a login (its
    unsent changes wait in its vault). One login syncs from one workstation at a time."""
    login = check_login(name)
    code = new_enrolment_code()
    with connect(dsn) as conn:
        _require_schema(conn)
        row = conn.execute("SELECT active FROM kap.clinicians WHERE login = %s",
                           (login,)).fetchone()
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
        if row is None or exists is None:
            raise ValidationError("--name", "no clinician by that name on this server "
                                            "(kapnotes practice add-clinician)")
        if not row[0]:
            raise PracticeServerError(f"{login} is not an active clinician of this practice")
        verifier = conn.pgconn.encrypt_password(
            code.encode(), login.encode(), b"scram-sha-256").decode("ascii")
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
            sql.Identifier(login), sql.Literal(verifier)))
        conn.commit()  # the new password holds before the old sessions are ended
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     " WHERE usename = %s AND pid <> pg_backend_pid()", (login,))
    return code


def assign(dsn: str, client: str, clinician: str) -> str:
    """Put the clinician on the client's care team in their role; returns that role.
    The client is registered on the server if it is not yet there."""
    code = check_client_code(client)
    login = check_login(clinician, "--clinician")
    with connect(dsn) as conn:
        _require_schema(conn)
        row = conn.execute("SELECT role FROM kap.clinicians WHERE login = %s AND active",
                           (login,)).fetchone()
        if row is None:
            raise ValidationError("--clinician", "no active clinician by that name on this server "
                                                 "(kapnotes practice add-clinician)")
        role = str(row[0])
        conn.execute("INSERT INTO kap.clients (code, created_by) VALUES (%s, session_user) "
                     "ON CONFLICT (code) DO NOTHING", (code,))
        conn.execute("INSERT INTO kap.care_team (client_code, login, role) VALUES (%s, %s, %s) "
                     "ON CONFLICT (client_code, login) DO UPDATE SET role = EXCLUDED.role",
                     (code, login, role))
    return role


def _require_schema(conn: psycopg.Connection) -> None:
    row = conn.execute("SELECT to_regclass('kap.clinicians') IS NOT NULL").fetchone()
    if not row or not row[0]:
        raise PracticeServerError("this server has no practice schema yet: run "
                                  "kapnotes practice setup --dsn … first")
