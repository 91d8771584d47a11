"""Failed unlock attempts, counted until the next successful unlock writes them to the audit log.

A wrong passphrase cannot write to the vault (the key is what is missing), so failures are
kept in memory and, to survive a restart, in a tiny file beside the vault holding ONLY a
count and two UTC timestamps — never the attempted text, never a hash of it. The next
successful unlock appends one `vault.unlock_failed` entry and removes the file.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from kapnotes.domain.errors import ValidationError
from kapnotes.storage.atomic import write_atomically

# The counter is read before the unlock dialog shows; SQLCipher is not, nor `datetime` and
# `dataclasses` (~2 ms of that start-up), which only a failure or a wait needs.
if TYPE_CHECKING:
    from datetime import datetime

    from kapnotes.storage.vault import Vault

EVENT = "vault.unlock_failed"
FREE_ATTEMPTS = 2
MAX_DELAY_S = 300
SUFFIX = ".unlock-failures"
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def delay_after(failures: int) -> int:
    """Seconds to wait after `failures` wrong attempts: 0, 0, then 5, 10, 20 … up to 5 min.

    One rule for every way in: the unlock dialog, the lock screen and the CLI."""
    if failures <= FREE_ATTEMPTS:
        return 0
    return min(5 * 2 ** min(failures - FREE_ATTEMPTS - 1, 16), MAX_DELAY_S)


def counter_file_for(vault_path: Path) -> Path:
    return vault_path.with_name(vault_path.name + SUFFIX)


class FailedUnlocks:
    """The failures since the last successful unlock of one vault (memory first, file second)."""

    def __init__(self, path: Path, count: int = 0, first_utc: str = "",
                 last_utc: str = "") -> None:
        self.path = path  # the counter file
        self.count = count
        self.first_utc = first_utc
        self.last_utc = last_utc

    def __repr__(self) -> str:
        return (f"FailedUnlocks(path={self.path!r}, count={self.count}, "
                f"first_utc={self.first_utc!r}, last_utc={self.last_utc!r})")

    @classmethod
    def for_vault(cls, vault_path: Path) -> FailedUnlocks:
        found = cls(path=counter_file_for(vault_path))
        found._load()
        return found

    def _load(self) -> None:
        if not self.path.is_file():
            return  # the usual case: no failures since the last unlock
        # The bounded reader (regexes, a dataclass) loads only for a file to read, not before
        # every unlock dialog.
        from kapnotes.domain.bounded_input import read_json_bounded

        try:
            doc = read_json_bounded(self.path, limit=4096, label=self.path.name)
            count = int(doc.get("count", 0))
            first, last = str(doc.get("first_utc", "")), str(doc.get("last_utc", ""))
        except (ValidationError, ValueError, TypeError, AttributeError):
            return  # no file, or a damaged one: nothing trustworthy to add
        self.count = max(0, count)
        self.first_utc, self.last_utc = first[:20], last[:20]

    def note_failure(self, now: datetime | None = None) -> int:
        """One more wrong passphrase or recovery key; the new count."""
        from datetime import UTC, datetime

        stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)
        self.count += 1
        self.first_utc = self.first_utc or stamp
        self.last_utc = stamp
        doc = {"count": self.count, "first_utc": self.first_utc, "last_utc": self.last_utc}
        with contextlib.suppress(OSError):
            # A read-only folder must not stop the unlock screen; the memory count still holds.
            write_atomically(self.path, (json.dumps(doc) + "\n").encode())
        return self.count

    def wait_left(self, now: datetime | None = None) -> int:
        """Seconds until the next attempt is allowed (0: now), from the recorded failures.

        Counted from the last failure's time in the counter file, so starting a new process
        (a script calling `kapnotes` in a loop) does not reset the slow-down."""
        delay = delay_after(self.count)
        if delay <= 0 or not self.last_utc:
            return 0
        from datetime import UTC, datetime

        try:
            last = datetime.strptime(self.last_utc, _STAMP).replace(tzinfo=UTC)
        except ValueError:
            return delay
        elapsed = ((now or datetime.now(UTC)) - last).total_seconds()
        return max(0, min(delay, int(delay - elapsed + 0.999)))

    def detail(self) -> str:
        times = f", first {self.first_utc}, last {self.last_utc}" if self.first_utc else ""
        return f"{self.count} failed attempt{'s' if self.count != 1 else ''}{times}"

    def record_and_clear(self, vault: Vault) -> bool:
        """After a successful unlock: one audit entry for the failures, then forget them."""
        from kapnotes.storage import audit  # a vault is open by now

        if self.count <= 0:
            self.clear()
            return False
        audit.record(vault, EVENT, record_type="vault", outcome="refused", detail=self.detail())
        self.clear()
        return True

    def clear(self) -> None:
        self.count, self.first_utc, self.last_utc = 0, "", ""
        with contextlib.suppress(FileNotFoundError, OSError):
            self.path.unlink()
