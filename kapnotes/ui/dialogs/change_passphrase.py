"""Change the passphrase of the open vault: by default only the small key file is rewritten;
"Also re-key" replaces the data key too, so key files copied before (a backup's) stop opening
the vault with the old passphrase (kapnotes.services.vault_admin)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.vault_access import Vault
from kapnotes.services.vault_admin import change_passphrase
from kapnotes.ui.widgets.error_line import error_label, show_error
from kapnotes.ui.widgets.passphrase_fields import NewPassphraseFields, password_edit


class ChangePassphraseDialog(QDialog):
    """Current passphrase, new one twice; emits `changed()` once the key file is rewritten,
    and after a re-key first `rekeyed(new recovery key)` (the window shows it to be stored)."""

    changed = Signal()
    rekeyed = Signal(str)

    def __init__(self, vault: Vault, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.setWindowTitle("Change passphrase")
        self.setAccessibleName("Change passphrase")
        intro = QLabel("The notes stay as they are; only the passphrase that unlocks them "
                       "changes, and your recovery key keeps working. If someone else may know "
                       "the current passphrase, also re-key: you get a new recovery key.", self)
        intro.setWordWrap(True)
        intro.setAccessibleName(intro.text())
        self.current_edit = password_edit(self, "Current passphrase")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Current passphrase:", self.current_edit)
        self.fields = NewPassphraseFields(self, form)
        self.new_edit = self.fields.passphrase_edit
        self.confirm_edit = self.fields.confirm_edit
        self.rekey_box = QCheckBox("Also re-key the vault", self)
        self.rekey_box.setAccessibleName("Also re-key the vault")
        self.rekey_box.setToolTip(
            "Without re-keying, a key file copied earlier (every backup holds one) still opens "
            "this vault with the current passphrase. Re-keying gives the vault a new data key "
            "and a new recovery key, so the current passphrase, recovery key and copied key "
            "files stop working here. Backups keep their own key and still restore.")
        self.rekey_box.setWhatsThis(self.rekey_box.toolTip())
        form.addRow("", self.rekey_box)
        rekey_note = QLabel("Recommended if someone else may know the current passphrase: "
                            "key files copied before and the old recovery key stop working, "
                            "and you get a new recovery key to store.", self)
        rekey_note.setWordWrap(True)
        rekey_note.setAccessibleName(rekey_note.text())
        form.addRow("", rekey_note)
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
            done = change_passphrase(self.vault, old=old, new=new,
                                     rekey=self.rekey_box.isChecked())
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
        if done.new_recovery_key is not None:
            self.rekeyed.emit(done.new_recovery_key)
        self.changed.emit()
        self.accept()
