"""`storage/read_ahead.py`: reads run on another thread and connection, as `kapnotes
check` reads its seal documents (kapnotes/storage/seal_sql.py). What the reads yield must
reach the caller in order, an error must reach the caller, and a caller that stops early
must leave no reading thread or connection behind. Where no core is free for the reading
thread beside the caller's and those another thread claimed (`kapnotes check`'s
integrity_check, kapnotes/storage/file_checks.py), it runs at a lower priority."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kapnotes.domain.errors import KapNotesError
from kapnotes.storage import file_checks, read_ahead

_SQL = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2345)"
        " SELECT i, printf('row %d', i) FROM n")


def _readers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kapnotes-read-ahead"]


def _batches(sql: str, size: int = 100) -> Any:
    def produce(conn: Any) -> Iterator[list[Any]]:
        cursor = conn.execute(sql)
        while batch := cursor.fetchmany(size):
            yield batch
    return produce


@pytest.fixture
def cores(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Sets how many cores the process may use, as the OS would say (the machine may
    have fewer or more than a test needs)."""
    def set_cores(count: int) -> None:
        monkeypatch.setattr(read_ahead, "usable_cores", lambda: count)
    set_cores(4)
    return set_cores


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _reader_yields(open_vault: Any) -> bool:
    """Whether the reads ran on the reading thread at a lower priority than the caller's."""
    seen: list[tuple[str, int]] = []

    def produce(conn: Any) -> Iterator[int]:
        seen.append((threading.current_thread().name, _nice()))
        yield 1
    assert list(read_ahead.items(open_vault, produce)) == [1]
    (name, nice), = seen
    assert name == "kapnotes-read-ahead"
    assert nice in (_nice(), _nice() + read_ahead.YIELD_NICE)
    return nice != _nice()


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or _nice() > 19 - read_ahead.YIELD_NICE,
    reason="threads have their own priority on Linux, and room to lower it below this one")


def test_reads_come_back_in_order_from_another_thread(open_vault: Any, cores: Any) -> None:
    seen_on: list[str] = []

    def produce(conn: Any) -> Iterator[list[Any]]:
        seen_on.append(threading.current_thread().name)
        assert conn is not open_vault  # the reads run on the sibling connection
        yield from _batches(_SQL)(conn)

    got = [row for batch in read_ahead.items(open_vault, produce, depth=2) for row in batch]
    assert [tuple(r) for r in got] == [tuple(r) for r in open_vault.execute(_SQL).fetchall()]
    assert len(got) == 2345
    assert seen_on == ["kapnotes-read-ahead"]
    assert _readers() == []


def test_an_error_in_the_reader_is_raised_in_the_caller(open_vault: Any) -> None:
    bad = "SELECT no_such_column FROM sessions"
    with pytest.raises(KapNotesError) as inline:
        open_vault.execute(bad)
    with pytest.raises(type(inline.value)):
        for _batch in read_ahead.items(open_vault, _batches(bad)):
            pass
    assert _readers() == []


def test_a_caller_that_stops_early_leaves_no_reader_behind(open_vault: Any) -> None:
    batches = read_ahead.items(open_vault, _batches(_SQL, size=10), depth=1)
    first = next(batches)
    assert [r[0] for r in first] == list(range(1, 11))
    batches.close()  # the reader was blocked on a full queue
    assert _readers() == []


def test_the_reader_uses_the_callers_cache_size(open_vault: Any) -> None:
    open_vault.execute("PRAGMA cache_size = -1234")
    sizes = [row[0] for batch in read_ahead.items(open_vault, _batches("PRAGMA cache_size"))
             for row in batch]
    assert sizes == [-1234]


def test_a_raw_connection_reads_in_the_caller(open_vault: Any) -> None:
    threads: list[str] = []

    def produce(conn: Any) -> Iterator[list[Any]]:
        threads.append(threading.current_thread().name)
        yield from _batches(_SQL)(conn)

    got = [r for batch in read_ahead.items(open_vault.conn, produce) for r in batch]
    assert len(got) == 2345 and threads == [threading.current_thread().name]


@linux_only
def test_the_reader_yields_where_no_core_is_free_for_it(open_vault: Any, cores: Any) -> None:
    cores(2)
    assert not _reader_yields(open_vault)
    release = read_ahead.claim_core()  # one core busy: the caller has the other
    try:
        assert _reader_yields(open_vault)
        cores(3)
        assert not _reader_yields(open_vault)
        cores(1)
    finally:
        release()
    assert _reader_yields(open_vault)  # one core: the reader only fills the caller's waits
    assert _readers() == []


@linux_only
def test_a_claim_released_twice_is_released_once(open_vault: Any, cores: Any) -> None:
    cores(2)
    first, second = read_ahead.claim_core(), read_ahead.claim_core()
    try:
        first()
        first()  # must not give back the second claim's core as well
        assert _reader_yields(open_vault)
    finally:
        second()
    assert not _reader_yields(open_vault)


@linux_only
def test_the_integrity_check_holds_its_core_while_it_runs(
        open_vault: Any, cores: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`kapnotes check` runs integrity_check on its own thread: while it runs on two cores,
    the seal documents' reader yields to it; once it is done, its core is free."""
    cores(2)
    started, go_on = threading.Event(), threading.Event()
    cache_kib = file_checks.check_cache_kib

    def held_until_told(path: Path) -> int:  # the check's first step waits for the test
        started.set()
        go_on.wait(10)
        return cache_kib(path)
    monkeypatch.setattr(file_checks, "check_cache_kib", held_until_told)
    checks = file_checks.WholeFileChecks(open_vault)
    try:
        assert started.wait(10)
        assert _reader_yields(open_vault)
    finally:
        go_on.set()
    for thread in threading.enumerate():  # done: the check gives its core back by itself
        if thread.name == "kapnotes-integrity_check":
            thread.join(10)
    assert not _reader_yields(open_vault)
    assert checks.problems() == []
