"""The main window: menus and shortcuts, client pane slot, centre pages, status bar.

Other parts plug in through `set_client_pane()`, `show_page()` and the `*_action` attributes
and signals; the window itself knows nothing about clients or sessions.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWhatsThis,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.vault_access import Vault
from kapnotes.services.vault_backups import take_manual_backup
from kapnotes.ui.menu_action import menu_action

if TYPE_CHECKING:  # each loads when its menu item is first used, not to show the window
    from kapnotes.ui.dialogs.audit_log import AuditLogDialog
    from kapnotes.ui.dialogs.change_passphrase import ChangePassphraseDialog

GEOMETRY_KEY = "main_window/geometry"
STATE_KEY = "main_window/state"
DEFAULT_SIZE = (1280, 760)
MIN_SIZE = (720, 480)
SAVED = "All changes saved"
EMPTY_TITLE = "No clients yet."
EMPTY_BODY = "Create your first client with File → New client (Ctrl+Shift+N)."


class EmptyState(QWidget):
    """What the centre shows when nothing is open: says what to do first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("empty_state")
        self.title_label = QLabel(self)
        self.body_label = QLabel(self)
        for label in (self.title_label, self.body_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # may hold a colleague's words
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title_label.setFont(font)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title_label)
        layout.addWidget(self.body_label)
        layout.addStretch(2)
        self.set_text(EMPTY_TITLE, EMPTY_BODY)

    def set_text(self, title: str, body: str) -> None:
        self.title_label.setText(title)
        self.body_label.setText(body)
        self.title_label.setAccessibleName(title)
        self.body_label.setAccessibleName(body)
        self.setAccessibleName(f"{title} {body}")


class MainWindow(QMainWindow):
    """The one window of KAP Notes for an unlocked vault."""

    lock_requested = Signal()
    new_client_requested = Signal()
    export_requested = Signal()
    restore_requested = Signal()
    passphrase_changed = Signal()
    backup_taken = Signal(object)  # Path of the new backup
    vault_replaced = Signal(object)  # the newly opened Vault after a restore
    about_to_close = Signal()  # flush open editors before the window (and vault) go

    def __init__(self, vault: Vault, *, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.settings = settings if settings is not None else QSettings()
        self.setObjectName("main_window")
        self.setWindowTitle(f"KAP Notes — {vault.path.name}")
        self.setAccessibleName("KAP Notes main window")
        self.setMinimumSize(*MIN_SIZE)
        # Set by the window lock: while locked the docks are hidden on purpose, and that must
        # not be saved as the layout to come back to.
        self.locked = False

        self.client_pane: QWidget = _placeholder("Your clients will be listed here.")
        self.client_pane.setObjectName("client_pane")
        self.client_pane.setAccessibleName("Client list")
        self.client_dock = QDockWidget("Clients", self)
        self.client_dock.setObjectName("client_dock")  # saveState() needs a stable name
        self.client_dock.setAccessibleName("Clients")
        self.client_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.client_dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea)
        self.client_dock.setWidget(self.client_pane)
        self.client_dock.setMinimumWidth(240)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.client_dock)

        self.centre = QStackedWidget(self)
        self.centre.setObjectName("centre")
        self.centre.setAccessibleName("Main area")
        self.empty_state = EmptyState(self.centre)
        self.centre.addWidget(self.empty_state)
        self.setCentralWidget(self.centre)

        self.vault_label = QLabel(f"Vault: {vault.path.name}", self)
        self.vault_label.setToolTip(str(vault.path))
        self.vault_label.setAccessibleName(f"Vault file {vault.path.name}")
        self.save_state_label = QLabel(SAVED, self)
        self.save_state_label.setObjectName("save_state_label")
        self.save_state_label.setAccessibleName("Saved state")
        for label in (self.vault_label, self.save_state_label):
            label.setContentsMargins(8, 0, 8, 0)
        # Both permanent: a temporary message ("Backup saved…") must not hide the vault name.
        self.statusBar().addPermanentWidget(self.vault_label)
        self.statusBar().addPermanentWidget(self.save_state_label)
        self.statusBar().setAccessibleName("Status bar")

        self._build_menus()
        self.restore_window_state()

    # -- menus -----------------------------------------------------------------------------
    def _action(self, menu: QMenu, text: str, name: str,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None
                ) -> QAction:
        # Screen readers read the menu text; the status tip explains greyed-out placeholders.
        return menu_action(self, menu, text, name, shortcut)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.edit_menu = bar.addMenu("&Edit")
        self.view_menu = bar.addMenu("&View")
        self.reports_menu = bar.addMenu("&Reports")  # registers and regulator reports
        self.help_menu = bar.addMenu("&Help")
        for menu, name in ((self.file_menu, "File"), (self.edit_menu, "Edit"),
                           (self.view_menu, "View"), (self.reports_menu, "Reports"),
                           (self.help_menu, "Help")):
            menu.setAccessibleName(f"{name} menu")
            menu.setObjectName(f"{name.lower()}_menu")

        f = self.file_menu
        self.new_client_action = self._action(f, "&New client…", "new_client", "Ctrl+Shift+N")
        self.new_client_action.setEnabled(False)  # enabled by whoever connects the client form
        self.export_action = self._action(f, "&Export…", "export", "Ctrl+P")
        self.export_action.setEnabled(False)  # enabled once the export feature connects
        f.addSeparator()
        self.backup_action = self._action(f, "&Backup now", "backup_now")
        self.restore_action = self._action(f, "&Restore backup…", "restore_backup")
        # Filled by kapnotes/ui/practice_menu.py (join, sync, conflicts) once a vault is open.
        self.practice_menu = f.addMenu("Prac&tice")
        self.practice_menu.menuAction().setObjectName("practice")
        f.addSeparator()
        self.change_passphrase_action = self._action(f, "&Change passphrase…",
                                                     "change_passphrase")
        self.audit_log_action = self._action(f, "&Audit log…", "audit_log")
        self.lock_action = self._action(f, "&Lock", "lock", "Ctrl+L")
        f.addSeparator()
        self.quit_action = self._action(f, "&Quit", "quit", "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        e = self.edit_menu
        self.undo_action = self._action(e, "&Undo", "undo", QKeySequence.StandardKey.Undo)
        self.redo_action = self._action(e, "&Redo", "redo", QKeySequence.StandardKey.Redo)

        self.client_list_action = self.client_dock.toggleViewAction()
        self.client_list_action.setText("&Client list")
        self.client_list_action.setObjectName("toggle_client_list")
        self.view_menu.addAction(self.client_list_action)
        self.full_screen_action = self._action(self.view_menu, "&Full screen", "full_screen",
                                               QKeySequence.StandardKey.FullScreen)
        self.full_screen_action.setCheckable(True)

        self.guide_action = self._action(self.help_menu, "&Guide", "guide",
                                         QKeySequence.StandardKey.HelpContents)
        self.whats_this_action = QWhatsThis.createAction(self)
        self.whats_this_action.setObjectName("whats_this")
        self.whats_this_action.setText("&What's This?")  # Qt's own text has no mnemonic
        self.whats_this_action.setShortcut(QKeySequence("Shift+F1"))
        self.help_menu.addAction(self.whats_this_action)
        self.help_menu.addSeparator()
        self.about_action = self._action(self.help_menu, "&About KAP Notes", "about")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

        self.new_client_action.triggered.connect(self.new_client_requested)
        self.export_action.triggered.connect(self.export_requested)
        self.backup_action.triggered.connect(self.backup_now)
        self.restore_action.triggered.connect(self.restore_requested)
        self.change_passphrase_action.triggered.connect(self.open_change_passphrase)
        self.audit_log_action.triggered.connect(self.open_audit_log)
        self.lock_action.triggered.connect(self.lock_requested)
        self.quit_action.triggered.connect(self.close)
        # The window holds Quit too, not only its menu: the lock disables the menu bar, and
        # a menu's shortcuts go with it, yet Ctrl+Q must still work from the lock screen.
        self.addAction(self.quit_action)
        self.undo_action.triggered.connect(lambda: _call_on_focus("undo"))
        self.redo_action.triggered.connect(lambda: _call_on_focus("redo"))
        self.full_screen_action.toggled.connect(self._set_full_screen)
        self.about_action.triggered.connect(self.open_about)
        self.guide_action.triggered.connect(self.open_guide)

    def _set_full_screen(self, on: bool) -> None:
        self.showFullScreen() if on else self.showNormal()

    # -- hooks for the parts that fill the window ------------------------------------------
    def set_client_pane(self, widget: QWidget) -> None:
        """Put the client list (or anything else) in the left pane, replacing the placeholder."""
        old = self.client_pane
        widget.setObjectName(widget.objectName() or "client_pane")
        self.client_dock.setWidget(widget)
        self.client_pane = widget
        if old is not widget:
            old.deleteLater()

    def show_page(self, widget: QWidget) -> None:
        """Show `widget` in the centre, adding it the first time (client view, editor …)."""
        if self.centre.indexOf(widget) < 0:
            self.centre.addWidget(widget)
        self.centre.setCurrentWidget(widget)

    def remove_page(self, widget: QWidget) -> None:
        """Take a page out of the centre (the caller owns it again); falls back to empty."""
        self.centre.removeWidget(widget)
        if self.centre.currentWidget() is None:
            self.show_empty_state()

    def show_empty_state(self, title: str | None = None, body: str | None = None) -> None:
        if title is not None or body is not None:
            self.empty_state.set_text(title or EMPTY_TITLE, body or EMPTY_BODY)
        self.centre.setCurrentWidget(self.empty_state)

    def current_page(self) -> QWidget | None:
        return self.centre.currentWidget()  # None only while the stack is empty

    def set_save_state(self, text: str = SAVED) -> None:
        """The status-bar saved-state text, e.g. "Saving…", "All changes saved"."""
        self.save_state_label.setText(text)

    def show_status(self, text: str, timeout_ms: int = 6000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def replace_vault(self, vault: Vault) -> None:
        """After a restore: the window and everything listening switch to the reopened vault."""
        self.vault = vault
        self.vault_replaced.emit(vault)

    # -- built-in actions ------------------------------------------------------------------
    def backup_now(self) -> None:
        try:
            path = take_manual_backup(self.vault)
        except (KapNotesError, OSError) as exc:
            self.show_status(f"Backup failed: {exc}", 0)
            return
        self.show_status(f"Backup saved: {path.name}")
        self.backup_taken.emit(path)

    def open_change_passphrase(self) -> ChangePassphraseDialog:
        from kapnotes.ui.dialogs.change_passphrase import ChangePassphraseDialog

        dialog = ChangePassphraseDialog(self.vault, parent=self)
        # A bound method, not a lambda or signal-to-signal link: PySide 6.12 crashed deleting
        # this WA_DeleteOnClose dialog with those connections attached.
        dialog.changed.connect(self._on_passphrase_changed)
        dialog.rekeyed.connect(self._show_new_recovery_key)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _show_new_recovery_key(self, recovery_key: str) -> None:
        """After a re-key the old recovery key no longer works: the new one must be stored."""
        from kapnotes.ui.dialogs.recovery_key import RecoveryKeyDialog  # only after a re-key

        self.recovery_dialog = RecoveryKeyDialog(recovery_key, self.vault.path, parent=self)
        self.recovery_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.recovery_dialog.open()

    def _on_passphrase_changed(self) -> None:
        self.show_status("Passphrase changed.")
        self.passphrase_changed.emit()

    def open_audit_log(self) -> AuditLogDialog:
        from kapnotes.ui.dialogs.audit_log import AuditLogDialog

        dialog = AuditLogDialog(self.vault, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_guide(self) -> QDialog:
        from kapnotes.ui.dialogs.guide import GuideDialog

        dialog = GuideDialog(self, self.vault.path)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_about(self) -> QDialog:
        from kapnotes.ui.dialogs.about import AboutDialog  # loads `platform`

        dialog = AboutDialog(self.vault.path, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- geometry --------------------------------------------------------------------------
    def restore_window_state(self) -> None:
        """Where it was left; the first time, a size that fits a 1366×768 laptop."""
        geometry = self.settings.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(geometry):
            state = self.settings.value(STATE_KEY)
            if isinstance(state, QByteArray | bytes):
                self.restoreState(state)
            return
        screen = QGuiApplication.primaryScreen()
        self.resize(default_size(screen.availableGeometry() if screen is not None else None))

    def save_window_state(self) -> None:
        self.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        if not self.locked:
            self.settings.setValue(STATE_KEY, self.saveState())
        self.settings.sync()
        _owner_only(self.settings.fileName())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.about_to_close.emit()
        self.save_window_state()
        super().closeEvent(event)


def default_size(available: QRect | None) -> QSize:
    """The window's first size: DEFAULT_SIZE, within 95 % of the screen's free area."""
    width, height = DEFAULT_SIZE
    if available is not None:
        width = min(width, int(available.width() * 0.95))
        height = min(height, int(available.height() * 0.95))
    return QSize(max(width, MIN_SIZE[0]), max(height, MIN_SIZE[1]))


def _owner_only(path: str) -> None:
    """QSettings writes with the umask (often 0644); the file names the clinician, so it is
    kept to its owner like every other file of ours."""
    if os.name != "nt" and path and os.path.isfile(path):
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)


def _placeholder(text: str) -> QWidget:
    """The client pane until the client list is plugged in."""
    pane = QWidget()
    label = QLabel(text, pane)
    label.setAccessibleName(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setEnabled(False)  # greyed: a hint, not content
    layout = QVBoxLayout(pane)
    layout.addWidget(label)
    return pane


def _call_on_focus(method: str) -> None:
    """Edit → Undo/Redo from the menu acts on the focused editor (editors handle the keys)."""
    widget = QApplication.focusWidget()
    target = getattr(widget, method, None)
    if callable(target):
        target()
