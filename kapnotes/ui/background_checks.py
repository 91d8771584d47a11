"""The whole-vault integrity check and the daily backup, run after the window is shown.

Both read and decrypt every page of the vault: seconds for a practice's years of notes. Run
on the GUI thread they kept the therapist waiting at every unlock; here they run on a worker
thread over a sibling connection (WAL lets it read while the window writes), and report back.
A vault that fails the check is reported at once, with the offer to restore a backup.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal

# The work itself is a service (kapnotes/services/vault_backups.py); this module runs it off
# the GUI thread.
from kapnotes.services.vault_access import Vault
from kapnotes.services.vault_backups import CheckOutcome, RetentionPolicy, check_and_back_up

__all__ = ["BackgroundChecks", "CheckOutcome", "check_and_back_up"]

# The whole-file check runs at unlock and then once a day while the window stays open
# (a clinic workstation may never be closed): docs/RELIABILITY.md.
DAILY_MS = 24 * 60 * 60 * 1000


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
