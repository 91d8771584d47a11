"""Correcting and striking a reading of a draft, under the vitals table; and the time typed
for a reading written up afterwards.

Select a reading, write the reason, then "Correct…" (its values go into the entry row above
to be fixed and saved) or "Strike". The service keeps the original, struck, with the reason,
and writes the change to the audit log; a signed note refuses both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from kapnotes.domain.dosing_record import StoredReading
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.vitals import ReadingRole
from kapnotes.ui.widgets.monitoring_style import error_label, show_message

if TYPE_CHECKING:
    from kapnotes.ui.widgets.vitals_table import VitalsLog

_TIME = re.compile(r"^\s*(\d{1,2})[:.h]?(\d{2})\s*$")
FUTURE_SLACK = timedelta(minutes=1)


def reading_time(text: str, now: datetime, day: date | None) -> datetime:
    """Empty: `now`. "HH:MM" (or "HHMM", "H.MM"): that time on the session's day. A time
    more than FUTURE_SLACK later than now is refused (ValidationError "taken_at"); one
    within it is kept as typed (the log says so: reading_after_clock_note)."""
    if not text.strip():
        return now
    match = _TIME.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValidationError("taken_at", "type the time the reading was taken as HH:MM "
                                          "(or leave it empty for now)")
    at = datetime.combine(day or now.date(), time(int(match[1]), int(match[2])))
    if now.tzinfo is not None:
        at = at.astimezone()
    if at > now + FUTURE_SLACK:
        raise ValidationError("taken_at", f"{at:%H:%M} is later than now ({now:%H:%M}): "
                                          "type the time the reading was taken")
    return at


class ReadingChanges(QWidget):
    """Reason + "Correct selected…" + "Strike selected" (+ "Cancel" while correcting)."""

    changed = Signal()

    def __init__(self, log: VitalsLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log = log
        self.correcting: int | None = None
        self.reason = QLineEdit(self)
        self.reason.setAccessibleName("Reason for correcting or striking")
        self.reason.setPlaceholderText("Reason for correcting or striking the selected reading")
        self.correct_button = QPushButton("Correct selected…", self)
        self.correct_button.setAccessibleName("Correct selected reading")
        self.correct_button.clicked.connect(self.start_correction)
        self.strike_button = QPushButton("Strike selected", self)
        self.strike_button.setAccessibleName("Strike selected reading")
        self.strike_button.clicked.connect(self.strike)
        self.cancel_button = QPushButton("Cancel correction", self)
        self.cancel_button.clicked.connect(self.finish)
        self.cancel_button.hide()
        self.error = error_label(self, "Correction error")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Change a reading:", self))
        row.addWidget(self.reason, 1)
        for w in (self.correct_button, self.strike_button, self.cancel_button):
            row.addWidget(w)
        row.addWidget(self.error)

    def _selected(self) -> StoredReading | None:
        stored = self.log.selected_reading()
        if stored is None:
            show_message(self.error, "Select a reading in the table first.")
        return stored

    def start_correction(self) -> None:
        stored = self._selected()
        if stored is None:
            return
        show_message(self.error, "")
        self.correcting = stored.id
        self.cancel_button.show()
        self.log.load_for_correction(stored)

    def save_correction(self, values: Mapping[str, object], role: ReadingRole, at: datetime,
                        confirm_unusual: bool) -> StoredReading:
        """Called by the log's add: raises ValidationError naming the field, stores nothing."""
        assert self.correcting is not None
        return self.log.monitoring.correct_reading(
            self.log.session_id, self.correcting, values, reason=self.reason.text(), role=role,
            at=at, confirm_unusual=confirm_unusual)

    def strike(self) -> None:
        stored = self._selected()
        if stored is None:
            return
        try:
            self.log.monitoring.strike_reading(self.log.session_id, stored.id,
                                               reason=self.reason.text())
        except (ValidationError, ConflictError) as exc:
            show_message(self.error, str(exc))  # names the field: "Reason for striking: …"
            self.reason.setFocus()
            return
        self.finish()
        self.log.reload()
        self.log.reading_added.emit(stored.id)

    def finish(self) -> None:
        """Leave correcting (after saving, or cancelled): the entry row is for new readings."""
        was_correcting = self.correcting is not None
        self.correcting = None
        self.reason.clear()
        self.cancel_button.hide()
        show_message(self.error, "")
        if was_correcting:
            self.log.reset_entry()

    def set_editable(self, editable: bool) -> None:
        for w in (self.reason, self.correct_button, self.strike_button, self.cancel_button):
            w.setEnabled(editable)
