"""A dosing session's two pages: the monitoring record first (pre-dose checklist on top), the
note second, as tabs so each has the full height of a 1366×768 screen.

The note page repeats the monitoring clock as its first line (where the record has it, so
nothing moves when switching), and the vitals shortcut still works there: it brings the
monitoring record forward at the reading's entry row.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from kapnotes.services.container import Services
from kapnotes.ui.monitoring_panel import MonitoringPanel
from kapnotes.ui.widgets.monitoring_clock import MonitoringClockLabel
from kapnotes.ui.widgets.vitals_table import ADD_SHORTCUT

MONITORING_TITLE = "Monitoring record"
NOTE_TITLE = "Note"


class DosingTabs(QWidget):
    """Monitoring record · Note; `flush()` and `set_signed()` pass on to the panel."""

    def __init__(self, services: Services, session_id: int, note_page: QWidget, *,
                 signer: str, signed: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        monitoring = services.monitoring
        self.panel = MonitoringPanel(services, session_id, signer=signer, parent=self)
        self.note_clock = MonitoringClockLabel(
            lambda now: monitoring.clock_status(session_id, now), services.clock, self)
        self.note_clock.setAccessibleName("Monitoring clock (note page)")
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Dosing session pages")
        self.note_page = QWidget(self)
        note_layout = QVBoxLayout(self.note_page)
        note_layout.setContentsMargins(0, 0, 0, 0)
        note_layout.setSpacing(0)
        note_layout.addWidget(self.note_clock)
        note_layout.addWidget(note_page, 1)
        self.tabs.addTab(self.panel, MONITORING_TITLE)
        self.tabs.addTab(self.note_page, NOTE_TITLE)
        self.tabs.setTabToolTip(0, "Pre-dose checklist, dose, vitals, observations, discharge")
        self.tabs.setTabToolTip(1, "The narrative note of this session")
        self.panel.alerts_changed.connect(self._show_alerts)
        # On the note page the panel (and its own shortcut) is hidden: this one takes over.
        self.vitals_shortcut = QShortcut(QKeySequence(ADD_SHORTCUT), self.note_page)
        self.vitals_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.vitals_shortcut.activated.connect(self.go_to_vitals)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.tabs, 1)
        if signed:
            self.note_clock.stop()
            self.note_clock.hide()
        self._show_alerts(monitoring.banner(session_id))

    def flush(self) -> None:
        self.panel.flush()

    def set_signed(self) -> None:
        self.panel.set_signed()
        self.note_clock.stop()
        self.note_clock.hide()

    def show_monitoring(self) -> None:
        self.tabs.setCurrentWidget(self.panel)

    def show_note(self) -> None:
        self.tabs.setCurrentIndex(1)

    def go_to_vitals(self) -> None:
        self.show_monitoring()
        self.panel.vitals.shortcut_pressed()

    def focus_first(self) -> None:
        """Focus the first control of the page in front (the pre-dose checklist)."""
        page = self.tabs.currentWidget()
        widget = page.nextInFocusChain()
        while widget is not None and widget is not page:
            if (page.isAncestorOf(widget) and widget.isEnabled() and widget.isVisible()
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            widget = widget.nextInFocusChain()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.panel.signed:
            for clock in (self.panel.clock_label, self.note_clock):
                clock.refresh()
                clock.timer.start()

    def stop_clocks(self) -> None:
        """A page out of sight (another page in front, the window closed or locked) polls no
        vault: a closed vault must never be queried by a clock left ticking."""
        for clock in (self.panel.clock_label, self.note_clock):
            clock.timer.stop()

    def hideEvent(self, event: QHideEvent) -> None:
        self.stop_clocks()
        super().hideEvent(event)

    def _show_alerts(self, lines: list) -> None:
        title = f"{MONITORING_TITLE} ⚠" if lines else MONITORING_TITLE
        self.tabs.setTabText(0, title)
        self.tabs.setTabToolTip(0, "\n".join(lines) if lines else
                                "Pre-dose checklist, dose, vitals, observations, discharge")
