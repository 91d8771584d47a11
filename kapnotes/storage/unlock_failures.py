"""Failed unlock attempts, counted until the next successful unlock writes them to the audit log.

A wrong passphrase cannot write to the vault (the key is what is missing), so failures are
kept in memory and, to survive a restart, in a tiny file beside the vault holding ONLY a
count and two UTC timestamps — never the attempted text, never a hash of it. The next
successful unlock appends one `vault.unlock_failed` entry and removes the file.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kapnotes.domain.bounded_input import read_json_bounded
from kapnotes.domain.errors import ValidationError
from kapnotes.storage import audit
from kapnotes.storage.atomic import write_atomically
from kapnotes.storage.vault import Vault

EVENT = "vault.unlock_failed"
SUFFIX = ".unlock-failures"
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def counter_file_for(vault_path: Path) -> Path:
    return vault_path.with_name(vault_path.name + SUFFIX)


@dataclass
class FailedUnlocks:
    """The failures since the last successful unlock of one vault (memory first, file second)."""

    path: Path  # the counter file
    count: int = 0
    first_utc: str = ""
    last_utc: str = ""

    @classmethod
    def for_vault(cls, vault_path: Path) -> FailedUnlocks:
        found = cls(path=counter_file_for(vault_path))
        found._load()
        return found

    def _load(self) -> None:
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
        stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)
        self.count += 1
        self.first_utc = self.first_utc or stamp
        self.last_utc = stamp
        doc = {"count": self.count, "first_utc": self.first_utc, "last_utc": self.last_utc}
        with contextlib.suppress(OSError):
            # A read-only folder must not stop the unlock screen; the memory count still holds.
            write_atomically(self.path, (json.dumps(doc) + "\n").encode())
        return self.count

    def detail(self) -> str:
        times = f", first {self.first_utc}, last {self.last_utc}" if self.first_utc else ""
        return f"{self.count} failed attempt{'s' if self.count != 1 else ''}{times}"

    def record_and_clear(self, vault: Vault) -> bool:
        """After a successful unlock: one audit entry for the failures, then forget them."""
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
