"""`kapnotes check`'s whole-file checks, each run once, beside the records check.

SQLite's `integrity_check` (every b-tree page, every index entry against its row, the search
index against its content) runs in C with the interpreter's lock released, on its own
connection and thread, so on a machine with more than one core it proceeds while the calling
thread verifies the audit chain and the seals of signed notes in Python. Every page it reads
has its HMAC verified by SQLCipher as it is read; the pages it does not read (the free
list's leaves, anything past the database's end) are verified on a second thread by
`vault.page_problems` (`storage/page_macs.py`), which falls back to SQLCipher's
`cipher_integrity_check` (every page's HMAC, ~0.7 s more on the bench vault) where it does
not apply (docs/BENCHMARKS.md). The problems come back in the order
`vault.integrity_problems` gives them. `integrity_check`'s thread claims a core
(`read_ahead.claim_core`) until it ends, so where no core is left beside it, the records
check's reading thread yields to it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from kapnotes.storage import read_ahead
from kapnotes.storage.vault import CACHE_KIB, Vault, page_problems

CHECKS = ("integrity_check", "unread pages")
# integrity_check walks every b-tree, then reads every table again row by row to compare it
# with its indexes: with the usual 64 MB page cache, most pages of a larger vault are
# decrypted and verified twice (~0.7 s more CPU on the 277 MB bench vault, its longest
# thread). Its cache holds the whole file, up to this much memory (~170 MB more peak RSS on
# the bench vault), for as long as the check runs (docs/BENCHMARKS.md).
CHECK_CACHE_CAP_KIB = 384 * 1024
RECORDS_CACHE_KIB = 8 * 1024  # the audit and seal checks beside it (storage/lifecycle.py)


def check_cache_kib(path: Path) -> int:
    """integrity_check's page cache in KiB: the file's size plus SQLite's header per cached
    page (~6 %), at least the usual cache and at most `CHECK_CACHE_CAP_KIB`."""
    try:
        size_kib = path.stat().st_size // 1024
    except OSError:
        size_kib = 0
    return max(CACHE_KIB, min(CHECK_CACHE_CAP_KIB, size_kib + size_kib // 16))


class WholeFileChecks:
    """Started on creation; `problems()` waits for both and returns what they found."""

    def __init__(self, vault: Vault) -> None:
        self._found: dict[str, list[str]] = {}
        self._release_core = read_ahead.claim_core()  # before the records check starts
        self._threads = [threading.Thread(target=self._run, args=(vault, check),
                                          name=f"kapnotes-{check}", daemon=True)
                         for check in CHECKS]
        try:
            for thread in self._threads:
                thread.start()
        except BaseException:  # no thread to be had: nothing holds the core, none is left
            self._release_core()
            for thread in self._threads:
                if thread.ident is not None:
                    thread.join()
            raise

    def _run(self, vault: Vault, check: str) -> None:
        try:
            self._check(vault, check)
        finally:
            if check == "integrity_check":
                self._release_core()  # however it ended: its core is free again

    def _check(self, vault: Vault, check: str) -> None:
        try:
            sibling = vault.sibling()
        except Exception as exc:
            self._found[check] = [str(exc)]
            return
        try:
            if check == "integrity_check":
                sibling.conn.execute(f"PRAGMA cache_size = -{check_cache_kib(vault.path)}")
                rows = [r[0] for r in sibling.conn.execute("PRAGMA integrity_check")]
                self._found[check] = [r for r in rows if r != "ok"]
            else:
                self._found[check] = page_problems(sibling.conn, vault.data_key)
        except Exception as exc:
            self._found[check] = [str(exc)]
        finally:
            sibling.conn.close()

    def problems(self) -> list[str]:
        for thread in self._threads:
            thread.join()
        self._release_core()  # already released, unless a thread never ran
        return [p for check in CHECKS for p in self._found.get(check, [])]
