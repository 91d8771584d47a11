"""The whole-vault integrity check and the daily backup, run after the window is shown.

Both read and decrypt every page of the vault: seconds for a practice's years of notes. Run
on the GUI thread they kept the therapist waiting at every unlock; here they run on a worker
thread over a sibling connection (WAL lets it read while the window writes), and report back.
A vault that fails the check is reported at once, with the offer to restore a backup.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from kapnotes.domain.errors import KapNotesError
from kapnotes.storage.backups import RetentionPolicy, auto_backup_if_due
from kapnotes.storage.vault import Vault, integrity_problems

CHECK_CACHE_KIB = 4 * 1024
# The whole-file check runs at unlock and then once a day while the window stays open
# (a clinic workstation may never be closed): docs/RELIABILITY.md.
DAILY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class CheckOutcome:
    """What the background work found: integrity problems (empty when sound), backup note."""

    problems: tuple[str, ...]
    backup_note: str


def check_and_back_up(vault: Vault, retention: RetentionPolicy, *, backup: bool) -> CheckOutcome:
    """Integrity check, then (only when sound) the daily backup, on a sibling connection."""
    sibling = vault.sibling()
    try:
        # The check reads each page once: a page cache as large as the window's connection
        # (64 MB) would only hold pages never read again, and add that much to peak memory.
        sibling.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")
        problems = tuple(integrity_problems(sibling.conn))
        note = ""
        if backup and not problems:  # a damaged vault must not push out a good backup
            try:
                taken = auto_backup_if_due(sibling, policy=retention, verified=True)
                note = f"Backup saved: {taken.name}" if taken else ""
            except (KapNotesError, OSError) as exc:
                note = f"Automatic backup failed: {exc}"
    finally:
        with contextlib.suppress(Exception):
            sibling.close()
    return CheckOutcome(problems=problems, backup_note=note)


class _Worker(QThread):
    done = Signal(object)  # CheckOutcome

    def __init__(self, vault: Vault, retention: RetentionPolicy, backup: bool) -> None:
        super().__init__()
        self._vault = vault
        self._retention = retention
        self._backup = backup

    def run(self) -> None:
        try:
            outcome = check_and_back_up(self._vault, self._retention, backup=self._backup)
        except Exception as exc:  # reported, never raised into Qt's thread machinery
            outcome = CheckOutcome(problems=(f"the check could not run ({exc})",),
                                   backup_note="")
        self.done.emit(outcome)


class BackgroundChecks(QObject):
    """Starts the work and emits `finished(CheckOutcome)` on the GUI thread."""

    finished = Signal(object)

    def __init__(self, parent: QObject | None = None, *, every_ms: int = DAILY_MS) -> None:
        super().__init__(parent)
        self._worker: _Worker | None = None
        self._source: Callable[[], tuple[Vault, RetentionPolicy]] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(every_ms)
        self._timer.timeout.connect(self._again)

    def start(self, vault: Vault, retention: RetentionPolicy, *, backup: bool = True) -> None:
        if self.running:
            return  # the check still running will report; never two readers at once
        self._worker = _Worker(vault, retention, backup)
        self._worker.done.connect(self.finished)
        self._worker.start()

    def repeat(self, source: Callable[[], tuple[Vault, RetentionPolicy]]) -> None:
        """Run the check (and the backup, if due) again every `every_ms` on the vault that
        `source` gives then: a restore may have replaced the one open now."""
        self._source = source
        self._timer.start()

    def stop_repeating(self) -> None:
        self._timer.stop()

    def _again(self) -> None:
        if self._source is not None:
            self.start(*self._source())

    def wait(self, timeout_ms: int = 600_000) -> bool:
        """Block until the work is done (before closing the vault); True when finished."""
        return self._worker.wait(timeout_ms) if self._worker is not None else True

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.isRunning()
