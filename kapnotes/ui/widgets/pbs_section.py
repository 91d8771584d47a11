"""The client dialog's PBS section (docs/JURISDICTIONS.md, "PBS eligibility sheet"): prior
antidepressant trials in this episode (medicine, dose, duration, response), the newly started
oral antidepressant and the treating specialist. Each trial is stored when added or removed;
the details with their own Save button. A new client is saved first (the section says so)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError, ValidationError
from kapnotes.domain.pbs import AntidepressantTrial, PbsDetails
from kapnotes.services.container import Services
from kapnotes.services.pbs_sheet import PbsRecords
from kapnotes.ui.widgets.monitoring_style import error_label, muted, show_message

COLUMNS = ("Medicine", "Dose", "Weeks", "Response")


def _day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError("Started", "must be a date like 2026-11-02, or empty") from None


class PbsSection(QGroupBox):
    def __init__(self, services: Services, client_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__("PBS eligibility (esketamine)", parent)
        self.setObjectName("pbs_section")
        self.records = PbsRecords(services.vault)
        self.client_id = client_id
        self.trials: list[AntidepressantTrial] = []
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Prior antidepressant trials")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(130)
        self.medicine, self.dose, self.response = (QLineEdit(self) for _ in range(3))
        for edit, name in ((self.medicine, "Trial medicine"), (self.dose, "Trial dose"),
                           (self.response, "Trial response")):
            edit.setAccessibleName(name)
            edit.setPlaceholderText(name.split()[-1].lower())
        self.weeks = QSpinBox(self)
        self.weeks.setRange(0, 520)
        self.weeks.setSpecialValueText("weeks")
        self.weeks.setAccessibleName("Trial weeks")
        self.add_button = QPushButton("Add trial", self)
        self.remove_button = QPushButton("Remove trial", self)
        self.add_button.clicked.connect(self.add_trial)
        self.remove_button.clicked.connect(self.remove_trial)
        entry = QHBoxLayout()
        for w in (self.medicine, self.dose, self.weeks, self.response, self.add_button):
            entry.addWidget(w)
        self.oral, self.started, self.specialist = (QLineEdit(self) for _ in range(3))
        self.oral.setAccessibleName("Newly started oral antidepressant")
        self.started.setAccessibleName("Oral antidepressant started")
        self.started.setPlaceholderText("YYYY-MM-DD")
        self.specialist.setAccessibleName("Treating specialist")
        self.save_button = QPushButton("Save PBS details", self)
        self.save_button.clicked.connect(self.save_details)
        form = QFormLayout()
        form.addRow("New oral antidepressant:", self.oral)
        form.addRow("Started:", self.started)
        form.addRow("Treating specialist:", self.specialist)
        self.error = error_label(self, "PBS section error")
        self.note = muted(QLabel("Save the new client first; then record the trials here.",
                                 self))
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        layout.addLayout(entry)
        layout.addWidget(self.remove_button)
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addWidget(self.error)
        self.load()

    def load(self) -> None:
        known = self.client_id is not None
        self.note.setVisible(not known)
        for w in (self.table, self.add_button, self.remove_button, self.save_button,
                  self.medicine, self.dose, self.weeks, self.response, self.oral,
                  self.started, self.specialist):
            w.setEnabled(known)
        if self.client_id is None:
            return
        self.trials = self.records.trials(self.client_id)
        self.table.setRowCount(len(self.trials))
        for n, t in enumerate(self.trials):
            for col, text in enumerate((t.medicine, t.dose, str(t.duration_weeks or ""),
                                        t.response)):
                self.table.setItem(n, col, QTableWidgetItem(text))
        d = self.records.details(self.client_id)
        self.oral.setText(d.oral_antidepressant)
        self.started.setText(d.antidepressant_start.isoformat() if d.antidepressant_start
                             else "")
        self.specialist.setText(d.specialist)

    def add_trial(self) -> None:
        if self.client_id is None:
            return
        try:
            self.records.add_trial(self.client_id, AntidepressantTrial(
                self.medicine.text(), self.dose.text(), self.weeks.value() or None,
                self.response.text()))
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return
        show_message(self.error, "")
        for edit in (self.medicine, self.dose, self.response):
            edit.clear()
        self.weeks.setValue(0)
        self.load()
        self.medicine.setFocus()

    def remove_trial(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.trials) or self.trials[row].id is None:
            show_message(self.error, "Choose the trial to remove first.")
            return
        self.records.delete_trial(int(self.trials[row].id or 0))
        show_message(self.error, "")
        self.load()

    def save_details(self, *, only_if_changed: bool = False) -> bool:
        """Store the details (the dialog's Save calls this too, storing only a change)."""
        if self.client_id is None:
            return True
        try:
            details = PbsDetails(self.oral.text().strip(), _day(self.started.text()),
                                 self.specialist.text().strip())
            if only_if_changed and details == self.records.details(self.client_id):
                return True
            self.records.set_details(self.client_id, details)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return False
        show_message(self.error, "Saved.")
        return True
