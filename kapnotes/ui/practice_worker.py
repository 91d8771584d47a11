"""The background sync of a joined vault: `services.practice_sync.sync_once` on a worker thread.

It runs every minute and a few seconds after the window writes (debounced, so a burst of
autosaves makes one sync), never two at once, over a second connection to the vault
(`vault.sibling()`, as ui/background_checks.py does): typing never waits for the network.
What the sync writes is announced by the services through the vault's change hub, which the
sibling's hub shares (kapnotes/services/changes.py, `twin`), so the views hear it through their
Qt adapter on the GUI thread. The worker also collects those changes and hands them back with
the report, so the window knows which open note a sync touched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.changes import Changes, hub
from kapnotes.services.vault_access import Vault

if TYPE_CHECKING:
    from kapnotes.services.practice_sync import SyncReport

EVERY_MS = 60_000  # a quiet workstation still hears its colleagues' work within a minute
AFTER_WRITE_MS = 3_000  # a burst of autosaves makes one sync, soon after the last


@dataclass(frozen=True)
class SyncOutcome:
    """One run: the service's report (None when it could not run), and what it changed."""

    report: SyncReport | None
    error: str
    changes: Changes | None
    finished_at: datetime


class _SyncThread(QThread):
    done = Signal(object)  # SyncOutcome

    def __init__(self, vault: Vault) -> None:
        super().__init__()
        self._vault = vault

    def run(self) -> None:
        collected: list[Changes] = []
        me = threading.get_ident()

        def collect(changes: Changes) -> None:
            if threading.get_ident() == me:  # this sync's own writes, not the window's
                collected.append(changes)

        report: SyncReport | None = None
        error = ""
        sibling: Vault | None = None
        try:
            from kapnotes.services import practice_sync  # psycopg only for a joined vault

            sibling = self._vault.sibling()
            hub(sibling).subscribe(collect)
            try:
                report = practice_sync.sync_once(sibling)
            finally:
                hub(sibling).unsubscribe(collect)
            error = report.error
        except KapNotesError as exc:
            error = exc.message
        except Exception as exc:  # reported in the status bar, never raised into Qt's threads
            error = f"the sync could not run ({type(exc).__name__})"
        finally:
            if sibling is not None:
                sibling.close()
        merged: Changes | None = None
        for changes in collected:
            merged = changes if merged is None else merged | changes
        self.done.emit(SyncOutcome(report, error, merged, datetime.now()))


class SyncRunner(QObject):
    """Starts syncs of the vault `source()` gives at that moment (a restore may swap it) and
    emits `finished(SyncOutcome)` on the GUI thread; `started()` just before each one."""

    started = Signal()
    finished = Signal(object)
    wrote = Signal()  # the window wrote the vault: pending changes may have grown

    def __init__(self, source: Callable[[], Vault], parent: QObject | None = None, *,
                 every_ms: int = EVERY_MS, after_write_ms: int = AFTER_WRITE_MS) -> None:
        super().__init__(parent)
        self._source = source
        self._thread: _SyncThread | None = None
        self._again = False
        self._active = False
        self._held = False
        self._gui_thread = threading.get_ident()
        self._watched: Vault | None = None
        self._periodic = QTimer(self)
        self._periodic.setInterval(every_ms)
        self._periodic.timeout.connect(self.sync_now)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(after_write_ms)
        self._debounce.timeout.connect(self.sync_now)

    # -- switching on and off --------------------------------------------------------------
    def activate(self, first_ms: int = 0) -> None:
        """A joined vault: sync in `first_ms`, then every minute and after the window's
        writes."""
        self._watch(self._source())
        self._active = True
        self._periodic.start()
        if first_ms:
            QTimer.singleShot(first_ms, self, self.sync_now)
        else:
            self.sync_now()

    def deactivate(self) -> None:
        """A solo vault (or the window closing): no more syncs; one running still finishes."""
        self._active = False
        self._periodic.stop()
        self._debounce.stop()
        self._again = False
        self._watch(None)

    @property
    def active(self) -> bool:
        return self._active

    def hold(self) -> None:
        """No sync until `release()` (a restore is replacing the vault file); waits for the
        running one, whose second connection must not outlive the file it was opened on."""
        self._held = True
        self._debounce.stop()
        self.wait()

    def release(self) -> None:
        self._held = False

    def _watch(self, vault: Vault | None) -> None:
        if self._watched is not None:
            hub(self._watched).unsubscribe(self._heard_write)
        self._watched = vault
        if vault is not None:
            hub(vault).subscribe(self._heard_write)

    def _heard_write(self, _changes: Changes) -> None:
        # Called by the hub on the writing thread: only the window's own writes (the GUI
        # thread's) ask for a sync; the sync's own writes must not start another.
        if self._active and threading.get_ident() == self._gui_thread:
            self._debounce.start()
            self.wrote.emit()

    # -- running ---------------------------------------------------------------------------
    def sync_now(self) -> bool:
        """Start a sync; False when one is running (it is then run once more after)."""
        if not self._active or self._held:
            return False
        self._debounce.stop()
        if self.running:
            self._again = True
            return False
        self.started.emit()  # the window flushes the open note first: the sync sends it
        self._thread = _SyncThread(self._source())
        self._thread.done.connect(self._done)
        self._thread.start()
        return True

    def _done(self, outcome: SyncOutcome) -> None:
        if self._thread is not None:
            self._thread.wait()
            self._thread.deleteLater()
            self._thread = None
        self.finished.emit(outcome)
        if self._again and self._active:
            self._again = False
            self.sync_now()

    @property
    def running(self) -> bool:
        # Until its result is taken on the GUI thread, not only while its thread runs.
        return self._thread is not None

    def wait(self, timeout_ms: int = 120_000) -> bool:
        """Block until a running sync ends (before the vault closes); True when it did."""
        return self._thread.wait(timeout_ms) if self._thread is not None else True
