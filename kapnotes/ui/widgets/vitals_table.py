"""The vitals log of a dosing session: an entry row (role, BP, HR, SpO2, time) whose one
shortcut adds a reading stamped now (or at the time typed, when writing up afterwards), the
findings banner, and the table of readings with corrections and strikes. A typed time a little
later than the clock (a monitor running fast) is kept, with a note under the row naming both.

The service does every check: a refused value is shown under the entry row, naming the
field, and the typed values stay so only the wrong one needs retyping. Nothing is stored.
A value outside the usual range offers "Record as typed" (a true extreme reading is kept
after that confirmation). Correcting or striking a reading in a draft keeps the original,
shown struck through with its reason (kapnotes/ui/widgets/vitals_changes.py).
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
from kapnotes.domain.monitoring import reading_after_clock_note
from kapnotes.domain.vitals import ReadingRole, Severity, UnusualValueError
from kapnotes.services.monitoring import MonitoringService
from kapnotes.ui.widgets.monitoring_style import (
    ALERT,
    ALERT_BG,
    CAUTION,
    CAUTION_BG,
    MUTED,
    banner_style,
    colour,
    error_label,
    fit_table_height,
    hex_,
    show_message,
)
from kapnotes.ui.widgets.vitals_changes import ReadingChanges, reading_time

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

        entry = self._build_entry_row()
        self._build_table()
        self._lay_out(entry)
        self.reload()

    # -- building ------------------------------------------------------------------------------
    def _build_entry_row(self) -> QHBoxLayout:
        """Role, the four values, an optional time, Add (Ctrl+Shift+V); the error line."""
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
        self.time_edit = QLineEdit(self)
        self.time_edit.setAccessibleName("Time taken")
        self.time_edit.setPlaceholderText("now")
        self.time_edit.setToolTip("Leave empty for now; type HH:MM for a reading written up "
                                  "afterwards")
        self.time_edit.setMaxLength(5)
        self.time_edit.setFixedWidth(self.time_edit.fontMetrics().horizontalAdvance("00:00")
                                     + 24)
        self.time_edit.returnPressed.connect(self.add_now)
        entry.addWidget(QLabel("at", self))
        entry.addWidget(self.time_edit)
        self.add_button = QPushButton(f"Add reading now ({ADD_SHORTCUT})", self)
        self.add_button.setAccessibleName("Add reading now")
        self.add_button.clicked.connect(self.add_now)
        self.confirm_button = QPushButton("Record as typed: it is the real reading", self)
        self.confirm_button.setAccessibleName("Record unusual reading as typed")
        self.confirm_button.clicked.connect(lambda: self.add_now(confirm_unusual=True))
        self.confirm_button.hide()
        entry.addWidget(self.add_button)
        entry.addStretch(1)
        # Window-wide so it works while typing in the note form beside the panel; a hidden
        # panel's shortcut is inactive, so there is no clash with another session.
        self.shortcut = QShortcut(QKeySequence(ADD_SHORTCUT), self)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.shortcut_pressed)
        self.error = error_label(self, "Vitals error")
        # Not a refusal: a stored reading's time later than the clock, said in the caution
        # colour under the row (docs/DATES.md, "Clocks that disagree").
        self.time_note = QLabel(self)
        self.time_note.setWordWrap(True)
        self.time_note.setAccessibleName("Reading time note")
        self.time_note.setStyleSheet(f"color: {hex_(CAUTION)};")
        self.time_note.hide()
        return entry

    def _build_table(self) -> None:
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

    def _lay_out(self, entry: QHBoxLayout) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addLayout(entry)
        # The confirm button sits beside the message that asks for it, not in the entry row,
        # where its width pushed the whole panel past a 1366-px screen (seen on a real X
        # server: the route and the unit were cut off).
        asks = QHBoxLayout()
        asks.addWidget(self.error, 1)
        asks.addWidget(self.confirm_button)
        layout.addLayout(asks)
        layout.addWidget(self.time_note)
        layout.addWidget(self.table)
        self.changes = ReadingChanges(self, self)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        layout.addWidget(self.changes)

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

    def add_now(self, *, confirm_unusual: bool = False) -> StoredReading | None:
        """Store the typed reading (or, while correcting, the correction)."""
        values = {field: edit.text() for field, edit in self.edits.items()}
        now = self.clock()
        show_message(self.time_note, "")
        try:
            at = reading_time(self.time_edit.text(), now,
                              self.monitoring.session_day(self.session_id))
            if self.changes.correcting is not None:
                stored = self.changes.save_correction(values, self.role(), at,
                                                      confirm_unusual)
            else:
                stored = self.monitoring.add_reading(self.session_id, self.role(), values,
                                                     at=at, confirm_unusual=confirm_unusual)
        except (ValidationError, ConflictError) as exc:
            field = getattr(exc, "field", "")
            show_message(self.error, getattr(exc, "reason", str(exc)))
            self.confirm_button.setVisible(isinstance(exc, UnusualValueError))
            target = self.time_edit if field == "taken_at" else self.edits.get(field)
            if target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                target.selectAll()
            return None
        show_message(self.error, "")
        show_message(self.time_note, reading_after_clock_note(at, now))
        self.confirm_button.hide()
        for edit in (*self.edits.values(), self.time_edit):
            edit.clear()
        self._role_chosen_by_hand = False
        self.changes.finish()
        self.reload()
        self.reading_added.emit(stored.id)
        return stored

    # -- display -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Every reading in time order, struck ones (kept originals) struck through."""
        self.readings = self.monitoring.readings(self.session_id, with_struck=True)
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
            if stored.struck:
                words = stored.change_reason
            elif stored.corrects_id is not None:
                words = "; ".join(w for w in ("Correction", words) if w)
            if r.confirmed_unusual and not stored.struck:
                words = "; ".join(w for w in ("Unusual value confirmed", words) if w)
            time_text = r.taken_at.strftime("%H:%M") if r.taken_at else ""
            if (stored.entered_at and r.taken_at
                    and (stored.entered_at - r.taken_at).total_seconds() > 15 * 60):
                time_text += f" (entered {stored.entered_at:%H:%M})"
            cells = (time_text, minute, r.role.label, bp, _text(r.heart_rate), _text(r.spo2),
                     words)
            worst = None if stored.struck else _worst(stored)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, stored.id)
                if col == 6:
                    item.setToolTip(text)
                if col in (1, 3, 4, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if stored.struck:
                    font = item.font()
                    font.setStrikeOut(col != 6)
                    item.setFont(font)
                    item.setForeground(colour(MUTED))
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
        for w in (*self.edits.values(), self.role_combo, self.add_button, self.time_edit,
                  self.confirm_button):
            w.setEnabled(editable)
        self.changes.set_editable(editable)
        self.shortcut.setEnabled(editable)

    def selected_reading(self) -> StoredReading | None:
        """The reading of the selected table row, if it is still counted (not struck)."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.readings) or self.readings[row].struck:
            return None
        return self.readings[row]

    def load_for_correction(self, stored: StoredReading) -> None:
        """Fill the entry row with a reading's values (the change section calls this)."""
        r = stored.reading
        for field, edit in self.edits.items():
            value = getattr(r, field)
            edit.setText("" if value is None else str(value))
        self.set_role(r.role)
        self._role_chosen_by_hand = True
        self.time_edit.setText(f"{r.taken_at:%H:%M}" if r.taken_at else "")
        self.add_button.setText("Save correction")
        self.edits["systolic"].setFocus(Qt.FocusReason.OtherFocusReason)

    def reset_entry(self) -> None:
        self.add_button.setText(f"Add reading now ({ADD_SHORTCUT})")
        for edit in (*self.edits.values(), self.time_edit):
            edit.clear()
        self._role_chosen_by_hand = False
        self.suggest_role()


def _text(value: int | None) -> str:
    return "—" if value is None else str(value)


def _worst(stored: StoredReading) -> Severity | None:
    severities = {f.severity for f in stored.findings}
    if Severity.ALERT in severities:
        return Severity.ALERT
    return Severity.CAUTION if severities else None
