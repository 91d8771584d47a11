"""The reused schema databases (tests/practice/db_pool.py): a used copy is put back to exactly
a fresh copy's state, checked with pg_dump (every object, grant and row, in order) and the
planner's statistics; a copy a test changed beyond its rows is replaced, never reused."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from tests.practice import db_pool
from tests.practice.practice_helpers import enrol, push
from tests.practice.private_server import _bindir

CLIENT = "KAP-0950"


@pytest.fixture
def pool(practice_databases, practice_schema_template: str) -> Iterator[db_pool.SchemaPool]:
    made: list[str] = []

    def create(name: str) -> None:
        practice_databases.create(name, practice_schema_template)
        made.append(name)

    pool = db_pool.SchemaPool(practice_databases.server_dsn, create)
    yield pool
    with psycopg.connect(pool.dsn("postgres"), autocommit=True) as conn:
        for name in {*made, *pool.drain()}:  # a renamed one the test took, it drops itself
            db_pool.drop(conn, name)


def _dump(dsn: str) -> list[str]:
    out = subprocess.run([str(_bindir() / "pg_dump"), "--dbname", dsn], capture_output=True,
                         text=True, check=True, timeout=120)
    # \restrict carries a random key per run; the rest names no database.
    return [line for line in out.stdout.splitlines()
            if not line.startswith(("\\restrict", "\\unrestrict"))]


def _planner_view(dsn: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn) as conn:
        sizes = conn.execute(
            "SELECT relname, relpages, reltuples, relallvisible FROM pg_class "
            "WHERE relnamespace = 'kap'::regnamespace ORDER BY relname").fetchall()
        stats = conn.execute(
            "SELECT tablename, attname, null_frac, n_distinct, most_common_vals::text, "
            "histogram_bounds::text, correlation FROM pg_stats WHERE schemaname = 'kap' "
            "ORDER BY 1, 2").fetchall()
    return [*sizes, *stats]


def _use_hard(dsn: str) -> psycopg.Connection:
    """What tests do to a copy: clinicians, pushes, register lines, a changed permission,
    fresh statistics; returns a session left open inside a transaction."""
    therapist = enrol(dsn, "ther", "therapist", CLIENT)
    for n in range(40):
        push(therapist, CLIENT, "vitals", uuid.uuid4(), {"hr": 60 + n})
    with psycopg.connect(dsn) as conn:
        conn.execute("INSERT INTO kap.stock_lines SELECT seq, op_id, author, client_code, "
                     "row_id, row_version, schema_version, payload, received_at "
                     "FROM kap.change_log")
        conn.execute("UPDATE kap.role_permissions SET may_read = false WHERE kind = 'vitals'")
        conn.execute("ANALYZE")
    left_open = psycopg.connect(dsn)
    left_open.execute("SELECT count(*) FROM kap.change_log")
    return left_open


def test_a_used_copy_is_put_back_to_exactly_a_fresh_copys_state(
        pool: db_pool.SchemaPool, practice_databases,
        practice_schema_template: str) -> None:
    used = pool.take()
    left_open = _use_hard(pool.dsn(used))
    with psycopg.connect(pool.dsn("postgres"), autocommit=True) as conn:
        pool.give_back(conn, used)
        assert not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                (used,)).fetchone(), "the old name still reaches it"
    with pytest.raises(psycopg.OperationalError):
        left_open.execute("SELECT 1")  # the straggler's session was ended
    left_open.close()
    assert (pool.replaced, pool.faults) == (0, [])
    again = pool.take()
    assert again != used
    fresh = db_pool.unique_name()
    practice_databases.create(fresh, practice_schema_template)
    try:
        assert _dump(pool.dsn(again)) == _dump(pool.dsn(fresh))
        assert _planner_view(pool.dsn(again)) == _planner_view(pool.dsn(fresh))
    finally:
        with psycopg.connect(pool.dsn("postgres"), autocommit=True) as conn:
            db_pool.drop(conn, fresh)
            db_pool.drop(conn, again)


@pytest.mark.parametrize("change", [
    "CREATE TABLE kap.extra (x integer)",
    "GRANT SELECT ON kap.clients TO kap_clinician",
    "CREATE FUNCTION public.extra() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
    "ALTER TABLE kap.clients ADD CHECK (code <> '')",
    "ALTER DATABASE {name} SET work_mem = '8MB'",
    "CREATE COLLATION public.extra (provider = icu, locale = 'und')",
    "COMMENT ON TABLE kap.clients IS 'changed'",
])
def test_a_copy_changed_beyond_its_rows_is_replaced_not_reused(
        pool: db_pool.SchemaPool, change: str) -> None:
    used = pool.take()
    with psycopg.connect(pool.dsn(used), autocommit=True) as conn:
        conn.execute(sql.SQL(change).format(name=sql.Identifier(used)))
    with psycopg.connect(pool.dsn("postgres"), autocommit=True) as conn:
        oid = conn.execute("SELECT oid FROM pg_database WHERE datname = %s", (used,)).fetchone()
        pool.give_back(conn, used)
        assert not conn.execute("SELECT 1 FROM pg_database WHERE oid = %s", oid).fetchone()
    assert (pool.replaced, pool.faults) == (1, [])  # replaced for its change, not a fault
    assert pool.drain() == []  # nothing went back into the pool
