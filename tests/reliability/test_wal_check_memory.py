"""The WAL check at unlock reads a large log one frame at a time: a WAL left at tens of MB (a
long transaction, a crash before the checkpoint at close) must not be held in memory whole,
or every unlock (and the window's peak memory while its background check runs) grows with it.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
from pathlib import Path

from kapnotes.storage.wal_check import inspect_wal


def _large_wal(tmp_path: Path, megabytes: int) -> Path:
    db = tmp_path / "plain.db"
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")  # everything stays in the log
        conn.execute("CREATE TABLE t (x BLOB)")
        with conn:
            conn.executemany("INSERT INTO t VALUES (randomblob(3000))",
                             [()] * (megabytes * 1024 * 1024 // 3000))
        copy = tmp_path / "copy.kapnotes-wal"
        shutil.copyfile(db.with_name(db.name + "-wal"), copy)  # as a crash leaves it
    finally:
        conn.close()
    return copy


class _CountingFile(io.BufferedReader):
    largest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        _CountingFile.largest = max(_CountingFile.largest, len(data))
        return data


class _WatchedPath(type(Path())):  # type: ignore[misc]
    def open(self, mode: str = "r", *args: object, **kw: object) -> io.BufferedReader:
        assert mode == "rb"
        return _CountingFile(io.FileIO(self, "rb"))


def test_a_large_wal_is_checked_without_holding_it_in_memory(tmp_path: Path) -> None:
    wal = _large_wal(tmp_path, 6)
    assert wal.stat().st_size > 6 * 1024 * 1024
    _CountingFile.largest = 0
    report = inspect_wal(_WatchedPath(wal))
    assert report is not None and report.frames > 1400
    assert report.valid == report.frames and not report.ends_early  # whole, and all read
    assert 0 < _CountingFile.largest <= 24 + 65536  # one frame at most, not the 6 MB file
