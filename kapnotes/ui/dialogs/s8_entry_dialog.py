"""One Schedule 8 register entry: receipt, wastage, destruction, transfer in or out,
stocktake, or a correction of an entry (docs/JURISDICTIONS.md).

Only the fields the kind needs are shown. Save asks the service; a refusal (a missing witness,
a count that differs without an explanation, a balance that would go below zero) is shown
under the form, naming the field, and the dialog stays open with everything typed kept.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_register import MAX_UNITS, EntryDraft, Register, RegisterEntry
from kapnotes.services.clinician import clinician_name
from kapnotes.services.clock import aware
from kapnotes.services.s8_register import S8RegisterService
from kapnotes.ui.widgets.monitoring_style import error_label, show_message

# kind → the fields it shows besides when, quantity and who enters it.
FIELDS: dict[EntryKind, tuple[str, ...]] = {
    EntryKind.RECEIPT: ("supplier", "invoice"),
    EntryKind.WASTAGE: ("witness", "explanation"),
    EntryKind.DESTRUCTION: ("witness", "explanation"),
    EntryKind.TRANSFER_IN: ("party",),
    EntryKind.TRANSFER_OUT: ("party",),
    EntryKind.STOCKTAKE: ("explanation",),
    EntryKind.CORRECTION: ("witness", "explanation"),
}
QUANTITY_LABEL = {EntryKind.STOCKTAKE: "Counted balance",
                  EntryKind.CORRECTION: "Right quantity"}
EXPLANATION_LABEL = {EntryKind.WASTAGE: "What happened", EntryKind.DESTRUCTION: "Reason",
                     EntryKind.STOCKTAKE: "Explanation of a discrepancy",
                     EntryKind.CORRECTION: "What was wrong"}


class S8EntryDialog(QDialog):
    """Add one entry of `kind` to `register` (a correction names `corrects`)."""

    def __init__(self, s8: S8RegisterService, register: Register, kind: EntryKind, *,
                 corrects: RegisterEntry | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.s8, self.register, self.kind, self.corrects = s8, register, kind, corrects
        what = f"correction of entry {corrects.id}" if corrects else kind.label.lower()
        self.setWindowTitle(f"{register.title}: {what}")
        self.setObjectName("s8_entry_dialog")
        self.setAccessibleName(self.windowTitle())
        form = QFormLayout()
        now = int(aware(s8.clock()).timestamp())
        self.when = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(now), self)
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("dd MMM yyyy HH:mm")
        form.addRow("&When", self.when)
        self.quantity = QSpinBox(self)
        self.quantity.setRange(0, MAX_UNITS)
        self.quantity.setSuffix(f" {register.unit}(s)")
        if corrects is not None:
            self.quantity.setValue(corrects.quantity)
        form.addRow(QUANTITY_LABEL.get(kind, "&Quantity"), self.quantity)
        self.balance_note = QLabel(self)
        self.balance_note.setWordWrap(True)
        self.balance = s8.balance(register.id)
        if kind is EntryKind.STOCKTAKE:
            self.quantity.setValue(self.balance)
            self.quantity.valueChanged.connect(self._show_discrepancy)
            form.addRow("", self.balance_note)
        self.edits: dict[str, QLineEdit] = {}
        for name, label in (("supplier", "&Supplier"), ("invoice", "&Invoice"),
                            ("party", "&From" if kind is EntryKind.TRANSFER_IN else "&To"),
                            ("witness", "Wi&tness")):
            if name in FIELDS[kind]:
                self.edits[name] = QLineEdit(self)
                self.edits[name].setAccessibleName(label.replace("&", ""))
                form.addRow(label, self.edits[name])
        self.explanation = QPlainTextEdit(self)
        self.explanation.setAccessibleName(EXPLANATION_LABEL.get(kind, "Explanation"))
        self.explanation.setFixedHeight(70)
        if "explanation" in FIELDS[kind]:
            form.addRow(EXPLANATION_LABEL[kind], self.explanation)
        else:
            self.explanation.hide()
        self.recorded_by = QLineEdit(clinician_name(s8.vault) or s8.vault.actor.clinician, self)
        self.recorded_by.setAccessibleName("Entered by")
        form.addRow("&Entered by", self.recorded_by)
        self.error = error_label(self, "Register entry error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if corrects is not None:
            intro = QLabel(f"Entry {corrects.id} ({corrects.kind.label.lower()}, "
                           f"{corrects.quantity}) stays as it is; this correction is a new "
                           "entry naming it, and both are shown.", self)
            intro.setWordWrap(True)
            layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._show_discrepancy()

    def _show_discrepancy(self) -> None:
        if self.kind is not EntryKind.STOCKTAKE:
            return
        diff = self.quantity.value() - self.balance
        self.balance_note.setText(
            f"Register balance: {self.balance}." + (
                f" Discrepancy {diff:+d}: explain it below." if diff else " No discrepancy."))

    def _text(self, name: str) -> str:
        edit = self.edits.get(name)
        return edit.text() if edit is not None else ""

    def save(self) -> None:
        when = datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch()).astimezone()
        try:
            if self.corrects is not None:
                self.s8.correct(
                    self.corrects.id, self.quantity.value(),
                    self.explanation.toPlainText(), recorded_by=self.recorded_by.text(),
                    witness=self._text("witness"), occurred_at=when)
            else:
                self.s8.add(self.register.id, EntryDraft(
                    self.kind, when, self.quantity.value(), self.recorded_by.text(),
                    witness=self._text("witness"), supplier=self._text("supplier"),
                    invoice=self._text("invoice"), party=self._text("party"),
                    explanation=self.explanation.toPlainText()))
        except ValidationError as exc:
            show_message(self.error, exc.message)
            return
        self.accept()
