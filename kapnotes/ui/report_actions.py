"""Reports → Approvals…, TGA six-monthly report…, Adverse-event line list…, PBS eligibility
sheet… (docs/JURISDICTIONS.md, "Reports"): the same reports as `kapnotes report …`, from the
same services. Each report asks what it needs (period, dates or client) and where to save.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.container import Services
from kapnotes.ui.menu_action import menu_action
from kapnotes.ui.widgets.monitoring_style import error_label, show_message
from kapnotes.ui.widgets.qt_dates import from_qdate, to_qdate

if TYPE_CHECKING:  # opened from the Reports menu; not needed to show the window
    from kapnotes.ui.approvals_view import ApprovalsDialog

TGA, ADVERSE, PBS = "tga_six_monthly", "adverse_events", "pbs_sheet"
STARTUP_NOTICE_MS = 400  # after the window's first paint (and the client page prepared, 250 ms)
TITLES = {TGA: "TGA Authorised Prescriber six-monthly report",
          ADVERSE: "Adverse-event line list", PBS: "PBS eligibility sheet (esketamine)"}


class ReportDialog(QDialog):
    """What one report needs, and Save… (PDF, or CSV where the report has one)."""

    def __init__(self, services: Services, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.kind = kind
        self.setWindowTitle(TITLES[kind])
        form = QFormLayout()
        today = services.clock().date()
        self.period = QComboBox(self)
        self.period.setAccessibleName("Period")
        for year in range(today.year, today.year - 4, -1):
            for half in ("H2", "H1"):
                self.period.addItem(f"{year}{half}", f"{year}{half}")
        self.period.setCurrentIndex(max(self.period.findData(self._last_period(today)), 0))
        self.first, self.last = QDateEdit(self), QDateEdit(self)
        for edit, day, name in ((self.first, today.replace(day=1), "From"),
                                (self.last, today, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setAccessibleName(name)
            edit.setDate(to_qdate(day))
        self.client = QComboBox(self)
        self.client.setAccessibleName("Client")
        for c in services.clients.list(include_archived=True):
            self.client.addItem(c.code, c.code)
        self.format = QComboBox(self)
        self.format.setAccessibleName("Format")
        self.format.addItems(["PDF", "CSV"] if kind != PBS else ["PDF"])
        if kind == TGA:
            form.addRow("&Period:", self.period)
        elif kind == ADVERSE:
            form.addRow("&From:", self.first)
            form.addRow("&To:", self.last)
        else:
            form.addRow("&Client:", self.client)
        form.addRow("F&ormat:", self.format)
        for unused in (self.period, self.first, self.last, self.client):
            if form.indexOf(unused) < 0:  # another report's field: not shown at all
                unused.hide()
        self.setMinimumWidth(380)
        self.save_button = QPushButton("&Save…", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self.save())
        self.error = error_label(self, "Report error")
        self.done_label = QLabel(self)
        self.done_label.setObjectName("report_saved")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addWidget(self.error)
        layout.addWidget(self.done_label)

    @staticmethod
    def _last_period(today: date) -> str:
        return f"{today.year}H1" if today.month >= 7 else f"{today.year - 1}H2"

    def suggested_name(self) -> str:
        suffix = "." + self.format.currentText().lower()
        if self.kind == TGA:
            return f"TGA six-monthly report {self.period.currentData()}{suffix}"
        if self.kind == ADVERSE:
            return (f"Adverse events {from_qdate(self.first.date())} to "
                    f"{from_qdate(self.last.date())}{suffix}")
        return f"{self.client.currentData()} PBS eligibility sheet.pdf"

    def save(self, path: Path | None = None) -> Path | None:
        from kapnotes.services import pbs_sheet, regulator_reports  # the export stack, now

        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Save report", self.suggested_name())
            if not chosen:
                return None
            path = Path(chosen)
        try:
            if self.kind == PBS:
                job = pbs_sheet.build_pbs_sheet(self.services, str(self.client.currentData()
                                                                   or ""))
                written = pbs_sheet.export(self.services, job, path, replace=True)
            else:
                data = regulator_reports.tga_six_monthly(
                    self.services, str(self.period.currentData())) if self.kind == TGA else \
                    regulator_reports.adverse_events(self.services, from_qdate(self.first.date()),
                                                     from_qdate(self.last.date()))
                written = regulator_reports.write_report(self.services, self.kind, data, path,
                                                         replace=True)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return None
        show_message(self.error, "")
        self.done_label.setText(f"Saved {written.name}.")
        return written


class RegulatorReportActions:
    """The Reports menu's approvals and regulator reports (kapnotes/ui/workspace.py adds it)."""

    def __init__(self, services: Services, window: QMainWindow) -> None:
        self.services = services
        self.window = window
        self.approvals_dialog: ApprovalsDialog | None = None
        menu = getattr(window, "reports_menu", None)
        self.approvals_action = menu_action(window, menu, "&Approvals and permits…",
                                            "approvals", slot=self.open_approvals)
        for kind, text in ((TGA, "&TGA six-monthly report…"),
                           (ADVERSE, "A&dverse-event line list…"),
                           (PBS, "&PBS eligibility sheet…")):
            menu_action(window, menu, text, kind, slot=partial(self.open_report, kind))
        # After the window has shown and painted (not on its way up: it reads the approvals
        # and loads the regulator reports): what lapses soon, reports due soon.
        QTimer.singleShot(STARTUP_NOTICE_MS, self.startup_notice)

    def startup_notice(self) -> str:
        """One status-bar line at start-up naming approvals lapsing within 30 days and
        regulator reports due soon (Reports → Approvals and permits… lists them)."""
        from kapnotes.services import regulator_reports

        try:
            lapsing = self.services.approvals.lapsing(30)
            due = regulator_reports.reminders(self.services)
        except KapNotesError:
            return ""
        parts = []
        if lapsing:
            n = len(lapsing)
            parts.append(f"{n} approval lapses within 30 days" if n == 1
                         else f"{n} approvals lapse within 30 days")
        parts += due
        text = "; ".join(parts)
        if text and isinstance(self.window, QMainWindow):
            self.window.statusBar().showMessage(
                f"⚠ {text} (Reports → Approvals and permits…)", 30_000)
        return text

    def open_approvals(self) -> ApprovalsDialog:
        if self.approvals_dialog is None:
            from kapnotes.ui.approvals_view import ApprovalsDialog  # with the regulator reports

            self.approvals_dialog = ApprovalsDialog(self.services, parent=self.window)
        self.approvals_dialog.refresh()
        self.approvals_dialog.show()
        self.approvals_dialog.raise_()
        return self.approvals_dialog

    def open_report(self, kind: str) -> ReportDialog:
        dialog = ReportDialog(self.services, kind, parent=self.window)
        dialog.open()
        return dialog
