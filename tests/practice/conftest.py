"""A real PostgreSQL practice server for the practice tests.

KAPNOTES_TEST_PRACTICE_DSN (set by .ci/run after `scripts/practice_server.sh start`) names
it; otherwise the session starts one with the same script (idempotent, under a file lock so
xdist workers share it) and skips, with the script's reason, only if it cannot. Each test gets
its own fresh database, so tests never see each other's rows; clinician logins are
cluster-wide, so tests name them with a random suffix (tests/practice/practice_helpers.py).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

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
def practice_dsn(practice_server_dsn: str) -> Iterator[str]:
    """The administrator's DSN to a fresh, empty database of its own."""
    name = f"kaptest_{uuid.uuid4().hex[:12]}"
    maintenance = make_conninfo(practice_server_dsn, dbname="postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo(practice_server_dsn, dbname=name)
    finally:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


@pytest.fixture
def run_kapnotes(tmp_path: Path) -> RunKapnotes:
    """The real console entry, as a subprocess."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kapnotes", *args], capture_output=True,
                              text=True, cwd=tmp_path, stdin=subprocess.DEVNULL, timeout=120,
                              check=False)

    return run
