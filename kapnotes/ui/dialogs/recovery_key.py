"""Shows the recovery key once, at creation, large enough to copy by hand, and printable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import ValidationError
from kapnotes.services import output_files

Printer = Callable[[QTextDocument, QWidget], None]


def recovery_sheet(recovery_key: str, vault_path: Path) -> QTextDocument:
    """The printed page: what the key is, which vault it opens, and the key itself."""
    doc = QTextDocument()
    doc.setHtml(
        "<h1>KAP Notes recovery key</h1>"
        f"<p>Vault: {_escape(str(vault_path))}</p>"
        f"<p style='font-family: monospace; font-size: 20pt'><b>{_escape(recovery_key)}</b></p>"
        "<p>This key resets a forgotten passphrase. Anyone holding it and the vault file can "
        "read every note: keep it locked away, apart from the computer.</p>"
    )
    return doc


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def print_with_dialog(doc: QTextDocument, parent: QWidget, vault_path: Path | None = None
                      ) -> None:
    """Ask for a printer (or PDF file) and print; Qt's print support is loaded only here."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print recovery key")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    refused = print_target_refusal(printer.outputFileName(), vault_path)
    if refused:
        QMessageBox.warning(parent, "Not printed", refused)
        return
    doc.print_(printer)


def print_target_refusal(file_name: str, vault_path: Path | None) -> str:
    """Why "print to file" may not write there (the vault or its files), or "" when it may.
    The print dialog chose the file, so an ordinary existing file may be replaced."""
    if not file_name:
        return ""  # a real printer
    try:
        output_files.check_output_path(Path(file_name), vault_path, replace=True,
                                       label="Print to file")
    except ValidationError as exc:
        return exc.message
    return ""


class RecoveryKeyDialog(QDialog):
    """The key in large monospace, Copy and Print…; Continue only once it is stored."""

    def __init__(self, recovery_key: str, vault_path: Path, *, printer: Printer | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recovery_key = recovery_key
        self.vault_path = vault_path
        self._printer = printer or (
            lambda doc, parent: print_with_dialog(doc, parent, vault_path))
        self.setWindowTitle("Your recovery key")
        self.setAccessibleName("Recovery key")

        title = QLabel("<h2>Store your recovery key</h2>", self)
        title.setAccessibleName("Store your recovery key")
        intro = QLabel(
            "If you forget your passphrase, this key is the only way back into your notes. "
            "Print it or write it down and keep it somewhere safe, away from this computer. "
            "It is shown only now.",
            self,
        )
        intro.setWordWrap(True)
        intro.setAccessibleName(intro.text())

        self.key_label = QLabel(recovery_key, self)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 10) + 8)
        font.setWeight(QFont.Weight.Bold)
        self.key_label.setFont(font)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.key_label.setContentsMargins(16, 16, 16, 16)
        self.key_label.setAccessibleName("Recovery key")
        # Never cut off: the whole key must be readable to be copied by hand.
        self.key_label.setMinimumWidth(self.key_label.fontMetrics().horizontalAdvance(
            recovery_key) + 48)

        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setAccessibleName("Copy recovery key")
        self.print_button = QPushButton("Print…", self)
        self.print_button.setAccessibleName("Print recovery key")
        self.stored_checkbox = QCheckBox("I have stored the recovery key", self)
        self.stored_checkbox.setAccessibleName("I have stored the recovery key")
        self.continue_button = QPushButton("Continue", self)
        self.continue_button.setAccessibleName("Continue")
        self.continue_button.setEnabled(False)
        self.continue_button.setDefault(True)

        self.copy_button.clicked.connect(self.copy_key)
        self.print_button.clicked.connect(self.print_key)
        self.stored_checkbox.toggled.connect(self.continue_button.setEnabled)
        self.continue_button.clicked.connect(self.accept)

        key_buttons = QHBoxLayout()
        key_buttons.addStretch(1)
        key_buttons.addWidget(self.copy_button)
        key_buttons.addWidget(self.print_button)
        key_buttons.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.stored_checkbox)
        bottom.addStretch(1)
        bottom.addWidget(self.continue_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.key_label)
        layout.addLayout(key_buttons)
        layout.addSpacing(8)
        layout.addLayout(bottom)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)
        self.setMinimumWidth(560)

    def copy_key(self) -> None:
        QGuiApplication.clipboard().setText(self.recovery_key)
        self.copy_button.setText("Copied")

    def print_key(self) -> None:
        self._printer(recovery_sheet(self.recovery_key, self.vault_path), self)

    def reject(self) -> None:
        # The key is never shown again, so Esc or the close box must not skip past it.
        if self.stored_checkbox.isChecked():
            super().reject()
