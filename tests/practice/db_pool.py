"""Databases with the practice schema, reused between tests instead of one CREATE DATABASE …
TEMPLATE and one DROP DATABASE per test (each ~8 MB copied through the WAL, and each drop
waits for a checkpoint: ~17 of the server's ~50 s of CPU in tests/practice/).

A used database goes back to a fresh copy's state before the next test has it:
  - every session on it is ended and it is renamed to a new unique name, so nothing from the
    test that used it (a thread, a killed `kapnotes sync`) can reach it under its old name;
  - the tables whose rows changed are emptied (TRUNCATE, append-only triggers off for that
    transaction) and the rows a fresh copy holds (roles, permissions, schema steps …) copied
    back in their order; every sequence is set back, and the planner's statistics and table
    sizes are made the copy's again;
  - `fingerprint` then reads its whole state (every row in physical order, every sequence,
    the catalog entries of every object outside PostgreSQL's own schemas, comments, how many
    objects of any other kind there are, statistics, the database's own settings and grants)
    and compares it with a fresh copy's: any difference (a test that created, altered or
    granted something) and it is dropped and replaced by a new copy.
    tests/practice/test_practice_db_pool.py checks this against pg_dump.
What is not the same is below what SQL shows: rows copied back sit packed in their pages,
where a fresh copy's page still holds the row versions setup's own UPDATEs left dead.
Clinician logins are cluster-wide, as with fresh copies: tests name them uniquely.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

# Objects of PostgreSQL itself are left out; everything else is the schema's or a test's.
_USER_NS = ("SELECT oid FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', "
            "'information_schema') AND nspname NOT LIKE 'pg\\_toast%' "
            "AND nspname NOT LIKE 'pg\\_temp%'")
_USER_REL = f"SELECT oid FROM pg_class WHERE relnamespace IN ({_USER_NS})"

# Catalog rows of the database's own objects, as text; what TRUNCATE or the cluster changes
# by itself (file numbers, freeze horizons) is left out.
_CATALOG = f"""
SELECT 'namespace ' || to_jsonb(n)::text FROM pg_namespace n WHERE oid IN ({_USER_NS})
UNION ALL SELECT 'class ' || (to_jsonb(c) - 'relfilenode' - 'relfrozenxid' - 'relminmxid')::text
    FROM pg_class c WHERE oid IN ({_USER_REL})
UNION ALL SELECT 'attribute ' || to_jsonb(a)::text FROM pg_attribute a
    WHERE attrelid IN ({_USER_REL})
UNION ALL SELECT 'attrdef ' || to_jsonb(d)::text FROM pg_attrdef d WHERE adrelid IN ({_USER_REL})
UNION ALL SELECT 'constraint ' || to_jsonb(k)::text FROM pg_constraint k
    WHERE connamespace IN ({_USER_NS}) OR conrelid IN ({_USER_REL})
UNION ALL SELECT 'index ' || to_jsonb(i)::text FROM pg_index i WHERE indrelid IN ({_USER_REL})
UNION ALL SELECT 'trigger ' || to_jsonb(t)::text FROM pg_trigger t WHERE tgrelid IN ({_USER_REL})
UNION ALL SELECT 'policy ' || to_jsonb(p)::text FROM pg_policy p WHERE polrelid IN ({_USER_REL})
UNION ALL SELECT 'rewrite ' || to_jsonb(r)::text FROM pg_rewrite r WHERE ev_class IN ({_USER_REL})
UNION ALL SELECT 'sequence ' || to_jsonb(s)::text FROM pg_sequence s
    WHERE seqrelid IN ({_USER_REL})
UNION ALL SELECT 'proc ' || to_jsonb(f)::text FROM pg_proc f WHERE pronamespace IN ({_USER_NS})
UNION ALL SELECT 'type ' || to_jsonb(y)::text FROM pg_type y WHERE typnamespace IN ({_USER_NS})
UNION ALL SELECT 'statistic ' || to_jsonb(s)::text FROM pg_statistic s
    WHERE starelid IN ({_USER_REL})
UNION ALL SELECT 'statistic_ext ' || to_jsonb(e)::text FROM pg_statistic_ext e
    WHERE stxrelid IN ({_USER_REL})
UNION ALL SELECT 'default_acl ' || to_jsonb(a)::text FROM pg_default_acl a
UNION ALL SELECT 'extension ' || to_jsonb(x)::text FROM pg_extension x
UNION ALL SELECT 'event_trigger ' || to_jsonb(e)::text FROM pg_event_trigger e
UNION ALL SELECT 'publication ' || to_jsonb(p)::text FROM pg_publication p
UNION ALL SELECT 'large_object ' || to_jsonb(l)::text FROM pg_largeobject_metadata l
UNION ALL SELECT 'description ' || to_jsonb(d)::text FROM pg_description d WHERE objoid >= 16384
UNION ALL SELECT 'seclabel ' || to_jsonb(l)::text FROM pg_seclabel l WHERE objoid >= 16384
UNION ALL SELECT 'cast ' || to_jsonb(c)::text FROM pg_cast c WHERE oid >= 16384
UNION ALL SELECT 'operator ' || to_jsonb(o)::text FROM pg_operator o WHERE oid >= 16384
UNION ALL SELECT 'database ' || (to_jsonb(d) - 'oid' - 'datname' - 'datfrozenxid'
    - 'datminmxid')::text FROM pg_database d WHERE datname = current_database()
UNION ALL SELECT 'db_setting ' || (to_jsonb(s) - 'setdatabase')::text FROM pg_db_role_setting s
    JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database()
UNION ALL SELECT 'prepared ' || gid FROM pg_prepared_xacts WHERE database = current_database()
"""


@dataclass(frozen=True)
class _Fresh:
    """What a fresh copy holds, read once from one."""

    tables: list[str]  # quoted names, every ordinary table outside PostgreSQL's schemas
    rows: dict[str, bytes]  # table -> COPY text of its rows, physical order (non-empty only)
    sequences: dict[str, tuple[int, bool]]  # sequence -> (last_value, is_called)
    analysed: list[str]  # tables whose planner statistics a fresh copy has
    sizes: list[tuple[int, int, float, int]]  # (oid, relpages, reltuples, relallvisible)
    lines: dict[str, str]  # table -> digest line of its rows
    referencing: dict[str, set[str]]  # table -> tables whose foreign keys point at it
    catalogs: list[str]  # PostgreSQL's catalogs of this database's objects
    fingerprint: str


def fingerprint(conn: psycopg.Connection, tables: list[str], sequences: list[str],
                catalogs: list[str]) -> str:
    """A digest of the database's whole state, in one round trip: catalog entries of its own
    objects, how many objects of every other kind it has, every table's rows in physical
    order, every sequence's position."""
    query = sql.SQL("SELECT md5(string_agg(line, E'\\n' ORDER BY line)) FROM ({} UNION ALL {}"
                    "{}) AS all_lines(line)").format(
                        sql.SQL(_CATALOG), _data(tables, sequences), _objects(catalogs))
    row = conn.execute(query).fetchone()
    return row[0] if row else ""


def _data(tables: list[str], sequences: list[str]) -> sql.Composable:
    """One line per table (a digest of its rows in physical order) and per sequence."""
    parts: list[sql.Composable] = []
    for table in tables:
        parts.append(sql.SQL(
            "SELECT 'rows {name} ' || md5(coalesce(string_agg(t::text, E'\\n' "
            "ORDER BY t.ctid), '')) FROM {table} t").format(
                name=sql.SQL(table.replace("'", "''")), table=sql.SQL(table)))
    for sequence in sequences:
        parts.append(sql.SQL(
            "SELECT 'sequence {name} ' || last_value || ' ' || is_called FROM {seq}").format(
                name=sql.SQL(sequence.replace("'", "''")), seq=sql.SQL(sequence)))
    return sql.SQL(" UNION ALL ").join(parts) if parts else sql.SQL("SELECT NULL::text")


def _objects(catalogs: list[str]) -> sql.Composable:
    """Per catalog of this database: how many objects it holds that initdb did not make (a
    collation, an operator class … a test made), and their oids."""
    return sql.SQL("").join(sql.SQL(
        " UNION ALL SELECT 'objects {name} ' || count(*) || ' ' || coalesce(sum(oid::int8), 0)"
        " FROM pg_catalog.{table} WHERE oid >= 16384").format(
            name=sql.SQL(c), table=sql.Identifier(c)) for c in catalogs)


def _data_lines(conn: psycopg.Connection, tables: list[str]) -> dict[str, str]:
    """Each table's line of `_data`, by table."""
    if not tables:
        return {}
    lines = [r[0] for r in conn.execute(_data(tables, []))]
    return {line.rsplit(" ", 1)[0].removeprefix("rows "): line for line in lines}


def read_fresh(dsn: str) -> _Fresh:
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            f"SELECT oid::regclass::text FROM pg_class WHERE relkind IN ('r', 'p') "
            f"AND oid IN ({_USER_REL}) ORDER BY 1").fetchall()]
        sequences = [r[0] for r in conn.execute(
            f"SELECT oid::regclass::text FROM pg_class WHERE relkind = 'S' "
            f"AND oid IN ({_USER_REL}) ORDER BY 1").fetchall()]
        rows: dict[str, bytes] = {}
        for table in tables:
            with conn.cursor().copy(sql.SQL("COPY {} TO STDOUT").format(sql.SQL(table))) as copy:
                data = b"".join(bytes(chunk) for chunk in copy)
            if data:
                rows[table] = data
        positions = {}
        for sequence in sequences:
            last, called = conn.execute(sql.SQL("SELECT last_value, is_called FROM {}").format(
                sql.SQL(sequence))).fetchone() or (1, False)
            positions[sequence] = (int(last), bool(called))
        analysed = [r[0] for r in conn.execute(
            f"SELECT DISTINCT starelid::regclass::text FROM pg_statistic "
            f"WHERE starelid IN ({_USER_REL}) ORDER BY 1").fetchall()]
        sizes = [(int(r[0]), int(r[1]), float(r[2]), int(r[3])) for r in conn.execute(
            f"SELECT oid, relpages, reltuples, relallvisible FROM pg_class "
            f"WHERE oid IN ({_USER_REL})").fetchall()]
        referencing: dict[str, set[str]] = {}
        for referenced, by in conn.execute(
                f"SELECT confrelid::regclass::text, conrelid::regclass::text FROM pg_constraint "
                f"WHERE contype = 'f' AND conrelid IN ({_USER_REL})").fetchall():
            referencing.setdefault(referenced, set()).add(by)
        # Every catalog of the database's own (not the cluster's roles and databases) whose
        # rows are objects with an oid.
        catalogs = [r[0] for r in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
            "WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r' "
            "AND NOT c.relisshared AND a.attname = 'oid' ORDER BY 1").fetchall()]
        return _Fresh(tables, rows, positions, analysed, sizes, _data_lines(conn, tables),
                      referencing, catalogs, fingerprint(conn, tables, sequences, catalogs))


def reset(dsn: str, fresh: _Fresh) -> bool:
    """Put a used database back to `fresh`; True when its fingerprint then equals a fresh
    copy's (False: it must not be used again)."""
    with psycopg.connect(dsn) as conn:
        with conn.transaction():
            # Only the tables whose rows changed are emptied (each TRUNCATE makes new files and
            # builds its indexes anew), with every table whose foreign keys point at them.
            now = _data_lines(conn, fresh.tables)
            changed = {t for t in fresh.tables if now.get(t) != fresh.lines[t]}
            while grown := {r for t in changed for r in fresh.referencing.get(t, ())} - changed:
                changed |= grown
            # Replica mode: the append-only triggers (kap.refuse_change) and the trigger that
            # copies register lines do not fire while the fresh rows are put back.
            conn.execute("SET LOCAL session_replication_role = replica")
            if changed:
                conn.execute(sql.SQL("TRUNCATE {}").format(
                    sql.SQL(", ").join(sql.SQL(t) for t in sorted(changed))))
            for table in sorted(changed & fresh.rows.keys()):
                with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(
                        sql.SQL(table))) as copy:
                    copy.write(fresh.rows[table])
            for sequence, (last, called) in fresh.sequences.items():
                conn.execute("SELECT setval(%s::regclass, %s, %s)", (sequence, last, called))
            # The planner's view of the tables is the fresh copy's again: what autovacuum
            # learnt during the test goes, the fresh copy's statistics come back.
            conn.execute(f"DELETE FROM pg_statistic WHERE starelid IN ({_USER_REL})")
            for table in fresh.analysed:
                conn.execute(sql.SQL("ANALYZE {}").format(sql.SQL(table)))
            if fresh.sizes:
                conn.execute(
                    "UPDATE pg_class c SET relpages = s.pages, reltuples = s.tuples, "
                    "relallvisible = s.visible FROM unnest(%s::oid[], %s::int[], %s::real[], "
                    "%s::int[]) AS s(oid, pages, tuples, visible) WHERE c.oid = s.oid",
                    [list(col) for col in zip(*fresh.sizes, strict=True)])
        conn.execute("SELECT pg_stat_reset()")  # activity counters, as a new database's
        conn.commit()
        return fingerprint(conn, fresh.tables, list(fresh.sequences),
                           fresh.catalogs) == fresh.fingerprint


class SchemaPool:
    """One worker's reusable copies of the schema template (two: one in use while the other
    is reset on the worker's background thread)."""

    SIZE = 2

    def __init__(self, server_dsn: str, create: Callable[[str], None]) -> None:
        self._server_dsn = server_dsn
        self._create = create  # makes a fresh copy of the template under the given name
        self._ready: list[str] = []
        self._count = 0
        self._fresh: _Fresh | None = None
        self._cond = threading.Condition()
        self.replaced = 0  # copies dropped instead of reused
        self.faults: list[str] = []  # resets that failed (not a copy a test changed)

    def take(self) -> str:
        with self._cond:
            while not self._ready and self._count >= self.SIZE:
                if not self._cond.wait(timeout=120):  # a fault on the background thread
                    raise RuntimeError("no practice database came back from its reset")
            if self._ready:
                return self._ready.pop()
            self._count += 1
        name = unique_name()
        try:
            self._create(name)
            if self._fresh is None:
                self._fresh = read_fresh(self.dsn(name))
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify_all()
            raise
        return name

    def give_back(self, conn: psycopg.Connection, name: str) -> None:
        """Reset a used copy (on the background thread, with its own maintenance connection):
        back in the pool, or dropped if a reset cannot make it a fresh copy's equal."""
        renamed = None
        try:
            renamed = _rename(conn, name)
            if self._fresh is not None and reset(self.dsn(renamed), self._fresh):
                with self._cond:
                    self._ready.append(renamed)
                    self._cond.notify_all()
                return
        except Exception as exc:  # a new copy takes its place; the session's end reports it
            self.faults.append(f"reset of {name}: {exc!r}")
        self.replaced += 1
        try:
            drop(conn, renamed or name)
        finally:
            with self._cond:  # a new copy takes its place
                self._count -= 1
                self._cond.notify_all()

    def drain(self) -> list[str]:
        """The ready copies, taken out of the pool (to be dropped at the session's end)."""
        with self._cond:
            names, self._ready = self._ready, []
            self._count -= len(names)
            return names

    def dsn(self, name: str) -> str:
        return make_conninfo(self._server_dsn, dbname=name)



def _rename(conn: psycopg.Connection, name: str) -> str:
    """End every session on the copy and give it a new name: a straggler from the test that
    used it (a thread, a killed sync) finds no database under the old name."""
    new = unique_name()
    for _ in range(500):
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        try:
            conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(name), sql.Identifier(new)))
            return new
        except psycopg.errors.ObjectInUse:
            time.sleep(0.01)  # a terminated session has not exited yet
    raise psycopg.errors.ObjectInUse(f"sessions on {name} did not end")


def drop(conn: psycopg.Connection, name: str) -> None:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def unique_name() -> str:
    return f"kaptest_{uuid.uuid4().hex[:12]}"
