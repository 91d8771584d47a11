"""Reads run by another thread on its own connection, ahead of the caller.

SQLite steps a statement with the interpreter's lock released, so a query that costs
seconds of C (seal_sql's document of every signed note, ~0.9 s on the bench vault) can run
on a second core while the calling thread works through what was already read, and through
its own reads on its own connection (docs/BENCHMARKS.md). Only while it turns a row into
Python objects does the reading thread need the interpreter's lock, and each time it waits
for the calling thread to let go of it: so the reads that pay here return few, large rows
(seal_sql renders ~500 notes into one text per row). `produce(connection)` runs on the
reading thread and yields what the caller receives, in order; at most `depth` items wait,
so memory stays bounded whatever the vault's size, and the second connection's page cache
is as large as the caller's. An error in the reading thread is raised in the caller, as the
same reads on the vault's own connection would raise it (a sibling is a `Vault` too).
Without a key to open a second connection (a raw connection, e.g. during a migration),
`produce` runs in the caller.

Where no core is free for the reading thread beside the caller's, it yields: `kapnotes
check` keeps one core busy with `integrity_check` (kapnotes.storage.file_checks, which
claims it here), and on a two-core machine a third thread at the same priority slowed that
check, while reading in the caller made the seal check the longest part wherever the notes
are sealed in the latest form. At a lower priority (`YIELD_NICE`) the reader runs mostly
when the caller waits for it, and at full speed once `integrity_check` is done: the fastest
of the three on both kinds of vault (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
_DONE = object()
_WAIT_S = 0.1  # how often a blocked reader looks whether the caller has stopped reading
YIELD_NICE = 5  # how much lower the reader's priority is where no core is free for it


_claimed = 0  # cores other threads of this process keep busy (`claim_core`)
_claims = threading.Lock()


class _Claim:
    def __init__(self) -> None:
        global _claimed
        with _claims:
            _claimed += 1
        self._held = True

    def __call__(self) -> None:
        global _claimed
        with _claims:
            if self._held:
                self._held = False
                _claimed -= 1


def claim_core() -> Callable[[], None]:
    """Say that a thread of this process keeps one core busy until the returned function is
    called (calling it again does nothing)."""
    return _Claim()


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _core_is_free() -> bool:
    """A core left for a reading thread beside the caller's and the claimed ones."""
    with _claims:
        return usable_cores() - _claimed >= 2


def items(db: Any, produce: Callable[[Any], Iterator[T]], *, depth: int = 4) -> Iterator[T]:
    """What `produce(connection)` yields, read on another thread and connection (at a
    lower priority where no core is free for it)."""
    if getattr(db, "data_key", None) is None or not hasattr(db, "sibling"):
        yield from produce(db)
        return
    reader = _Reader(db, produce, depth, yields=not _core_is_free())
    reader.start()
    try:
        while (item := reader.items.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        reader.stop.set()
        reader.join()


def _lower_own_priority() -> None:
    """This thread's nice value raised by YIELD_NICE (Linux gives each thread its own; an
    unprivileged process may lower its priority, never raise it)."""
    if sys.platform.startswith("linux"):
        thread = threading.get_native_id()
        try:
            os.setpriority(os.PRIO_PROCESS, thread,
                           os.getpriority(os.PRIO_PROCESS, thread) + YIELD_NICE)
        except OSError:  # not allowed here: the reader runs as it is
            pass


class _Reader(threading.Thread):
    def __init__(self, vault: Any, produce: Callable[[Any], Iterator[Any]],
                 depth: int, *, yields: bool) -> None:
        super().__init__(name="kapnotes-read-ahead", daemon=True)
        self._vault, self._produce, self._yields = vault, produce, yields
        self._cache_size = vault.execute("PRAGMA cache_size").fetchone()[0]
        self.items: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self.stop = threading.Event()

    def run(self) -> None:
        if self._yields:
            _lower_own_priority()
        try:
            sibling = self._vault.sibling()
        except BaseException as exc:  # handed to the caller, raised there
            self._put(exc)
            return
        try:
            sibling.execute(f"PRAGMA cache_size = {int(self._cache_size)}")  # the caller's
            for item in self._produce(sibling):
                if self.stop.is_set():
                    break
                self._put(item)
            self._put(_DONE)
        except BaseException as exc:  # handed to the caller, raised there
            self._put(exc)
        finally:
            sibling.conn.close()

    def _put(self, item: Any) -> None:
        while not self.stop.is_set():
            try:
                self.items.put(item, timeout=_WAIT_S)
            except queue.Full:
                continue
            return
