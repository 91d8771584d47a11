"""Edit → Settings… (Ctrl+,): one action on the main window that opens the settings dialog
over whatever vault the window has open now, so a restore that swaps the vault needs no
rewiring."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from kapnotes.services.settings_service import SettingsService
from kapnotes.ui.main_window import MainWindow

if TYPE_CHECKING:  # loaded when Settings… is first opened, not to show the window
    from kapnotes.ui.dialogs.settings_dialog import SettingsDialog

# The platform's own key where it has one (Cmd+, on macOS); Ctrl+, elsewhere, where Qt's
# StandardKey.Preferences is often empty.
SETTINGS_SHORTCUT = "Ctrl+,"


class SettingsMenu(QObject):
    """The Settings… action of one window. What the dialog saves is announced by the
    services (kapnotes/window_run.py `follow_settings` applies it)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: SettingsDialog | None = None
        self.action = QAction("Se&ttings…", window)
        self.action.setObjectName("settings")
        self.action.setStatusTip("Settings")
        self.action.setMenuRole(QAction.MenuRole.PreferencesRole)  # macOS: the app menu
        standard = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
        self.action.setShortcuts(standard if sys.platform == "darwin" and standard
                                 else [QKeySequence(SETTINGS_SHORTCUT)])
        window.edit_menu.addSeparator()
        window.edit_menu.addAction(self.action)
        self.action.triggered.connect(self.open)

    def open(self) -> SettingsDialog:
        w = self.window
        from kapnotes.ui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(SettingsService(w.vault), w.settings, parent=w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog = dialog
        return dialog
