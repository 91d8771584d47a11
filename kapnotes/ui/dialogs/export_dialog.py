"""Options of a PDF export: de-identify, private notes, audit entries, password, where to save.

De-identify is ON by default for every kind of export, not only packets: a supervisor reads
a summary through the code as well as through the name, a PDF travels further than the vault
(mail, print rooms, shared drives), and forgetting to tick a box should never leak a name.
The therapist unticks it on purpose when an identified copy is needed (e.g. a referral).

The password is typed twice and held only in the widgets and the returned `ExportChoice`;
"Generate" fills both with a strong random one and shows it, to be sent separately.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import ValidationError
from kapnotes.export.passwords import check_password_pair, generate_password
from kapnotes.services import output_files
from kapnotes.ui.widgets.error_line import error_label, show_error

KIND_TITLES = {"session": "Export session note", "course": "Export course summary",
               "packet": "Export supervision packet"}


@dataclass(frozen=True)
class ExportChoice:
    """What the user chose; the password is never stored anywhere else."""

    path: Path
    deidentified: bool = True
    include_private: bool = False
    include_audit: bool = False
    password: str | None = field(default=None, repr=False)


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


class ExportOptionsPanel(QWidget):
    """The options shared by every export dialog."""

    def __init__(self, *, kind: str, suggested_name: str, folder: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.confirmed: Path | None = None
        # The open vault: the output guard refuses it, its files and its backups folder here,
        # before the dialog closes (the export itself checks again).
        self.vault_path: Path | None = None
        # Injectable so tests never open a native dialog: (parent, title, start) → path or "".
        self.choose_file: Callable[[QWidget, str, str], str] = _save_file_name
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)

        self.deidentify_check = QCheckBox("De-identify (client code instead of names, age "
                                          "instead of date of birth, no contact details)", self)
        self.deidentify_check.setChecked(True)
        self.private_check = QCheckBox("Include private process notes", self)
        self.audit_check = QCheckBox("Include the course's audit log entries", self)
        self.audit_check.setVisible(kind != "session")
        for box in (self.deidentify_check, self.private_check, self.audit_check):
            box.setAccessibleName(box.text().split(" (")[0])
            form.addRow(box)

        self.protect_check = QCheckBox("Protect with a password (AES-256)", self)
        self.protect_check.setAccessibleName("Protect with a password")
        form.addRow(self.protect_check)
        self.password_edit = QLineEdit(self)
        self.confirm_edit = QLineEdit(self)
        for edit, name in ((self.password_edit, "PDF password"),
                           (self.confirm_edit, "PDF password again")):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(name)
        self.generate_button = QPushButton("Generate", self)
        self.generate_button.setAccessibleName("Generate a strong password")
        row = QHBoxLayout()
        row.addWidget(self.password_edit, 1)
        row.addWidget(self.generate_button)
        form.addRow("Password:", row)
        form.addRow("Again:", self.confirm_edit)
        self.generated_label = QLabel(self)
        self.generated_label.setWordWrap(True)
        self.generated_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.generated_label.setAccessibleName("Generated password")
        self.generated_label.hide()
        form.addRow(self.generated_label)

        self.path_edit = QLineEdit(str((folder or documents_folder()) / suggested_name), self)
        self.path_edit.setAccessibleName("Save as")
        self.browse_button = QPushButton("Choose…", self)
        self.browse_button.setAccessibleName("Choose where to save")
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        form.addRow("Save as:", path_row)

        self.protect_check.toggled.connect(self._protect_toggled)
        self.generate_button.clicked.connect(self.generate)
        self.browse_button.clicked.connect(self.browse)
        self._protect_toggled(False)

    def _protect_toggled(self, on: bool) -> None:
        for w in (self.password_edit, self.confirm_edit, self.generate_button):
            w.setEnabled(on)
        if not on:
            self.password_edit.clear()
            self.confirm_edit.clear()
            self.generated_label.hide()

    def generate(self) -> str:
        password = generate_password()
        self.protect_check.setChecked(True)
        self.password_edit.setText(password)
        self.confirm_edit.setText(password)
        self.generated_label.setText(
            f"Password: <b>{password}</b><br>Note it now and give it to the supervisor "
            "separately (by phone or in person, not in the same email). KAP Notes does not "
            "keep it.")
        self.generated_label.show()
        return password

    def browse(self) -> None:
        chosen = self.choose_file(self, "Save PDF as", self.path_edit.text())
        if chosen:
            self.path_edit.setText(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")
            self.confirmed = Path(self.path_edit.text())  # the file dialog asked already

    def choice(self) -> ExportChoice:
        """The options, or ValidationError naming what to fix."""
        password = None
        if self.protect_check.isChecked():
            password = check_password_pair(self.password_edit.text(), self.confirm_edit.text())
        text = self.path_edit.text().strip()
        if not text:
            raise ValidationError("Save as", "choose where to save the PDF.")
        path = Path(text).expanduser()
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        if not path.parent.is_dir():
            raise ValidationError("Save as", f"the folder {path.parent} does not exist.")
        # Replacing an ordinary file is asked about by the dialog; never the vault's own.
        output_files.check_output_path(path, self.vault_path, replace=True, label="Save as")
        return ExportChoice(path=path, deidentified=self.deidentify_check.isChecked(),
                            include_private=self.private_check.isChecked(),
                            include_audit=self.audit_check.isChecked()
                            and self.kind != "session",
                            password=password)


class ExportDialog(QDialog):
    """Export one session note or one course summary; emits `export_requested(choice)`."""

    export_requested = Signal(object)  # ExportChoice

    def __init__(self, *, kind: str, suggested_name: str, subject: str = "",
                 folder: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(KIND_TITLES[kind])
        self.setMinimumWidth(560)
        column = QVBoxLayout(self)
        if subject:
            label = QLabel(subject, self)
            label.setWordWrap(True)
            column.addWidget(label)
        self.options = ExportOptionsPanel(kind=kind, suggested_name=suggested_name,
                                          folder=folder, parent=self)
        column.addWidget(self.options)
        self.error_label = error_label(self)
        column.addWidget(self.error_label)
        self.buttons = export_buttons(self)
        column.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # Injectable: asked before replacing an existing file (tests answer without a box).
        self.confirm_replace: Callable[[Path], bool] = lambda p: _confirm_replace(self, p)

    def accept(self) -> None:
        try:
            choice = self.options.choice()
        except ValidationError as exc:
            show_error(self.error_label, exc.message)
            return
        if (choice.path.exists() and choice.path != self.options.confirmed
                and not self.confirm_replace(choice.path)):
            return
        show_error(self.error_label, "")
        self.export_requested.emit(choice)
        super().accept()




def export_buttons(parent: QWidget) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export PDF")
    return buttons


def _save_file_name(parent: QWidget, title: str, start: str) -> str:
    # The native dialog asks before overwriting; `confirm_replace` covers typed paths.
    path, _ = QFileDialog.getSaveFileName(parent, title, start, "PDF files (*.pdf)")
    return path


def _confirm_replace(parent: QWidget, path: Path) -> bool:
    answer = QMessageBox.question(parent, "Replace file?",
                                  f"{path.name} already exists. Replace it?")
    return answer == QMessageBox.StandardButton.Yes
