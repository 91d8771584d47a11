"""Storage-test helpers: a raw keyed connection (as an attacker or a newer app would use) and
file digests to prove that a refused operation wrote nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kapnotes.storage import lifecycle
from kapnotes.storage.vault import connect_keyed

RawConnect = Callable[[Path, str], Any]
Digests = Callable[[Path], dict[str, str]]


@pytest.fixture
def raw_connect() -> Iterator[RawConnect]:
    """Open a vault file with its key but none of the app's checks; closed after the test."""
    opened: list[Any] = []

    def connect(path: Path, passphrase: str) -> Any:
        conn = connect_keyed(path, lifecycle.data_key_for(path, passphrase=passphrase))
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture
def digests() -> Digests:
    """name → sha256 of every file in a folder (lock files aside: they only name a holder)."""
    return _digests
