"""View → Theme frequency across clients…: every theme in the practice, most used first.

Counts only, no client names, so it can be shown in supervision. What renaming or merging
here changes is announced by the themes service, and the views that show themes follow.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kapnotes.services.container import Services
from kapnotes.ui.widgets.themes_view import ThemeFrequencyView

TITLE = "Theme frequency across clients"


class PracticeThemesDialog(QDialog):
    """Non-modal. A rename or merge here reaches the open note and the client page through
    the services' change notifications (kapnotes/ui/change_signals.py)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        note = QLabel("Every theme named in any note, with how often and how widely. Select "
                      "themes and choose Rename or merge… to tidy the vocabulary.", self)
        note.setWordWrap(True)
        # Follows themes named in notes (or renamed in a client's page) while open.
        self.view = ThemeFrequencyView(services, self)
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
