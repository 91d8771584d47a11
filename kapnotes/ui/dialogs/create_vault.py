"""First run: choose the vault's passphrase (asked twice, minimum length, strength hint)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.vault_access import CreatedVault, create_vault
from kapnotes.ui.review_entry import review_request_link
from kapnotes.ui.widgets.error_line import error_label, show_error
from kapnotes.ui.widgets.passphrase_fields import NewPassphraseFields

Creator = Callable[[Path, str], CreatedVault]


class CreateVaultDialog(QDialog):
    """Asks for a new passphrase and creates the vault; emits `created(CreatedVault)`."""

    created = Signal(object)

    def __init__(self, vault_path: Path, *, creator: Creator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault_path = vault_path
        self._creator = creator or (lambda path, passphrase: create_vault(path, passphrase))
        self.setWindowTitle("Welcome to KAP Notes")
        self.setAccessibleName("Create vault")

        title = QLabel("<h2>Create your vault</h2>", self)
        intro = QLabel(
            "KAP Notes keeps all notes in one encrypted file on this computer. Choose a "
            "passphrase to lock it. You will need it every time you open KAP Notes; a recovery "
            "key is shown next, in case you forget it.",
            self,
        )
        intro.setWordWrap(True)
        where = QLabel(f"Vault file: {vault_path}", self)
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setAccessibleName("Vault file location")
        for label in (title, intro):
            label.setAccessibleName(label.text())

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields = NewPassphraseFields(self, form, label="Passphrase")
        self.passphrase_edit = self.fields.passphrase_edit
        self.confirm_edit = self.fields.confirm_edit
        self.strength_label = self.fields.strength_label
        self.error_label = error_label(self)

        self.cancel_button = QPushButton("Quit", self)
        self.cancel_button.setAccessibleName("Quit without creating a vault")
        self.create_button = QPushButton("Create vault", self)
        self.create_button.setAccessibleName("Create vault")
        self.create_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        self.create_button.clicked.connect(self.create_clicked)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(review_request_link(self), 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def create_clicked(self) -> None:
        """Validate, create the vault, emit `created` and close; errors stay in the dialog."""
        try:
            passphrase = self.fields.checked_passphrase()
        except KapNotesError as exc:
            show_error(self.error_label, exc.message)
            return
        try:
            created = self._creator(self.vault_path, passphrase)
        except KapNotesError as exc:
            show_error(self.error_label, exc.message)
            return
        except OSError as exc:
            show_error(self.error_label, f"The vault could not be created: {exc.strerror or exc}")
            return
        self.fields.clear()
        show_error(self.error_label, "")
        self.created.emit(created)
        self.accept()
