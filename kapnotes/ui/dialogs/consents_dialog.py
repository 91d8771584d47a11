"""A client's consent records: each with its template, version, signing and review dates and
state on a day (in force, review overdue, withdrawn with the reason); record a new signing
from a template, withdraw one with a date and reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.consents import ConsentRecord
from kapnotes.domain.dates import human_date
from kapnotes.domain.errors import KapNotesError
from kapnotes.services.consents import ConsentService
from kapnotes.ui.widgets.error_line import error_label, show_error
from kapnotes.ui.widgets.qt_dates import from_qdate, to_qdate

COLUMNS = ("Consent", "Version", "Signed", "Review by", "State", "Withdrawal")


class ConsentsDialog(QDialog):
    def __init__(self, consents: ConsentService, client_id: int, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Consents")
        self.consents = consents
        self.client_id = client_id
        self.today = today
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setAccessibleName("Consent records")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.template_box = QComboBox(self)
        self.template_box.setAccessibleName("Consent template")
        for t in consents.templates.values():
            self.template_box.addItem(f"{t.title} (v{t.version})", t.id)
        self.signed_on = QDateEdit(to_qdate(today), self)
        self.signed_on.setCalendarPopup(True)
        self.signed_on.setDisplayFormat("d MMM yyyy")
        self.signed_on.setAccessibleName("Signed on")
        self.record_button = QPushButton("Record signed consent", self)
        self.record_button.clicked.connect(self.record)
        self.withdraw_on = QDateEdit(to_qdate(today), self)
        self.withdraw_on.setAccessibleName("Withdrawn on")
        self.withdraw_on.setDisplayFormat("d MMM yyyy")
        self.reason = QLineEdit(self)
        self.reason.setAccessibleName("Withdrawal reason")
        self.reason.setPlaceholderText("Why the consent was withdrawn (required)")
        self.withdraw_button = QPushButton("Withdraw selected", self)
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        self.error = error_label(self)
        add = QFormLayout()
        add_row = QHBoxLayout()
        add_row.addWidget(self.template_box, 1)
        add_row.addWidget(self.signed_on)
        add_row.addWidget(self.record_button)
        add.addRow("New signing", add_row)
        w_row = QHBoxLayout()
        w_row.addWidget(self.withdraw_on)
        w_row.addWidget(self.reason, 1)
        w_row.addWidget(self.withdraw_button)
        add.addRow("Withdraw", w_row)
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(add)
        layout.addWidget(self.error)
        layout.addWidget(close)
        self.resize(900, 420)
        self._records: list[ConsentRecord] = []
        self.refresh()

    def refresh(self) -> None:
        self._records = self.consents.for_client(self.client_id)
        self.table.setRowCount(len(self._records))
        for row, r in enumerate(self._records):
            withdrawal = (f"{human_date(r.withdrawn_on)}: {r.withdrawal_reason}"
                          if r.withdrawn_on is not None else "")
            cells = (self.consents.title(r.template_id), str(r.template_version),
                     human_date(r.signed_on), human_date(r.review_on),
                     r.state(self.today).value, withdrawal)
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def record(self) -> None:
        self._try(lambda: self.consents.record(self.client_id,
                                               str(self.template_box.currentData()),
                                               signed_on=from_qdate(self.signed_on.date())))

    def withdraw_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._records):
            show_error(self.error, "Choose the consent to withdraw in the list first.")
            return
        record_id = self._records[row].id
        on = from_qdate(self.withdraw_on.date())
        if self._try(lambda: self.consents.withdraw(record_id, on=on,
                                                    reason=self.reason.text())):
            self.reason.clear()

    def _try(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except KapNotesError as exc:
            show_error(self.error, exc.message)
            return False
        show_error(self.error, "")
        self.refresh()
        return True
