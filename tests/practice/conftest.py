"""A real PostgreSQL practice server for the practice tests.

KAPNOTES_TEST_PRACTICE_DSN (set by .ci/run after `scripts/practice_server.sh start`) names
it; otherwise the session starts one with the same script (idempotent, under a file lock so
xdist workers share it) and skips, with the script's reason, only if it cannot. Each test gets
a database of its own, so tests never see each other's rows; clinician logins are
cluster-wide, so tests name them with a random suffix (tests/practice/practice_helpers.py).

A test that needs the schema but does not test `setup` itself takes `practice_schema_dsn`: a
copy (CREATE DATABASE … TEMPLATE) of a database that server_schema.setup set up once for this
schema, instead of running every step again (~0.1 s of DDL per test); copies are reused,
put back to a fresh copy's exact state between tests (tests/practice/db_pool.py).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from kapnotes.practice import server_schema
from tests.practice import db_pool

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "practice_server.sh"

RunKapnotes = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def practice_server_dsn() -> Iterator[str]:
    dsn = os.environ.get("KAPNOTES_TEST_PRACTICE_DSN")
    if dsn:
        yield dsn
        return
    lock_path = ROOT / ".practice-server.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        was_running = _script("dsn").returncode == 0
        result = _script("start")
    if result.returncode != 0:
        pytest.skip(f"no practice server: {result.stderr.strip() or result.stdout.strip()}")
    yield result.stdout.strip().splitlines()[-1]
    # A server this run started is stopped again, unless other xdist workers may still use
    # it (then `make practice-server-stop` stops it; .ci/run starts and stops its own).
    if not was_running and "PYTEST_XDIST_WORKER" not in os.environ:
        _script("stop")


def _script(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), command], capture_output=True, text=True,
                          timeout=180, check=False)


@pytest.fixture
def practice_dsn(practice_databases: _Databases) -> Iterator[str]:
    """The administrator's DSN to a fresh, empty database of its own."""
    with practice_databases.fresh() as dsn:
        yield dsn


@pytest.fixture
def practice_schema_dsn(practice_databases: _Databases,
                        practice_schema_template: str) -> Iterator[str]:
    """The administrator's DSN to a database of its own, the practice schema already set up:
    a copy of the session's template, or one a previous test used and that was put back to
    exactly such a copy's state (tests/practice/db_pool.py). Tests of `setup` itself take
    `practice_dsn`."""
    with practice_databases.schema_copy(practice_schema_template) as dsn:
        yield dsn


@pytest.fixture
def server(practice_schema_dsn: str) -> str:
    """The practice server's database a test's workstations join (a module may override it,
    e.g. to choose a jurisdiction first)."""
    return practice_schema_dsn


@pytest.fixture(scope="session")
def practice_databases(practice_server_dsn: str) -> Iterator[_Databases]:
    databases = _Databases(practice_server_dsn)
    yield databases
    failed = databases.close()
    assert not failed, f"test databases not reset or not dropped: {failed}"


_TEMPLATE_LOCK = 0x4B41_5054  # "KAPT": one worker builds the template, the others wait


@pytest.fixture(scope="session")
def practice_schema_template(practice_server_dsn: str) -> str:
    """A database set up by server_schema.setup, named after what setup would do (its module
    and every step), built once per server: kept for the next run, replaced when the schema
    changes. It takes no connections, so CREATE DATABASE … TEMPLATE never finds one."""
    name = _template_name()
    with psycopg.connect(_maintenance(practice_server_dsn), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_TEMPLATE_LOCK,))  # until disconnected
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return name
        building = f"{name}_building"
        # Left half-built by an interrupted run. Templates of other schemas stay: another
        # checkout may be using this server (KAPNOTES_TEST_PRACTICE_DSN) at the same time.
        db_pool.drop(conn, building)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
        server_schema.setup(make_conninfo(practice_server_dsn, dbname=building))
        conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(
            sql.Identifier(building)))
        conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
            sql.Identifier(building), sql.Identifier(name)))
    return name


def _template_name() -> str:
    digest = hashlib.sha256(Path(server_schema.__file__).read_bytes())
    for version, file_name, text in server_schema.schema_steps():
        digest.update(f"{version}\0{file_name}\0{text}\0".encode())
    return f"kaptest_template_{digest.hexdigest()[:12]}"


class _Databases:
    """This worker's test databases: fresh ones made on one kept connection, and the schema
    pool's copies (tests/practice/db_pool.py). Drops and resets run on another connection in
    a thread: in PostgreSQL 15 each DROP DATABASE waits for a checkpoint, and a reset need not
    hold up the next test. Every database is dropped before the session ends."""

    def __init__(self, server_dsn: str) -> None:
        self.server_dsn = server_dsn
        self._conn = psycopg.connect(_maintenance(server_dsn), autocommit=True)
        self._pool: db_pool.SchemaPool | None = None
        self._work: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._failed: list[str] = []
        self._worker = threading.Thread(target=self._background, name="practice-db-drops",
                                        daemon=True)
        self._worker.start()

    @contextmanager
    def fresh(self, template: str | None = None) -> Iterator[str]:
        name = db_pool.unique_name()
        self.create(name, template)
        try:
            yield make_conninfo(self.server_dsn, dbname=name)
        finally:
            self._work.put(("drop", name))

    @contextmanager
    def schema_copy(self, template: str) -> Iterator[str]:
        if self._pool is None:
            self._pool = db_pool.SchemaPool(self.server_dsn,
                                            lambda name: self.create(name, template))
        name = self._pool.take()
        try:
            yield make_conninfo(self.server_dsn, dbname=name)
        finally:
            self._work.put(("reset", name))

    def create(self, name: str, template: str | None) -> None:
        """A new database, empty or a copy of `template`; the caller drops it."""
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            create = sql.SQL("{} TEMPLATE {}").format(create, sql.Identifier(template))
        if self._conn.broken:
            self._conn = psycopg.connect(_maintenance(self.server_dsn), autocommit=True)
        self._conn.execute(create)
        # Commits in it do not wait for their WAL to reach the disk (~1-2 ms each here, a
        # few thousand in the fault harness): that only matters if the server crashes,
        # which no test does to this shared server (a restart test has its own,
        # private_server.py), and what every session sees, and when, stays the same.
        self._conn.execute(sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(
            sql.Identifier(name)))

    def close(self) -> list[str]:
        """Wait for every reset and drop, drop the pool; returns the resets and drops that
        failed."""
        self._work.put(None)
        self._worker.join()
        if self._pool is not None:
            self._failed.extend(self._pool.faults)
            for name in self._pool.drain():
                try:
                    db_pool.drop(self._conn, name)
                except psycopg.Error as exc:
                    self._failed.append(f"{name}: {exc}")
        self._conn.close()
        return self._failed

    def _background(self) -> None:
        try:
            with psycopg.connect(_maintenance(self.server_dsn), autocommit=True) as conn:
                while (item := self._work.get()) is not None:
                    what, name = item
                    try:
                        if what == "reset" and self._pool is not None:
                            self._pool.give_back(conn, name)
                        else:
                            db_pool.drop(conn, name)
                    except psycopg.Error as exc:
                        self._failed.append(f"{name}: {exc}")
        except psycopg.Error as exc:
            self._failed.append(f"no connection to drop them: {exc}")


def _maintenance(server_dsn: str) -> str:
    return make_conninfo(server_dsn, dbname="postgres")


@pytest.fixture
def run_kapnotes(tmp_path: Path) -> RunKapnotes:
    """The real console entry, as a subprocess."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kapnotes", *args], capture_output=True,
                              text=True, cwd=tmp_path, stdin=subprocess.DEVNULL, timeout=120,
                              check=False)

    return run
