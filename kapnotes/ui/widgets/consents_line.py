"""The consents in force for a dosing session, under its details: each by title, version and
review date, and a warning line when KAP informed consent is not current (signing then asks
for a reason)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kapnotes.domain.dates import human_date
from kapnotes.services.consents import ConsentService
from kapnotes.ui.dialogs.consents_dialog import ConsentsDialog
from kapnotes.ui.widgets.slot_style import ERROR_COLOURS, style_sheet_colour


class ConsentsLine(QWidget):
    def __init__(self, consents: ConsentService, session_id: int, client_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.consents = consents
        self.session_id = session_id
        self.client_id = client_id
        self.dialog: ConsentsDialog | None = None
        self.manage_button = QPushButton("Consents…", self)
        self.manage_button.setToolTip("Record or withdraw this client's consents")
        self.manage_button.clicked.connect(self.open_dialog)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAccessibleName("Consents in force")
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName("Consent warning")
        self.warning.setStyleSheet(f"color: {style_sheet_colour(ERROR_COLOURS)};"
                                   " font-weight: 600;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.label, 1)
        top.addWidget(self.manage_button)
        layout.addLayout(top)
        layout.addWidget(self.warning)
        self.refresh()

    def refresh(self) -> None:
        held = self.consents.for_session(self.session_id)
        parts = [f"{self.consents.title(r.template_id)} v{r.template_version} "
                 f"(signed {human_date(r.signed_on)}, review by {human_date(r.review_on)})"
                 for r in held]
        self.label.setText("Consents in force: " + ("; ".join(parts) if parts else "none"))
        missing = self.consents.missing_for_dosing(self.session_id)
        self.warning.setText("\n".join(f"No current {t.title}: dosing needs it, or a reason "
                                       "when signing." for t in missing))
        self.warning.setVisible(bool(missing))

    def open_dialog(self) -> None:
        self.dialog = ConsentsDialog(self.consents, self.client_id,
                                     self.consents.clock().date(), self)
        self.dialog.finished.connect(self.refresh)
        self.dialog.open()
