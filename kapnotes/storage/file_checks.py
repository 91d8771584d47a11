"""`kapnotes check`'s whole-file checks, each run once, beside the records check.

SQLite's `integrity_check` (every b-tree page, every index entry against its row, the search
index against its content) and SQLCipher's `cipher_integrity_check` (every page's HMAC,
pages no b-tree reaches included) run in C with the interpreter's lock released. Each gets
its own connection and thread, so on a machine with more than one core they proceed while
the calling thread verifies the audit chain and the seals of signed notes in Python; on the
bench vault that is ~3.7 s of checks no longer added to ~4 s of seals (docs/BENCHMARKS.md).
The problems come back in the order `vault.integrity_problems` gives them.
"""

from __future__ import annotations

import threading

from kapnotes.storage.vault import Vault

PRAGMAS = ("integrity_check", "cipher_integrity_check")


class WholeFileChecks:
    """Started on creation; `problems()` waits for both and returns what they found."""

    def __init__(self, vault: Vault) -> None:
        self._found: dict[str, list[str]] = {}
        self._threads = [threading.Thread(target=self._run, args=(vault, pragma),
                                          name=f"kapnotes-{pragma}", daemon=True)
                         for pragma in PRAGMAS]
        for thread in self._threads:
            thread.start()

    def _run(self, vault: Vault, pragma: str) -> None:
        try:
            sibling = vault.sibling()
        except Exception as exc:
            self._found[pragma] = [str(exc)]
            return
        try:
            rows = [r[0] for r in sibling.conn.execute(f"PRAGMA {pragma}").fetchall()]
            self._found[pragma] = [r for r in rows if r != "ok"]
        except Exception as exc:
            self._found[pragma] = [str(exc)]
        finally:
            sibling.conn.close()

    def problems(self) -> list[str]:
        for thread in self._threads:
            thread.join()
        return [p for pragma in PRAGMAS for p in self._found.get(pragma, [])]
