"""View → Theme frequency across clients…: every theme in the practice, most used first.

Counts only, no client names, so it can be shown in supervision. Renaming or merging here
emits `changed()`, and the open client page reloads its theme table.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kapnotes.services.container import Services
from kapnotes.ui.change_signals import refresh_when
from kapnotes.ui.widgets.themes_view import ThemeFrequencyView

TITLE = "Theme frequency across clients"


class PracticeThemesDialog(QDialog):
    """Non-modal; `changed()` after a rename or merge."""

    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        note = QLabel("Every theme named in any note, with how often and how widely. Select "
                      "themes and choose Rename or merge… to tidy the vocabulary.", self)
        note.setWordWrap(True)
        self.view = ThemeFrequencyView(services, self)
        self.view.changed.connect(self.changed)
        # Themes named in notes (or renamed in a client's page) while this stays open.
        refresh_when(services, self, lambda c: c.themes, self.view.reload)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(640, 480)

    def showEvent(self, event: QShowEvent) -> None:
        self.view.reload()  # notes may have named new themes since it was last open
        super().showEvent(event)
