"""The monitoring clock line: minutes since the first device and what is due, refreshed by a
timer. The wall clock is injected, so tests move time by hand and call `refresh()`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from kapnotes.domain.errors import VaultError
from kapnotes.services.monitoring_views import ClockLevel, ClockStatus
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

REFRESH_MS = 10_000  # a minute display needs no finer tick; cheap enough to query the vault

_STYLES = {
    ClockLevel.IDLE: (MUTED, INFO_BG),
    ClockLevel.RUNNING: (MUTED, INFO_BG),
    ClockLevel.DUE: (CAUTION, CAUTION_BG),
    ClockLevel.LATE: (ALERT, ALERT_BG),
    ClockLevel.DONE: (OK, INFO_BG),
}


class MonitoringClockLabel(QLabel):
    """Shows `status_for(now)`; emits `ticked(ClockStatus)` after every refresh."""

    ticked = Signal(object)

    def __init__(self, status_for: Callable[[datetime], ClockStatus],
                 clock: Callable[[], datetime], parent: QWidget | None = None,
                 *, interval_ms: int = REFRESH_MS) -> None:
        super().__init__(parent)
        self._status_for = status_for
        self._clock = clock
        self.status: ClockStatus | None = None
        self.setAccessibleName("Monitoring clock")
        self.setWordWrap(True)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.setFont(font)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def refresh(self) -> None:
        try:
            status = self._status_for(self._clock())
        except VaultError:  # closed or busy: skip this tick, keep what is shown, try again
            return
        self.status = status
        self.setText(status.text)
        fg, bg = _STYLES.get(status.level, (MUTED, INFO_BG))
        sheet = banner_style(fg, bg)
        if sheet != self.styleSheet():  # each set re-parses and restyles: most ticks change none
            self.setStyleSheet(sheet)
        self.ticked.emit(status)

    def stop(self) -> None:
        self.timer.stop()
