"""Help → About: the version, and where this vault and its backups live."""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes import __version__
from kapnotes.services.vault_backups import backup_dir_for


class AboutDialog(QDialog):
    """Version and file locations, selectable so they can be pasted into a support email."""

    def __init__(self, vault_path: Path, *, version: str = __version__,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About KAP Notes")
        self.setAccessibleName("About KAP Notes")
        title = QLabel(f"<h2>KAP Notes {version}</h2>", self)
        title.setAccessibleName(f"KAP Notes version {version}")
        blurb = QLabel("Offline clinical notes for ketamine-assisted psychotherapy, kept in an "
                       "encrypted vault on this computer.", self)
        blurb.setWordWrap(True)
        blurb.setAccessibleName(blurb.text())

        self.version_label = self._value(version, "Version")
        self.vault_label = self._value(str(vault_path), "Vault file")
        self.backups_label = self._value(str(backup_dir_for(vault_path)), "Backups folder")
        runtime = f"Python {platform.python_version()}, Qt for Python {pyside_version}"
        self.runtime_label = self._value(runtime, "Runtime")
        form = QFormLayout()
        form.addRow("Version:", self.version_label)
        form.addRow("Vault file:", self.vault_label)
        form.addRow("Backups:", self.backups_label)
        form.addRow("Runtime:", self.runtime_label)

        self.close_button = QPushButton("Close", self)
        self.close_button.setAccessibleName("Close")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def _value(self, text: str, name: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(name)
        return label
