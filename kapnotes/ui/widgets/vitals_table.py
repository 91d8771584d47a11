"""The vitals log of a dosing session: an entry row (role, BP, HR, SpO2) whose one shortcut
adds a reading stamped now, the findings banner, and the table of readings.

The service does every check: a refused value is shown under the entry row, naming the
field, and the typed values stay so only the wrong one needs retyping. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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

from kapnotes.domain.dosing_record import StoredReading
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.vitals import ReadingRole, Severity
from kapnotes.services.monitoring import MonitoringService
from kapnotes.ui.widgets.monitoring_style import (
    ALERT,
    ALERT_BG,
    CAUTION_BG,
    banner_style,
    colour,
    error_label,
    fit_table_height,
    show_message,
)

ADD_SHORTCUT = "Ctrl+Shift+V"
COLUMNS = ("Time", "Min", "Role", "BP (mmHg)", "HR (/min)", "SpO2 (%)", "Findings")
_FIELDS = (("systolic", "Sys", "Systolic"), ("diastolic", "Dia", "Diastolic"),
           ("heart_rate", "HR", "Heart rate"), ("spo2", "SpO2", "SpO2"))


class VitalsLog(QWidget):
    """Entry row + banner + table for one session; `reading_added(id)` after each store."""

    reading_added = Signal(int)

    def __init__(self, monitoring: MonitoringService, session_id: int,
                 clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitoring = monitoring
        self.session_id = session_id
        self.clock = clock
        self._role_chosen_by_hand = False
        self.readings: list[StoredReading] = []

        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Vitals findings")
        self.banner.setStyleSheet(banner_style(ALERT, ALERT_BG))
        self.banner.hide()

        self.role_combo = QComboBox(self)
        self.role_combo.setAccessibleName("Reading role")
        for role in ReadingRole:
            self.role_combo.addItem(role.label, role)
        self.role_combo.activated.connect(self._role_touched)
        self.edits: dict[str, QLineEdit] = {}
        entry = QHBoxLayout()
        entry.addWidget(self.role_combo)
        for field, short, name in _FIELDS:
            edit = QLineEdit(self)
            edit.setPlaceholderText(short)
            edit.setAccessibleName(name)
            edit.setMaxLength(4)
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("0000") + 24)
            edit.returnPressed.connect(self.add_now)
            self.edits[field] = edit
            entry.addWidget(edit)
            if field == "systolic":
                entry.addWidget(QLabel("/", self))
        self.add_button = QPushButton(f"Add reading now ({ADD_SHORTCUT})", self)
        self.add_button.setAccessibleName("Add reading now")
        self.add_button.clicked.connect(self.add_now)
        entry.addWidget(self.add_button)
        entry.addStretch(1)
        # Window-wide so it works while typing in the note form beside the panel; a hidden
        # panel's shortcut is inactive, so there is no clash with another session.
        self.shortcut = QShortcut(QKeySequence(ADD_SHORTCUT), self)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.shortcut_pressed)
        self.error = error_label(self, "Vitals error")

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setAccessibleName("Vitals log")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addLayout(entry)
        layout.addWidget(self.error)
        layout.addWidget(self.table)
        self.reload()

    # -- entry ---------------------------------------------------------------------------------
    def _role_touched(self, _index: int) -> None:
        self._role_chosen_by_hand = True

    def role(self) -> ReadingRole:
        return ReadingRole(self.role_combo.currentData())

    def set_role(self, role: ReadingRole) -> None:
        self.role_combo.setCurrentIndex(self.role_combo.findData(role))

    def suggest_role(self) -> None:
        """Follow the clock's suggestion unless the therapist picked a role for this reading."""
        if not self._role_chosen_by_hand:
            self.set_role(self.monitoring.suggested_role(self.session_id, self.clock()))

    def shortcut_pressed(self) -> None:
        """Empty entry row: go to it. Values typed: add them, stamped now."""
        if not self.isEnabled():
            return
        if not any(e.text().strip() for e in self.edits.values()):
            self.suggest_role()
            self.edits["systolic"].setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        self.add_now()

    def add_now(self) -> StoredReading | None:
        values = {field: edit.text() for field, edit in self.edits.items()}
        try:
            stored = self.monitoring.add_reading(self.session_id, self.role(), values,
                                                 at=self.clock())
        except (ValidationError, ConflictError) as exc:
            field = getattr(exc, "field", "")
            show_message(self.error, getattr(exc, "reason", str(exc)))
            if field in self.edits:
                self.edits[field].setFocus(Qt.FocusReason.OtherFocusReason)
                self.edits[field].selectAll()
            return None
        show_message(self.error, "")
        for edit in self.edits.values():
            edit.clear()
        self._role_chosen_by_hand = False
        self.reload()
        self.reading_added.emit(stored.id)
        return stored

    # -- display -------------------------------------------------------------------------------
    def reload(self) -> None:
        self.readings = self.monitoring.readings(self.session_id)
        first = self.monitoring.first_device_at(self.session_id)
        self.table.setRowCount(len(self.readings))
        for row, stored in enumerate(self.readings):
            r = stored.reading
            minute = ""
            if first is not None and r.taken_at is not None:
                minute = f"{int((r.taken_at - first).total_seconds() // 60)}"
            bp = f"{r.systolic}/{r.diastolic}" if r.has_blood_pressure else "—"
            findings = stored.findings
            words = "; ".join(
                ("ALERT: " if f.severity is Severity.ALERT else "Caution: ") + f.message
                for f in findings)
            cells = (r.taken_at.strftime("%H:%M") if r.taken_at else "", minute, r.role.label,
                     bp, _text(r.heart_rate), _text(r.spo2), words)
            worst = _worst(stored)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 6:
                    item.setToolTip(text)
                if col in (1, 3, 4, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if worst is not None:
                    item.setBackground(colour(ALERT_BG if worst is Severity.ALERT
                                              else CAUTION_BG))
                    if col == 6 or (col == 3 and any(f.field == "blood_pressure"
                                                     for f in findings)):
                        item.setForeground(colour(ALERT))
                self.table.setItem(row, col, item)
        fit_table_height(self.table, min_rows=4, max_rows=9)
        if self.readings:
            self.table.scrollToBottom()
        lines = self.monitoring.banner(self.session_id)
        self.banner.setText("\n".join(f"⚠ {line}" for line in lines))
        self.banner.setVisible(bool(lines))
        self.suggest_role()

    def banner_text(self) -> str:
        return self.banner.text() if self.banner.isVisible() else ""

    def set_editable(self, editable: bool) -> None:
        for w in (*self.edits.values(), self.role_combo, self.add_button):
            w.setEnabled(editable)
        self.shortcut.setEnabled(editable)


def _text(value: int | None) -> str:
    return "—" if value is None else str(value)


def _worst(stored: StoredReading) -> Severity | None:
    severities = {f.severity for f in stored.findings}
    if Severity.ALERT in severities:
        return Severity.ALERT
    return Severity.CAUTION if severities else None
