"""Locks the main window: saves, hides every client detail behind the lock screen, and puts
everything back exactly where it was after the right passphrase.

Nothing is torn down while locked — pages, the open note, its scroll position and cursor stay
alive but hidden — which is what lets unlock return to the very same place. Hidden means:
the centre shows only the lock screen, docks and tool bars are hidden, other windows of ours
(search, dialogs half filled in) are hidden and shown again after unlock, menus and shortcuts
are disabled (Quit stays), the title and status bar say nothing but "locked".
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMenu,
    QToolBar,
    QWidget,
)

from kapnotes.domain.dates import plural
from kapnotes.domain.errors import KapNotesError
from kapnotes.services.vault_access import FailedUnlocks, record_unlock
from kapnotes.ui.clipboard_guard import ClipboardGuard
from kapnotes.ui.idle_lock import IdleWatcher
from kapnotes.ui.lock_screen import TITLE, LockScreen, Verifier
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.widgets.retry_wait import default_delay

IDLE_REASON = "Locked after {minutes} without input. Your notes were saved."
MANUAL_REASON = "Locked. Your notes were saved."
UNSAVED_REASON = ("Locked. Some changes could not be saved yet; they are kept and will be "
                  "saved after you unlock.")
_TRANSIENT = (Qt.WindowType.Popup, Qt.WindowType.ToolTip)


class WindowLock(QObject):
    """The locked/unlocked state of one MainWindow; `lock()` and the lock screen drive it."""

    locked_changed = Signal(bool)

    def __init__(self, window: MainWindow, *, flush: Callable[[], bool],
                 idle: IdleWatcher | None = None, clipboard: ClipboardGuard | None = None,
                 failures: FailedUnlocks | None = None, verifier: Verifier | None = None,
                 delay_for: Callable[[int], int] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self._flush = flush
        self.idle = idle
        self.clipboard = clipboard
        self.failures = failures
        self._verifier = verifier
        self._delay_for = delay_for or default_delay
        self._screen: LockScreen | None = None  # built at the first lock (`screen`)
        self.locked = False
        self._return_page: QWidget | None = None
        self._focus: QWidget | None = None
        self._title = ""
        self._hidden: list[QWidget] = []
        self._disabled: list[QAction | QShortcut] = []

        self.countdown_label = QLabel(window)
        self.countdown_label.setObjectName("lock_countdown_label")
        self.countdown_label.setAccessibleName("Lock countdown")
        self.countdown_label.setContentsMargins(8, 0, 8, 0)
        self.countdown_label.setVisible(False)
        window.statusBar().addPermanentWidget(self.countdown_label)

        window.lock_requested.connect(self.lock)
        window.centre.currentChanged.connect(self._keep_covered)
        if idle is not None:
            idle.idle_timeout.connect(self.lock_idle)
            idle.countdown.connect(self._show_countdown)

    @property
    def screen(self) -> LockScreen:
        """The lock screen, built when first needed: it is not on the window's first screen
        (~2 ms of every start-up), and the failure count it starts from is read then."""
        if self._screen is None:
            screen = LockScreen(self.window.vault.path, verifier=self._verifier,
                                failures=self.failures.count if self.failures else 0,
                                delay_for=self._delay_for)
            screen.unlocked.connect(self.unlock)
            screen.failed.connect(self._failed)
            self._screen = screen
        return self._screen

    # -- locking ---------------------------------------------------------------------------
    def lock_idle(self) -> None:
        minutes = round(self.idle.minutes) if self.idle is not None else 0
        self.lock(IDLE_REASON.format(minutes=plural(minutes, "minute")))

    def lock(self, reason: str | None = None) -> None:
        if self.locked:
            return
        screen = self.screen  # before the actions are disabled: its own keep working
        try:
            saved = bool(self._flush())
        except (KapNotesError, OSError):
            saved = False  # lock anyway: hiding the notes matters more; the editor keeps them
        w = self.window
        self.locked = True
        w.locked = True
        self._return_page = w.centre.currentWidget()
        focus = QApplication.focusWidget()
        self._focus = focus if focus is not None and focus.window() is w else None
        self._hide_other_windows()
        self._hide_window_parts()
        self._disable_actions()
        self._title = w.windowTitle()
        w.setWindowTitle(TITLE)
        w.statusBar().clearMessage()
        self._show_countdown(-1)
        if self.clipboard is not None:
            self.clipboard.clear_if_ours()
        if self.idle is not None:
            self.idle.pause()
        text = reason if isinstance(reason, str) and reason else MANUAL_REASON
        screen.prepare(text if saved else UNSAVED_REASON)
        w.show_page(screen)
        screen.focus_passphrase()
        self.locked_changed.emit(True)

    def _hide_other_windows(self) -> None:
        self._hidden = []
        for widget in QApplication.topLevelWidgets():
            if widget is self.window or not widget.isVisible():
                continue
            widget.hide()  # a modal dialog's own event loop ends here (as if cancelled)
            if widget.windowType() not in _TRANSIENT:
                self._hidden.append(widget)  # popups and tooltips are not worth bringing back

    def _hide_window_parts(self) -> None:
        for part in (*self.window.findChildren(QDockWidget), *self.window.findChildren(QToolBar)):
            if part.isVisible() and part.parentWidget() is self.window:
                part.hide()
                self._hidden.append(part)

    def _disable_actions(self) -> None:
        """Every menu entry and shortcut off (the menu bar too), except Quit."""
        w = self.window
        found: dict[int, QAction | QShortcut] = {}
        for action in (*w.findChildren(QAction), *w.actions()):
            found[id(action)] = action
        for menu in w.menuBar().findChildren(QMenu):
            for action in menu.actions():
                found[id(action)] = action
        for shortcut in w.findChildren(QShortcut):
            found[id(shortcut)] = shortcut
        self._disabled = []
        for item in found.values():
            if item is w.quit_action or not item.isEnabled() or self._on_screen(item):
                continue
            item.setEnabled(False)
            self._disabled.append(item)
        w.menuBar().setEnabled(False)

    def _on_screen(self, item: QObject) -> bool:
        """Part of the lock screen itself (its field's own actions must keep working)."""
        parent = item.parent()
        return isinstance(parent, QWidget) and (parent is self.screen
                                                or self.screen.isAncestorOf(parent))

    def _keep_covered(self, _index: int) -> None:
        """Something opened a page while locked: remember it for later, keep the cover on."""
        if not self.locked:
            return
        current = self.window.centre.currentWidget()
        if current is not self.screen:
            self._return_page = current
            self.window.centre.setCurrentWidget(self.screen)

    # -- unlocking -------------------------------------------------------------------------
    def _failed(self, _count: int) -> None:
        if self.failures is not None:
            self.failures.note_failure()

    def unlock(self) -> None:
        if not self.locked:
            return
        w = self.window
        # A successful unlock is audited wherever it happens, with the failures before it.
        record_unlock(w.vault, self.failures, detail="window lock screen")
        self.screen.failures = 0
        self.locked = False
        w.locked = False
        for item in self._disabled:
            if shiboken6.isValid(item):
                item.setEnabled(True)
        self._disabled = []
        w.menuBar().setEnabled(True)
        w.setWindowTitle(self._title)
        page = self._return_page
        if page is not None and shiboken6.isValid(page) and w.centre.indexOf(page) >= 0:
            w.show_page(page)
        else:
            w.show_empty_state()
        w.centre.removeWidget(self.screen)
        for widget in self._hidden:
            if shiboken6.isValid(widget):
                widget.show()
        self._hidden = []
        focus, self._focus = self._focus, None
        if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.idle is not None:
            self.idle.resume()
        self.locked_changed.emit(False)

    # -- countdown -------------------------------------------------------------------------
    def _show_countdown(self, seconds: int) -> None:
        showing = seconds > 0 and not self.locked
        self.countdown_label.setText(f"Locking in {seconds} s" if showing else "")
        self.countdown_label.setVisible(showing)
