"""Reports → Approvals…: every approval, permit and authorisation, what lapses in the next 30
days, and reports due soon (docs/JURISDICTIONS.md). Add, edit and delete through the approval
service (audited); refused input is named under the form and nothing is kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.approval_model import Approval, Holder
from kapnotes.domain.dates import human_date
from kapnotes.domain.errors import KapNotesError
from kapnotes.services import regulator_reports
from kapnotes.services.approvals import ApprovalRow
from kapnotes.services.changes import Changes
from kapnotes.services.container import Services
from kapnotes.ui.change_signals import on_changes
from kapnotes.ui.widgets.monitoring_style import error_label, muted, show_message
from kapnotes.ui.widgets.qt_dates import from_qdate, to_qdate
from kapnotes.ui.widgets.slot_style import WARNING_COLOURS, style_sheet_colour

COLUMNS = ("Ends", "Days left", "Holder", "Approval", "Reference", "Medicine")
LAPSE_DAYS = 30


class ApprovalEditor(QDialog):
    """One approval's fields; Save stores it through the service or names what is wrong."""

    def __init__(self, services: Services, approval: Approval | None = None, *,
                 client_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.approval = approval
        self.saved: Approval | None = None
        self.setWindowTitle("Edit approval" if approval else "New approval")
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Approval kind")
        for rule in services.approvals.rules().values():
            self.kind.addItem(rule.title, rule.id)
        self.client = QComboBox(self)
        self.client.setAccessibleName("Client")
        self.client.addItem("Prescriber's own (no client)", None)
        for c in services.clients.list(include_archived=True):
            self.client.addItem(c.code, c.id)
        self.medicine, self.indication, self.reference, self.ethics, self.prescriber, \
            self.notes = (QLineEdit(self) for _ in range(6))
        today = services.clock().date()
        self.starts, self.ends = QDateEdit(self), QDateEdit(self)
        for edit, day in ((self.starts, today), (self.ends, today + timedelta(days=365))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setDate(to_qdate(day))
        form = QFormLayout()
        for label, w in (("&Kind:", self.kind), ("C&lient:", self.client),
                         ("&Medicine:", self.medicine), ("&Indication:", self.indication),
                         ("&Ethics approval:", self.ethics), ("&Reference:", self.reference),
                         ("&Prescriber:", self.prescriber), ("&Starts:", self.starts),
                         ("E&nds:", self.ends), ("N&otes:", self.notes)):
            form.addRow(label, w)
            if isinstance(w, QLineEdit):
                w.setAccessibleName(label.replace("&", "").rstrip(":"))
        self.error = error_label(self, "Approval error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        if approval is not None:
            self._fill(approval)
        elif client_id is not None:
            self.client.setCurrentIndex(max(self.client.findData(client_id), 0))
            self.kind.setCurrentIndex(max(next((n for n in range(self.kind.count())
                                                if self._holder(n) is Holder.CLIENT), 0), 0))
        self._kind_changed()

    def _holder(self, index: int) -> Holder | None:
        rule = self.services.approvals.rules().get(self.kind.itemData(index))
        return None if rule is None else rule.holder

    def _kind_changed(self) -> None:
        prescriber = self._holder(self.kind.currentIndex()) is Holder.PRESCRIBER
        if prescriber:
            self.client.setCurrentIndex(0)
        self.client.setEnabled(not prescriber)

    def _fill(self, a: Approval) -> None:
        self.kind.setCurrentIndex(max(self.kind.findData(a.kind), 0))
        self.client.setCurrentIndex(max(self.client.findData(a.client_id), 0))
        for edit, value in ((self.medicine, a.medicine), (self.indication, a.indication),
                            (self.reference, a.reference), (self.ethics, a.ethics_approval),
                            (self.prescriber, a.prescriber), (self.notes, a.notes)):
            edit.setText(value)
        self.starts.setDate(to_qdate(a.starts_on))
        self.ends.setDate(to_qdate(a.ends_on))

    def value(self) -> Approval:
        return Approval(
            kind=str(self.kind.currentData() or ""), client_id=self.client.currentData(),
            medicine=self.medicine.text(), indication=self.indication.text(),
            reference=self.reference.text(), ethics_approval=self.ethics.text(),
            prescriber=self.prescriber.text(), notes=self.notes.text(),
            starts_on=from_qdate(self.starts.date()), ends_on=from_qdate(self.ends.date()),
            id=self.approval.id if self.approval else None)

    def save(self) -> None:
        try:
            value = self.value()
            self.saved = self.services.approvals.update(value) if value.id is not None \
                else self.services.approvals.add(value)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return
        self.accept()


class ApprovalsDialog(QDialog):
    """The practice's approvals: the lapsing list on top, then every approval."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("Approvals, permits and authorisations")
        self.resize(860, 520)
        self.lapsing_label = QLabel(self)
        self.lapsing_label.setObjectName("lapsing_label")
        self.lapsing_label.setAccessibleName("Lapsing in the next 30 days")
        self.lapsing_label.setWordWrap(True)
        self.reminder_label = QLabel(self)
        self.reminder_label.setObjectName("report_reminders")
        self.reminder_label.setAccessibleName("Reports due")
        self.reminder_label.setWordWrap(True)
        caution = f"color: {style_sheet_colour(WARNING_COLOURS)}; font-weight: 600;"
        self.reminder_label.setStyleSheet(caution)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Approvals")
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.add_button = QPushButton("&Add…", self)
        self.edit_button = QPushButton("&Edit…", self)
        self.delete_button = QPushButton("&Delete", self)
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.delete_button.clicked.connect(self.delete_selected)
        self.error = error_label(self, "Approvals error")
        self.empty = muted(QLabel("No approvals are recorded. Add one with Add… (the kinds "
                                  "come from the jurisdiction chosen in the practice policy).",
                                  self))
        self.empty.setWordWrap(True)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reminder_label)
        layout.addWidget(self.lapsing_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self.rows: list[ApprovalRow] = []
        on_changes(services, self, self._changed)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if changes.touches("clients"):
            self.refresh()

    def refresh(self) -> None:
        approvals = self.services.approvals
        self.rows = approvals.rows(approvals.all())
        self.table.setRowCount(len(self.rows))
        for n, r in enumerate(self.rows):
            cells = (human_date(r.approval.ends_on), str(r.days_left), r.holder,
                     r.title.split(" (")[0], r.approval.reference, r.approval.medicine)
            for col, text in enumerate(cells):
                self.table.setItem(n, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.empty.setVisible(not self.rows)
        soon = approvals.lapsing(LAPSE_DAYS)
        self.lapsing_label.setText(
            "Lapsing in the next 30 days: " + "; ".join(
                f"{r.holder} {r.title.split(' (')[0]} ({human_date(r.approval.ends_on)})"
                for r in soon) if soon else "Nothing lapses in the next 30 days.")
        self.lapsing_label.setStyleSheet(
            f"color: {style_sheet_colour(WARNING_COLOURS)}; font-weight: 600;" if soon else "")
        reminders = regulator_reports.reminders(self.services)
        self.reminder_label.setText("\n".join(f"⚠ {line}" for line in reminders))
        self.reminder_label.setVisible(bool(reminders))

    def add(self, client_id: int | None = None) -> ApprovalEditor:
        editor = ApprovalEditor(self.services, client_id=client_id, parent=self)
        editor.open()
        return editor

    def selected(self) -> Approval | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            show_message(self.error, "Choose an approval first.")
            return None
        show_message(self.error, "")
        return self.rows[row].approval

    def edit_selected(self) -> ApprovalEditor | None:
        chosen = self.selected()
        if chosen is None:
            return None
        editor = ApprovalEditor(self.services, replace(chosen), parent=self)
        editor.open()
        return editor

    def confirm(self, text: str) -> bool:
        """Asked before a delete."""
        return QMessageBox.question(self, "Delete approval", text) \
            == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None and chosen.id is not None and self.confirm(
                f"Delete this approval (ends {human_date(chosen.ends_on)})? The audit log keeps "
                "a record that it was deleted."):
            try:
                self.services.approvals.delete(chosen.id)
            except KapNotesError as exc:
                show_message(self.error, exc.message)

