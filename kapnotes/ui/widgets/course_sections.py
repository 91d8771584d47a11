"""The course detail tabs of the client page: Intentions · Themes · Outcomes · Vitals.

Tabs rather than one long page, so each view gets the height it needs at 1366×768 and the
schedule (the client page's first tab) never scrolls out of sight. Every change made here
(an intention's status, a merged theme, a new measure) is announced by the service that made
it, and the page reloads the header, marks and these tabs (kapnotes/ui/change_signals.py).

Only the tab on screen is filled: a reload marks the others stale and each fills when it is
next shown (filling and sizing the hidden tables cost ~15 ms each per client opened). Their
titles still carry counts, from cheap counting queries, and Vitals its ⚠ from the alerts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.dates import schedule_date, short_date
from kapnotes.domain.models import Session
from kapnotes.services.container import Services
from kapnotes.ui.dialogs.measure_dialog import MeasureDialog
from kapnotes.ui.dialogs.theme_merge_dialog import ThemeMergeDialog
from kapnotes.ui.widgets.dialog_open import Dialog, open_window_modal
from kapnotes.ui.widgets.intentions_view import IntentionsView
from kapnotes.ui.widgets.outcome_chart import OutcomeChart
from kapnotes.ui.widgets.slot_style import ERROR_COLOURS, MUTED_COLOURS, style_sheet_colour
from kapnotes.ui.widgets.themes_view import CourseThemesView
from kapnotes.ui.widgets.vitals_chart import VitalsChart


def _muted(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {style_sheet_colour(MUTED_COLOURS)};")
    return label


def alerts_text(alerts: Mapping[int, Sequence[str]], sessions: Sequence[Session]) -> str:
    """"⚠ 13 Nov dose: BP 185/115 …" per dosing session with alerts, oldest first."""
    when = {s.id: s.starts_at for s in sessions}
    lines = [f"⚠ {short_date(when[sid].date())} dose: {'; '.join(msgs)}"
             for sid, msgs in sorted(alerts.items(), key=lambda kv: when.get(kv[0]) or 0)
             if sid in when]
    return "\n".join(lines)


class CourseSections(QTabWidget):
    """Call `show_course(client_id, course_id, sessions=…, alerts=…)`. What its dialogs change
    reaches the page through the services' change notifications (ui/change_signals.py)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.client_id: int | None = None
        self.course_id: int | None = None
        self.sessions: list[Session] = []
        self.dialog: QDialog | None = None  # the dialog opened last, for tests and focus
        self.setAccessibleName("Course details")
        self.setDocumentMode(True)

        self.intentions = IntentionsView(services, None, self)
        self.intentions_tab = self._tab(self.intentions, _muted(
            "Set in the preparation note; revisited in dosing and integration notes.", self))

        self.themes = CourseThemesView(services, None, self)
        self.merge_button = QPushButton("Rename or merge themes…", self)
        self.merge_button.clicked.connect(self.open_theme_merge)
        self.themes_tab = self._tab(self.themes, _muted(
            "Named in the notes' themes; the same name is the same theme.", self),
            self.merge_button)

        self.outcomes = OutcomeChart(self)
        self.measure_button = QPushButton("Enter measure…", self)
        self.measure_button.setAccessibleName("Enter a measure")
        self.measure_button.clicked.connect(self.open_measure)
        self.outcomes_tab = self._tab(self.outcomes, _muted(
            "Scores over the course; dosing days marked.", self), self.measure_button)

        self.vitals = VitalsChart(self)
        self.alerts_label = QLabel(self)
        self.alerts_label.setWordWrap(True)
        self.alerts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.alerts_label.setAccessibleName("Monitoring alerts in this course")
        self.alerts_label.setStyleSheet(
            f"color: {style_sheet_colour(ERROR_COLOURS)}; font-weight: 600;")
        self.vitals_tab = self._tab(self.vitals, self.alerts_label)

        for widget, title in ((self.intentions_tab, "Intentions"), (self.themes_tab, "Themes"),
                              (self.outcomes_tab, "Outcomes"), (self.vitals_tab, "Vitals")):
            self.addTab(widget, title)
        self.stale: set[QWidget] = set()  # tabs to fill when next shown
        self.currentChanged.connect(lambda _index: self._fill_current())

    def _tab(self, body: QWidget, note: QLabel, button: QPushButton | None = None) -> QWidget:
        tab = QWidget(self)
        top = QHBoxLayout()
        top.addWidget(note, 1)
        if button is not None:
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(body, 1)
        return tab

    # -- showing ---------------------------------------------------------------------------
    def show_course(self, client_id: int | None, course_id: int | None, *,
                    sessions: Sequence[Session] = (),
                    alerts: Mapping[int, Sequence[str]] | None = None) -> None:
        """Reload for this course (None: an empty page, actions disabled): the tab on screen
        now, the others when next shown (the Vitals chart reads the course's readings then;
        the page's alerts read only those that could alert)."""
        self.client_id, self.course_id = client_id, course_id
        self.sessions = list(sessions)
        if course_id is None:
            self.outcomes.set_data(None)
        else:
            self.outcomes.set_data(self.services.measures.course_outcomes(course_id))
        self.stale = {self.intentions_tab, self.themes_tab, self.vitals_tab}
        text = alerts_text(alerts or {}, self.sessions)
        self.alerts_label.setText(text or "No alerts in this course's monitoring records.")
        self.measure_button.setEnabled(client_id is not None)
        self.merge_button.setEnabled(bool(self.services.themes.all()))
        self._titles(bool(text))
        self._fill_current()

    def _fill_current(self) -> None:
        tab = self.currentWidget()
        if tab not in self.stale:
            return
        self.stale.discard(tab)
        course_id = self.course_id
        if tab is self.intentions_tab:
            self.intentions.set_course(course_id)
        elif tab is self.themes_tab:
            self.themes.set_course(course_id)
        elif tab is self.vitals_tab:
            if course_id is None:
                self.vitals.set_series([])
                return
            data = self.services.monitoring.course_monitoring(course_id, self.sessions or None)
            self.vitals.set_series(data.series(), thresholds=data.thresholds)

    def _titles(self, alerted: bool) -> None:
        # Counts in the tab titles say where there is something to see before it is opened.
        course_id = self.course_id
        intentions = (self.services.intentions.count_for_course(course_id)
                      if course_id is not None else 0)
        themes = (self.services.themes.count_for_course(course_id)
                  if course_id is not None else 0)
        outcomes = len(self.outcomes.panels())
        self.setTabText(self.indexOf(self.intentions_tab),
                        f"Intentions ({intentions})" if intentions else "Intentions")
        self.setTabText(self.indexOf(self.themes_tab),
                        f"Themes ({themes})" if themes else "Themes")
        worse = [s.scale.short_name for s in self.outcomes.panels() if s.outcome is not None
                 and (s.outcome.deteriorated or s.outcome.relapse_dates
                      or s.outcome.possible_relapse is not None)]
        title = f"Outcomes ({outcomes})" if outcomes else "Outcomes"
        self.setTabText(self.indexOf(self.outcomes_tab), title + (" ⚠" if worse else ""))
        self.setTabToolTip(self.indexOf(self.outcomes_tab),
                           f"Worse or relapse: {', '.join(worse)}" if worse else "")
        self.setTabText(self.indexOf(self.vitals_tab), "Vitals ⚠" if alerted else "Vitals")
        self.setTabToolTip(self.indexOf(self.vitals_tab),
                           "Alerts in this course's monitoring records" if alerted else "")

    # -- actions ---------------------------------------------------------------------------
    def open_measure(self) -> MeasureDialog | None:
        if self.client_id is None:
            return None
        # The course's sessions, newest first: the measure is usually linked to one just held.
        choices = [(int(s.id or 0), f"{schedule_date(s.starts_at.date())} · {s.kind.label}")
                   for s in sorted(self.sessions, key=lambda s: s.starts_at, reverse=True)]
        dialog = MeasureDialog(self.services, self.client_id, sessions=choices, parent=self)
        return self._open(dialog)

    def open_theme_merge(self) -> ThemeMergeDialog:
        rows = self.themes.table.selectionModel().selectedRows()
        chosen = [self.themes.model.table.rows[i.row()].theme_id for i in rows]
        dialog = ThemeMergeDialog(self.services, chosen, parent=self)
        return self._open(dialog)

    def _open(self, dialog: Dialog) -> Dialog:
        self.dialog = dialog
        return open_window_modal(dialog)
