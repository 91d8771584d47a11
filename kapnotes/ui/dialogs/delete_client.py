"""Delete a client and all their records: deliberate, so the client's code must be typed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.client_rules import normalise_code
from kapnotes.domain.dates import plural
from kapnotes.domain.errors import KapNotesError, ValidationError
from kapnotes.services.container import Services
from kapnotes.ui.widgets.form_errors import FieldErrors, error_label


class DeleteClientDialog(QDialog):
    """Delete is enabled only when the typed code matches; emits `deleted(client_id)`."""

    deleted = Signal(int)

    def __init__(self, services: Services, client_id: int, parent: QWidget | None = None,
                 *, why: str = "") -> None:
        super().__init__(parent)
        self.services = services
        self.client_id = client_id
        self.why = why  # said in the audit log's tombstone (e.g. the retention date passed)
        client = services.clients.get(client_id)
        self.code = client.code
        summaries = [s for s in services.clients.list(include_archived=True)
                     if s.id == client_id]
        # Listed with counts (the default), so None only if the client vanished meanwhile.
        courses = (summaries[0].courses or 0) if summaries else 0
        sessions = (summaries[0].sessions or 0) if summaries else 0
        self.setWindowTitle("Delete client")

        explain = QLabel(
            f"<p><b>Delete {client.code} and everything recorded for them?</b></p>"
            f"<p>This removes the client record, {plural(courses, 'course')} and "
            f"{plural(sessions, 'session note')}, including signed notes, from the vault. "
            "It cannot be undone "
            "here (only by restoring a backup) and the deletion is written to the audit log.</p>"
            "<p>Records are usually kept for at least 7 years after last contact. To hide a "
            "client from the list instead, use <b>Archive</b>.</p>"
            f"<p>Type the client's code <b>{client.code}</b> to confirm:</p>",
            self,
        )
        explain.setWordWrap(True)
        self.code_edit = QLineEdit(self)
        self.code_edit.setAccessibleName("Type the client's code to confirm")
        self.code_edit.setPlaceholderText(client.code)
        # In a vault joined to a practice server the deletion reaches the client's care team:
        # its reason goes with it, shown and audited on their workstations.
        self.reason_edit: QLineEdit | None = None
        if services.clients.deletions_shared():
            self.reason_edit = QLineEdit(self)
            self.reason_edit.setAccessibleName("Reason for deleting, shown to the care team")
            self.reason_edit.setPlaceholderText("e.g. duplicate record of another client")
            self.reason_edit.setMaxLength(500)
            self.reason_edit.setText(why)
            self.reason_edit.textChanged.connect(self._update_enabled)
        self.error_label = error_label(self)
        self.errors = FieldErrors(self.error_label, {"Confirmation": self.code_edit})

        buttons = QDialogButtonBox(self)
        self.delete_button = QPushButton("Delete client", self)
        self.delete_button.setEnabled(False)
        self.delete_button.setAutoDefault(False)
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        buttons.rejected.connect(self.reject)
        self.delete_button.clicked.connect(self.delete)
        self.code_edit.textChanged.connect(self._update_enabled)

        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.code_edit)
        if self.reason_edit is not None:
            shared = QLabel("This vault shares records with the practice server: the deletion "
                            "reaches everyone on the client's care team. Say why (they see "
                            "it, and drafts they wrote are kept aside for them):", self)
            shared.setWordWrap(True)
            shared.setBuddy(self.reason_edit)
            # A wrapped label asks for more height than it uses: its text sits on the field.
            shared.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            shared.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            layout.addSpacing(8)
            layout.addWidget(shared)
            layout.addWidget(self.reason_edit)
            layout.addStretch(1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        self.code_edit.setFocus()

    def _matches(self) -> bool:
        try:
            return normalise_code(self.code_edit.text()) == self.code
        except ValidationError:
            return False

    def reason(self) -> str:
        return self.reason_edit.text().strip() if self.reason_edit is not None else self.why

    def _update_enabled(self) -> None:
        self.delete_button.setEnabled(self._matches() and (
            self.reason_edit is None or bool(self.reason())))

    def delete(self) -> None:
        self.errors.clear()
        try:
            self.services.clients.delete(self.client_id, typed_code=self.code_edit.text(),
                                         why=self.reason())
        except KapNotesError as exc:
            self.errors.show(exc)
            return
        self.deleted.emit(self.client_id)
        self.accept()
