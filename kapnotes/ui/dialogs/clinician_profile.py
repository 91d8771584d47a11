"""Edit → Clinician profile… (and Settings' "Clinician profile…" button): name, role and
registration number as review files name you, the signing key's short fingerprint to read
aloud, and "Export my public key…" for a supervisor or a therapist (docs/REVIEW-FORMAT.md).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.clinician import clinician_profile, set_clinician_profile
from kapnotes.services.review_keys import vault_identity, write_key_file
from kapnotes.services.vault_access import Vault
from kapnotes.ui.review_panels import ProfileFields
from kapnotes.ui.widgets.monitoring_style import error_label, show_message


class ClinicianProfileDialog(QDialog):
    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.setWindowTitle("Clinician profile")
        self.setObjectName("clinician_profile")
        self.setMinimumWidth(520)
        intro = QLabel("How review requests, replies and co-signatures name you.", self)
        intro.setWordWrap(True)
        self.fields = ProfileFields("Your", clinician_profile(vault), parent=self)
        self.fingerprint = QLabel(vault_identity(vault).fingerprint, self)
        self.fingerprint.setObjectName("key_fingerprint")
        self.fingerprint.setAccessibleName("Signing key fingerprint")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(font.pointSize() + 4)
        self.fingerprint.setFont(font)
        hint = QLabel("Read it aloud (or compare it on paper) when you first exchange key "
                      "files with a supervisor or a therapist.", self)
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Signing key:", self.fingerprint)
        self.error = error_label(self, "Profile error")
        self.export_button = QPushButton("&Export my public key…", self)
        self.export_button.clicked.connect(lambda: self.export_key())
        cancel = QPushButton("Cancel", self)
        cancel.clicked.connect(self.reject)
        save = QPushButton("&Save", self)
        save.setDefault(True)
        save.clicked.connect(lambda: self.save())
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.fields)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def _store(self) -> bool:
        p = self.fields.profile()
        try:
            set_clinician_profile(self.vault, p.name, p.role, p.registration)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return False
        show_message(self.error, "")
        return True

    def save(self) -> bool:
        if self._store():
            self.accept()
            return True
        return False

    def export_key(self, path: Path | None = None) -> Path | None:
        """Save the profile first (the key file carries it), then write the key file."""
        if not self._store():
            return None
        if path is None:
            name = self.fields.profile().name or "my"
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export my public key", f"{name} review key.json",
                "Key files (*.json)")
            if not chosen:
                return None
            path = Path(chosen)
        try:
            written = write_key_file(self.vault, path, replace=True)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return None
        self.export_button.setText("Exported ✓")
        return written


def settings_row(settings: QWidget, vault: Vault) -> tuple[str, QWidget]:
    """Settings' row: the key's fingerprint and the button that opens the profile. After
    the profile is saved, Settings' own name field shows the new name (so Save there does
    not put the old one back)."""
    row = QWidget(settings)
    fingerprint = QLabel(f"<tt>{vault_identity(vault).fingerprint}</tt>", row)
    fingerprint.setObjectName("settings_key_fingerprint")
    fingerprint.setAccessibleName("Signing key fingerprint")
    button = QPushButton("Clinician &profile…", row)
    button.setObjectName("clinician_profile_button")

    def open_profile() -> None:
        dialog = ClinicianProfileDialog(vault, parent=settings)
        name_edit = getattr(settings, "clinician_edit", None)
        if name_edit is not None:
            dialog.accepted.connect(
                lambda: name_edit.setText(dialog.fields.profile().name))
        dialog.open()

    button.clicked.connect(open_profile)
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.addWidget(fingerprint)
    line.addStretch(1)
    line.addWidget(button)
    return "Signing key:", row
