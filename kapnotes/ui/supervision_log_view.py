"""View → Supervision log… : every supervision session (from replies, or entered by hand) by
date, supervisor, minutes, format and topics, with totals per month or year; add a session
by hand, remove one typed by mistake, and save the log as a signed PDF.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.container import Services
from kapnotes.ui.change_signals import refresh_when
from kapnotes.ui.review_panels import SessionPanel
from kapnotes.ui.widgets.monitoring_style import error_label, show_message

COLUMNS = ("Date", "Supervisor", "Minutes", "Format", "Topics", "Source")
TOTAL_COLUMNS = ("Period", "Sessions", "Minutes", "Individual", "Group")
EMPTY = "No supervision sessions logged yet. They arrive with imported replies, or add one."


def _table(parent: QWidget, columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns), parent)
    table.setHorizontalHeaderLabels(columns)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


class AddSessionDialog(QDialog):
    """A supervision session entered by hand."""

    def __init__(self, services: Services, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.entry: int | None = None
        self.setWindowTitle("Add supervision session")
        self.supervisor = QLineEdit(self)
        self.supervisor.setAccessibleName("Supervisor")
        self.session = SessionPanel(today, self)
        self.session.enabled.hide()
        form = QFormLayout()
        form.addRow("&Supervisor:", self.supervisor)
        self.error = error_label(self, "Supervision session error")
        cancel = QPushButton("Cancel", self)
        cancel.clicked.connect(self.reject)
        add = QPushButton("&Add", self)
        add.setDefault(True)
        add.clicked.connect(lambda: self.add())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(add)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.session)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def add(self) -> int | None:
        session = self.session.session()
        assert session is not None  # the panel's "record" box stays ticked here
        try:
            self.entry = self.services.reviews.log_session(self.supervisor.text(), session)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return None
        self.accept()
        return self.entry


class SupervisionLogView(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.add_dialog: AddSessionDialog | None = None
        self.setWindowTitle("Supervision log")
        self.setObjectName("supervision_log_view")
        self.resize(980, 600)
        self.by = QComboBox(self)
        self.by.setAccessibleName("Totals per")
        self.by.addItem("Month", "month")
        self.by.addItem("Year", "year")
        self.by.currentIndexChanged.connect(self.refresh)
        self.table = _table(self, COLUMNS, "Supervision sessions")
        self.table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch)
        self.totals = _table(self, TOTAL_COLUMNS, "Totals per period")
        self.totals.setMaximumHeight(160)
        self.empty = QLabel(EMPTY, self)
        self.empty.setObjectName("log_empty")
        self.summary = QLabel(self)
        # Supervision this clinician gave (replies sent from this vault; schema step 019):
        # apart from the log above, which is supervision received.
        self.given = QLabel(self)
        self.given.setObjectName("log_given")
        self.given.setWordWrap(True)
        self.error = error_label(self, "Supervision log error")
        self.saved = QLabel(self)
        add = QPushButton("&Add session…", self)
        add.clicked.connect(lambda: self.add_session())
        self.remove_button = QPushButton("&Remove (typed by hand)", self)
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        pdf = QPushButton("Save signed &PDF…", self)
        pdf.clicked.connect(lambda: self.save_pdf())
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(QLabel("Totals per:", self))
        top.addWidget(self.by)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.saved)
        buttons.addWidget(pdf)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("<b>Totals</b>", self))
        layout.addWidget(self.totals)
        layout.addWidget(self.given)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        refresh_when(services, self, lambda c: c.reviews, self.refresh)
        self.refresh()

    def refresh(self) -> None:
        reviews = self.services.reviews
        self.rows = reviews.log()
        _fill(self.table, [(r.held_on, r.supervisor, str(r.minutes), r.format,
                            "; ".join(r.topics), "reply" if r.reply_id else "by hand")
                           for r in self.rows])
        totals = reviews.totals(by=str(self.by.currentData()))
        _fill(self.totals, [(t.period, str(t.sessions), str(t.minutes),
                             str(t.individual_minutes), str(t.group_minutes)) for t in totals])
        minutes = sum(r.minutes for r in self.rows)
        self.summary.setText(f"{len(self.rows)} session(s), {minutes} min "
                             f"({minutes / 60:.1f} h) in all")
        self.empty.setVisible(not self.rows)
        given = reviews.given()
        whom = sorted({g.supervisee for g in given if g.supervisee})
        self.given.setText(
            f"Supervision given (replies sent from this vault, not counted above): "
            f"{len(given)} session(s), {sum(g.minutes for g in given)} min"
            + (f", to {', '.join(whom)}" if whom else "") + "." if given else "")
        self.given.setVisible(bool(given))

    def add_session(self) -> AddSessionDialog:
        self.add_dialog = AddSessionDialog(self.services, self.services.clock().date(), self)
        self.add_dialog.open()
        return self.add_dialog

    def remove_selected(self) -> bool:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            show_message(self.error, "Remove: choose a session typed by hand first.")
            return False
        entry = self.rows[row]
        if entry.reply_id:
            show_message(self.error, "Remove: a session from a supervisor's reply cannot be "
                                     "removed.")
            return False
        try:
            self.services.reviews.remove_logged(entry.id)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return False
        show_message(self.error, "")
        return True

    def save_pdf(self, path: Path | None = None) -> Path | None:
        from kapnotes.services import exports  # the export stack, when asked
        from kapnotes.services.supervision_log_pdf import build_log_report

        try:
            job = build_log_report(self.services, by=str(self.by.currentData()))
            if path is None:
                chosen, _ = QFileDialog.getSaveFileName(self, "Save the supervision log",
                                                        job.suggested_name, "PDF (*.pdf)")
                if not chosen:
                    return None
                path = Path(chosen)
            written = exports.export_pdf(self.services, job, path, replace=True)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return None
        show_message(self.error, "")
        self.saved.setText(f"Saved {written.name}.")
        return written
