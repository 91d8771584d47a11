"""Discharge readiness under the "Discharged now" button: whether the client may leave (at
the discharge time, or now) and, if not, why; and the reason row a discharge before that
needs. Never green while a criterion is unmet (kapnotes/domain/discharge.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kapnotes.services.monitoring import MonitoringService
from kapnotes.ui.widgets.dose_extras import OverrideRow
from kapnotes.ui.widgets.monitoring_style import (
    ALERT,
    ALERT_BG,
    CAUTION,
    CAUTION_BG,
    INFO_BG,
    MUTED,
    OK,
    banner_style,
)


class DischargeReadiness(QWidget):
    """The readiness list and, when a discharge needs it, the written-reason row;
    `reason_given(str)` when the clinician submits one."""

    reason_given = Signal(str)

    def __init__(self, monitoring: MonitoringService, session_id: int,
                 clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitoring = monitoring
        self.session_id = session_id
        self.clock = clock
        self.label = QLabel(self)
        self.label.setAccessibleName("Discharge readiness")
        self.label.setWordWrap(True)
        self.override = OverrideRow(self)
        self.override.button.setText("Discharge with this reason")
        self.override.submitted.connect(self.reason_given)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.override)

    def ask_reason(self, message: str) -> None:
        self.override.open_row(f"Not ready for discharge: {message} A discharge now needs "
                               "your written reason (kept in the note, the PDF and the audit).")

    def refresh(self) -> None:
        d = self.monitoring.details(self.session_id)
        problems = self.monitoring.discharge_problems(
            self.session_id, None if d.ended_at is not None else self.clock())
        items = "\n".join(f"• {p.message}" for p in problems)
        if not problems:
            text, fg, bg = "Ready for discharge: every discharge criterion is met.", OK, INFO_BG
        elif d.ended_at is not None:
            why = ("with a written reason" if self.monitoring.discharge_overridden(
                self.session_id) else "without a written reason; signing needs one")
            text = f"Discharged before the discharge criteria were met, {why}:\n{items}"
            fg, bg = ALERT, ALERT_BG
        elif self.monitoring.first_device_at(self.session_id) is None:
            # Before the dose the list is a reminder of what discharge will need, not a warning.
            text, fg, bg = f"Before discharge:\n{items}", MUTED, INFO_BG
        else:
            text, fg, bg = f"Not yet ready for discharge:\n{items}", CAUTION, CAUTION_BG
        self.label.setText(text)
        self.label.setStyleSheet(banner_style(fg, bg))
