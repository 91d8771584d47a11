"""File → Practice and the status bar's practice line, for the vault the window has open now.

A solo vault (never joined) shows only "Join practice server…" and no status line, and loads
nothing of the practice code (psycopg) until someone joins. A joined vault gets "Sync now"
(Ctrl+Shift+Y), "Conflicts and field reviews…", the status line and the background sync
(kapnotes/ui/practice_worker.py). docs/PRACTICE-SERVER.md, "In the window".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox

from kapnotes.domain.errors import KapNotesError
from kapnotes.services import practice_link
from kapnotes.services.vault_access import Vault
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.menu_action import menu_action
from kapnotes.ui.practice_leave import leave_question
from kapnotes.ui.practice_notes import NoteSyncFollower
from kapnotes.ui.practice_removed import removed_line
from kapnotes.ui.practice_status import indicator, moved
from kapnotes.ui.practice_worker import AFTER_WRITE_MS, EVERY_MS, SyncOutcome, SyncRunner
from kapnotes.ui.widgets.slot_style import ERROR_COLOURS, style_sheet_colour

if TYPE_CHECKING:
    from kapnotes.ui.dialogs.practice_conflicts import ConflictsDialog
    from kapnotes.ui.dialogs.practice_join import JoinPracticeDialog
    from kapnotes.ui.workspace import Workspace

SYNC_SHORTCUT = "Ctrl+Shift+Y"  # free: Ctrl+Shift+S is the dosing page's, Ctrl+Y redo's
# The first sync waits until the window has painted and the start-up work is done.
FIRST_SYNC_MS = 2_000


class PracticeMenu(QObject):
    """The Practice submenu's actions, the status line and the sync runner of one window."""

    def __init__(self, window: MainWindow, *,
                 workspace: Callable[[], Workspace | None] = lambda: None,
                 every_ms: int = EVERY_MS, after_write_ms: int = AFTER_WRITE_MS,
                 first_sync_ms: int = FIRST_SYNC_MS) -> None:
        super().__init__(window)
        self.window = window
        self.join_dialog: JoinPracticeDialog | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self.leave_box: QMessageBox | None = None
        self.offline_since: datetime | None = None
        self.last_error = ""
        self._asked = False
        menu = window.practice_menu
        menu.setObjectName("practice_menu")
        menu.setAccessibleName("Practice menu")
        self.join_action = menu_action(self, menu, "&Join practice server…", "practice_join",
                                       slot=self.open_join)
        self.sync_action = menu_action(self, menu, "&Sync now", "practice_sync",
                                       SYNC_SHORTCUT, slot=self.sync_now)
        self.conflicts_action = menu_action(self, menu, "&Conflicts and field reviews…",
                                            "practice_conflicts", slot=self.open_conflicts)
        self.audit_action = menu_action(self, menu, "&Audit from other workstations…",
                                        "practice_audit", slot=self.open_audit)
        self.leave_action = menu_action(self, menu, "&Leave practice server…", "practice_leave",
                                        slot=self.ask_to_leave)
        for action in (self.join_action, self.sync_action, self.conflicts_action):
            window.addAction(action)  # the shortcut works with the menu closed, on any page
        self.status_label = QLabel("", window)
        self.status_label.setObjectName("practice_status")
        self.status_label.setContentsMargins(8, 0, 8, 0)
        self.status_label.setVisible(False)
        window.statusBar().insertPermanentWidget(0, self.status_label)
        self.runner = SyncRunner(lambda: self.window.vault, self, every_ms=every_ms,
                                 after_write_ms=after_write_ms)
        self.notes = NoteSyncFollower(window, workspace, self.open_conflicts)
        self.runner.started.connect(self.notes.before_sync)
        self.runner.finished.connect(self._synced)
        # The pending count follows the window's own edits (a burst recounts once).
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(300)
        self._recount.timeout.connect(self.refresh_status)
        self.runner.wrote.connect(self._recount.start)
        window.vault_replaced.connect(lambda _vault: self.follow_vault())
        # Installed before the restore flow is connected, so this runs first (window_run).
        window.restore_requested.connect(self._hold_for_restore)
        self._restore_watch = QTimer(self)
        self._restore_watch.setInterval(1000)
        self._restore_watch.timeout.connect(self._restore_over)
        window.about_to_close.connect(self.stop)
        self.follow_vault(first_sync_ms)

    # -- which vault, joined or not --------------------------------------------------------
    @property
    def vault(self) -> Vault:
        return self.window.vault

    @property
    def joined(self) -> bool:
        return practice_link.linked(self.vault) is not None

    def follow_vault(self, first_sync_ms: int = 0) -> None:
        """Show what fits the open vault: solo → Join only; joined → sync, conflicts, status."""
        joined = self.joined
        self.join_action.setVisible(not joined)
        self.join_action.setEnabled(not joined)
        for action in (self.sync_action, self.conflicts_action, self.audit_action,
                       self.leave_action):
            action.setVisible(joined)
            action.setEnabled(joined)
        self.offline_since = None
        self.runner.release()
        self._restore_watch.stop()
        if joined:
            self.runner.activate(first_sync_ms)
        else:
            self.runner.deactivate()
        self.refresh_status()

    def _hold_for_restore(self) -> None:
        self.runner.hold()
        self._restore_watch.start()

    def _restore_over(self) -> None:
        """A restore that was cancelled swaps nothing: syncing goes on once its dialogs are
        gone (a finished one goes on through `vault_replaced`)."""
        if QApplication.activeModalWidget() is None:
            self._restore_watch.stop()
            self.runner.release()

    def stop(self) -> None:
        """The window is closing: no new sync, and the running one ends before the vault."""
        self.runner.deactivate()
        self.runner.wait()

    # -- actions ---------------------------------------------------------------------------
    def open_join(self) -> JoinPracticeDialog:
        from kapnotes.ui.dialogs.practice_join import JoinPracticeDialog  # on first use

        dialog = JoinPracticeDialog(self.vault, parent=self.window)
        dialog.joined.connect(self._joined)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.join_dialog = dialog
        return dialog

    def _joined(self, login: str) -> None:
        self.window.show_status(f"Joined the practice server as {login}; syncing now.")
        self.follow_vault()

    def ask_to_leave(self) -> QMessageBox | None:
        if not self.joined:
            return None
        pending = practice_link.pending_changes(self.vault)
        box = leave_question(self.window, pending)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self._leave(pending) if box.buttonRole(button)
            == QMessageBox.ButtonRole.DestructiveRole else None)
        box.open()
        self.leave_box = box
        return box

    def _leave(self, pending: int) -> None:
        self.runner.deactivate()
        self.runner.wait()  # a running sync ends before the link goes
        try:
            practice_link.leave(self.vault, discard_pending=pending > 0)  # only what was named
        except KapNotesError as exc:
            self.window.show_status(f"Could not leave the practice server: {exc.message}")
        else:
            plural = "s" if pending != 1 else ""
            unsent = f"; {pending} unsent change{plural} not sent" if pending else ""
            self.window.show_status(f"Left the practice server{unsent}. Records stay here.")
        self.follow_vault()

    def sync_now(self) -> None:
        if not self.joined:
            return
        self._asked = True  # the outcome is then said in the status bar
        if self.runner.sync_now():
            self.status_label.setText(self.status_label.text().split(" · ")[0] + " · syncing…")
            self.status_label.setVisible(True)
        else:
            self.window.show_status("A sync is running; another follows it at once.")

    def open_conflicts(self) -> ConflictsDialog:
        from kapnotes.ui.dialogs.practice_conflicts import ConflictsDialog  # when first asked

        if self.conflicts_dialog is None:
            self.conflicts_dialog = ConflictsDialog(self.vault, parent=self.window)
            self.conflicts_dialog.changed.connect(self.refresh_status)
            self.conflicts_dialog.destroyed.connect(self._conflicts_closed)
            self.conflicts_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        else:
            self.conflicts_dialog.reload()
        self.conflicts_dialog.show()
        self.conflicts_dialog.raise_()
        self.conflicts_dialog.activateWindow()
        return self.conflicts_dialog

    def open_audit(self) -> QDialog:
        from kapnotes.ui.dialogs.practice_audit import PracticeAuditDialog  # when first asked

        dialog = PracticeAuditDialog(self.vault, parent=self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _conflicts_closed(self) -> None:
        self.conflicts_dialog = None

    # -- after a sync ----------------------------------------------------------------------
    def _synced(self, outcome: SyncOutcome) -> None:
        report = outcome.report
        offline = report is not None and report.offline
        if offline and self.offline_since is None:
            self.offline_since = outcome.finished_at
        elif not offline:
            self.offline_since = None
        self.last_error = outcome.error
        about_note = self.notes.after_sync(outcome)
        said = " ".join(t for t in (moved(outcome) if self._asked else "", about_note,
                                    removed_line(outcome)) if t)
        self._asked = False
        if said:
            self.window.show_status(said, 10_000)
        if self.conflicts_dialog is not None:
            self.conflicts_dialog.reload()
        self.refresh_status()

    def refresh_status(self) -> None:
        """The status line from the vault's sync state; hidden for a solo vault."""
        label = self.status_label
        if not self.runner.active:
            label.setVisible(False)
            return
        try:
            from kapnotes.services import practice_sync

            state = practice_sync.sync_status(self.vault)
        except KapNotesError as exc:
            label.setText(f"Practice: status unavailable ({exc.message})")
            label.setVisible(True)
            return
        link = practice_link.linked(self.vault)
        shown = indicator(pending=state.pending, last_sync_at=state.last_sync_at,
                          offline_since=self.offline_since, refused=state.refusals,
                          conflicts=state.conflicts, field_reviews=state.field_reviews,
                          login=link.login if link is not None else "",
                          problem="" if self.offline_since is not None else self.last_error)
        tooltip = shown.tooltip + (f"\nLast attempt: {self.last_error}"
                                   if self.offline_since is not None and self.last_error
                                   else "")
        label.setText(shown.text)
        label.setMinimumWidth(label.sizeHint().width())  # the vault name gives way, not this
        label.setToolTip(tooltip)
        label.setAccessibleName(shown.text)
        label.setStyleSheet(f"color: {style_sheet_colour(ERROR_COLOURS)};" if shown.attention
                            else "")
        label.setVisible(True)

