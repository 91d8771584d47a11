"""Change the passphrase of the open vault (only the small key file is rewritten)."""

from __future__ import annotations

from PySide6.QtCore import Signal
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
from kapnotes.storage.lifecycle import change_passphrase
from kapnotes.storage.vault import Vault
from kapnotes.ui.widgets.error_line import error_label, show_error
from kapnotes.ui.widgets.passphrase_fields import NewPassphraseFields, password_edit


class ChangePassphraseDialog(QDialog):
    """Current passphrase, new one twice; emits `changed()` once the key file is rewritten."""

    changed = Signal()

    def __init__(self, vault: Vault, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.setWindowTitle("Change passphrase")
        self.setAccessibleName("Change passphrase")
        intro = QLabel("The notes stay as they are; only the passphrase that unlocks them "
                       "changes. Your recovery key keeps working.", self)
        intro.setWordWrap(True)
        intro.setAccessibleName(intro.text())
        self.current_edit = password_edit(self, "Current passphrase")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Current passphrase:", self.current_edit)
        self.fields = NewPassphraseFields(self, form)
        self.new_edit = self.fields.passphrase_edit
        self.confirm_edit = self.fields.confirm_edit
        self.error_label = error_label(self)

        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel")
        self.change_button = QPushButton("Change passphrase", self)
        self.change_button.setAccessibleName("Change passphrase")
        self.change_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        self.change_button.clicked.connect(self.change)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.change_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def change(self) -> None:
        old = self.current_edit.text()
        if not old:
            show_error(self.error_label, "Type your current passphrase.")
            return
        try:
            new = self.fields.checked_passphrase()
            if new == old:
                show_error(self.error_label, "The new passphrase is the same as the current one.")
                return
            change_passphrase(self.vault.path, old=old, new=new, vault=self.vault)
        except KapNotesError as exc:
            show_error(self.error_label, exc.message)
            self.current_edit.selectAll()
            return
        except OSError as exc:
            show_error(self.error_label, f"The key file could not be written: "
                                         f"{exc.strerror or exc}. The old passphrase still works.")
            return
        self.current_edit.clear()
        self.fields.clear()
        self.changed.emit()
        self.accept()
