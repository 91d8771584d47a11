"""One query's rows read by another thread on its own connection, ahead of the caller.

SQLite steps a statement with the interpreter's lock released, so a query that costs
seconds of C (seal_sql's document of every signed note, ~0.9 s on the bench vault) can run
on a second core while the calling thread works through the rows already read, and through
its own reads on its own connection (docs/BENCHMARKS.md). The rows come back in the
query's order, in batches; at most `depth` batches wait, so memory stays bounded whatever
the table's size, and the second connection's page cache is as large as the caller's.
An error in the reading thread is raised in the caller, as the same statement and
`fetchmany` on the vault's own connection would raise it (a sibling is a `Vault` too).
Without a key to open a second connection (a raw connection, e.g. during a migration), the
query runs in the caller.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

_DONE = object()
_WAIT_S = 0.1  # how often a blocked reader looks whether the caller has stopped reading


def batches(db: Any, sql_of: Callable[[Any], str], *, size: int = 500,
            depth: int = 8) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of `sql_of(connection)` in batches of `size`; the SQL is built on the
    connection that runs it (it may read the schema)."""
    if getattr(db, "data_key", None) is None or not hasattr(db, "sibling"):
        cursor = db.execute(sql_of(db))
        while batch := cursor.fetchmany(size):
            yield batch
        return
    reader = _Reader(db, sql_of, size, depth)
    reader.start()
    try:
        while (item := reader.items.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        reader.stop.set()
        reader.join()


class _Reader(threading.Thread):
    def __init__(self, vault: Any, sql_of: Callable[[Any], str], size: int,
                 depth: int) -> None:
        super().__init__(name="kapnotes-read-ahead", daemon=True)
        self._vault, self._sql_of, self._size = vault, sql_of, size
        self._cache_size = vault.execute("PRAGMA cache_size").fetchone()[0]
        self.items: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            sibling = self._vault.sibling()
        except BaseException as exc:  # handed to the caller, raised there
            self._put(exc)
            return
        try:
            sibling.execute(f"PRAGMA cache_size = {int(self._cache_size)}")  # the caller's
            cursor = sibling.execute(self._sql_of(sibling))
            while not self.stop.is_set() and (batch := cursor.fetchmany(self._size)):
                self._put(batch)
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
