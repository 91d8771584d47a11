"""Create or migrate the practice server's schema (`kapnotes practice setup`).

Steps are the SQL files in kapnotes/practice/schema/, applied in order once each, recorded in
kap.schema_migrations, inside one transaction that holds an advisory lock so two setups
cannot interleave. Objects belong to kap_owner, which is not a superuser, so the change
log's FORCE ROW LEVEL SECURITY binds even the push/pull functions.
"""

from __future__ import annotations

import re
from importlib import resources

import psycopg

from kapnotes.practice.connection import PracticeServerError, connect

_SETUP_LOCK = 0x4B41_5031  # "KAP1": one setup at a time per database

# Cluster-wide roles (a race between two databases' setups is harmless: both exist after).
_ROLES_SQL = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kap_owner') THEN
        BEGIN
            CREATE ROLE kap_owner NOLOGIN NOSUPERUSER NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kap_clinician') THEN
        BEGIN
            CREATE ROLE kap_clinician NOLOGIN NOSUPERUSER NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
END $$
"""


def schema_steps() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every shipped step, in order."""
    folder = resources.files("kapnotes.practice") / "schema"
    steps = []
    for entry in folder.iterdir():
        match = re.fullmatch(r"(\d{4})_[a-z0-9_]+\.sql", entry.name)
        if match:
            steps.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(steps)


def setup(dsn: str) -> list[str]:
    """Bring the server's schema up to date; returns the steps applied (empty: already so)."""
    applied: list[str] = []
    with connect(dsn) as conn:
        _require_admin(conn)
        conn.execute(_ROLES_SQL)
        conn.commit()
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SETUP_LOCK,))
            conn.execute("CREATE SCHEMA IF NOT EXISTS kap AUTHORIZATION kap_owner")
            conn.execute("GRANT CREATE, USAGE ON SCHEMA kap TO kap_owner")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS kap.schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())")
            conn.execute("ALTER TABLE kap.schema_migrations OWNER TO kap_owner")
            done = {row[0] for row in conn.execute("SELECT version FROM kap.schema_migrations")}
            newest_known = max((v for v, _n, _s in schema_steps()), default=0)
            if done and max(done) > newest_known:
                raise PracticeServerError(
                    f"the practice server's schema (step {max(done)}) is newer than this "
                    f"KAP Notes knows (step {newest_known}); upgrade KAP Notes")
            conn.execute("SET LOCAL ROLE kap_owner")
            for version, name, sql in schema_steps():
                if version in done:
                    continue
                conn.execute(sql.encode("utf-8"))  # bytes: no client-side parameter parsing
                conn.execute("INSERT INTO kap.schema_migrations (version, name) VALUES (%s, %s)",
                             (version, name))
                applied.append(name)
            conn.execute("RESET ROLE")
    return applied


def _require_admin(conn: psycopg.Connection) -> None:
    row = conn.execute(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone()
    if not row or not row[0]:
        raise PracticeServerError(
            "practice setup needs the server's administrator login (a superuser), "
            "not a clinician's")
