"""Helpers for the practice-server tests: clinicians and their own connections."""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from kapnotes.practice import admin
from kapnotes.practice.protocol import OP_SCHEMA_VERSION


def unique_login(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def clinician_dsn(admin_dsn: str, login: str, code: str) -> str:
    """The clinician's own connection: their login and enrolment code, the admin's TLS setup."""
    params = conninfo_to_dict(admin_dsn)
    params.pop("passfile", None)
    params.update(user=login, password=code)
    return make_conninfo(**{k: str(v) for k, v in params.items()})


def enrol(admin_dsn: str, prefix: str, role: str, *clients: str) -> str:
    """A new clinician on the given care teams; returns their own DSN."""
    login = unique_login(prefix)
    code = admin.add_clinician(admin_dsn, login, role)
    for client in clients:
        admin.assign(admin_dsn, client, login)
    return clinician_dsn(admin_dsn, login, code)


def push(dsn: str, client: str, kind: str, row_id: uuid.UUID, payload: dict[str, Any], *,
         base_version: int | None = None, op_id: uuid.UUID | None = None,
         schema_version: int = OP_SCHEMA_VERSION) -> tuple[int | None, str, int]:
    """kap.push called by hand with the clinician's login, as any client program could."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT seq, outcome, row_version FROM kap.push(%s, %s, %s, %s, %s, %s, %s)",
            (op_id or uuid.uuid4(), client, kind, row_id, base_version, schema_version,
             json.dumps(payload))).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def pull(dsn: str, after: int = 0) -> list[tuple[int, str, str, uuid.UUID, dict[str, Any]]]:
    """(seq, client, kind, row id, payload) of everything the clinician may read after seq."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT seq, client_code, kind, row_id, payload FROM kap.pull(%s)", (after,))
        return [tuple(r) for r in rows.fetchall()]  # type: ignore[misc]
