"""The client page: header (risk, screening, supervision), courses, and the course tabs: Schedule
(timeline and sessions, marked where alerts or risk flags were raised), Intentions, Themes,
Outcomes and Vitals. Edits happen in dialogs this page opens (non-blocking, `open()`); what
belongs to the main window (opening a session, starting one) leaves as signals.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.dates import order_held
from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.models import Course, SessionKind
from kapnotes.domain.schedule import SlotKind
from kapnotes.domain.schedule_status import adherence
from kapnotes.services.container import Services
from kapnotes.services.courses import Timeline, TimelineEntry
from kapnotes.ui.change_signals import PAGE_KINDS, mark_fresh, refresh_when
from kapnotes.ui.dialogs.client_dialog import ClientDialog
from kapnotes.ui.dialogs.course_dialog import CourseDialog
from kapnotes.ui.dialogs.delete_client import DeleteClientDialog
from kapnotes.ui.dialogs.screening_dialog import ScreeningDialog
from kapnotes.ui.dialogs.slot_dialog import SlotAction, SlotDialog
from kapnotes.ui.widgets.client_header import ClientHeader
from kapnotes.ui.widgets.course_choice import courses_in_working_order, fill_course_choice
from kapnotes.ui.widgets.course_sections import CourseSections
from kapnotes.ui.widgets.course_sessions import CourseSessionsList
from kapnotes.ui.widgets.course_text import adherence_text
from kapnotes.ui.widgets.dialog_open import Dialog, open_window_modal
from kapnotes.ui.widgets.new_session_menu import make_new_session_action, new_session_button
from kapnotes.ui.widgets.shared_row import SharedRow
from kapnotes.ui.widgets.slot_style import MUTED_COLOURS, style_sheet_colour
from kapnotes.ui.widgets.timeline import TimelineView


class ClientView(QWidget):
    """One client's page; call `set_client(id)`, then `refresh()` after outside changes."""

    start_session_requested = Signal(int, int, str)  # course_id, slot_id, kind
    session_requested = Signal(int)  # session_id
    new_session_requested = Signal(int, str)  # course_id, kind
    client_changed = Signal(int)  # edited, archived or un-archived: refresh the list
    client_deleted = Signal(int)
    export_requested = Signal()  # the course summary as PDF (File → Export… on this page)

    def __init__(self, services: Services, parent: QWidget | None = None, *,
                 new_session_action: QAction | None = None) -> None:
        super().__init__(parent)
        self.services = services
        # The workspace makes the action before this page exists, to put it in the File menu.
        self.new_session_action = new_session_action or make_new_session_action(self)
        self.client_id: int | None = None
        self.timeline: Timeline | None = None
        self.courses: list[Course] = []
        self.dialog: QDialog | None = None  # the dialog opened last, for tests and focus
        self._build()
        self.show_empty()
        # Header, schedule, sessions and course tabs follow every change to this client.
        refresh_when(services, self, lambda c: self.client_id is not None and c.touches(
            *PAGE_KINDS, client_id=self.client_id), self.refresh)

    # -- layout --------------------------------------------------------------------------
    def _button(self, text: str, slot: object, name: str | None = None) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name or text.rstrip("…"))
        button.clicked.connect(slot)
        return button

    def _build(self) -> None:
        self.stack = QStackedWidget(self)
        self.empty_label = QLabel(
            "Choose a client on the left, or create one with New client (Ctrl+Shift+N).", self
        )
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet(f"color: {style_sheet_colour(MUTED_COLOURS)};")
        self.stack.addWidget(self.empty_label)

        self._build_header()
        course_bar = self._build_course_bar()
        timeline_box = self._build_timeline_box()
        sessions_box = self._build_sessions_box()
        # Ctrl+N (File → New session…) opens this page's menu of kinds, because only this page
        # knows the course; on a note's page the workspace first comes back here.
        self.new_session_action.triggered.connect(self.new_session_button.showMenu)
        self.addAction(self.new_session_action)

        schedule = QWidget(self)
        # Each list as wide as its columns ask, the rest shared 3:2; narrower than both ask
        # (the window's first sizes beside the client list), the sessions go below.
        SharedRow(schedule, (timeline_box, 3), (sessions_box, 2)).setContentsMargins(0, 8, 0, 0)
        self.sections = CourseSections(self.services, self)
        self.sections.insertTab(0, schedule, "Schedule")
        self.sections.setCurrentIndex(0)

        page = QWidget(self)
        self.sections_layout = QVBoxLayout(page)
        self.sections_layout.addWidget(self.header)
        self.sections_layout.addLayout(course_bar)
        self.sections_layout.addWidget(self.course_status)
        self.sections_layout.addWidget(self.sections, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        self.page_area = scroll  # the client's page (the stack's other page is the empty state)
        self.stack.addWidget(scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def _build_header(self) -> None:
        """Name, code, risk and screening, with the client's actions on the right."""
        self.header = ClientHeader(self)
        self.header.screen_requested.connect(self.open_screening)
        self.edit_button = self._button("Edit…", self.edit_client, "Edit client")
        self.archive_button = self._button("Archive", self.toggle_archived)
        self.delete_button = self._button("Delete…", self.delete_client, "Delete client")
        self.export_button = self._button("Export PDF…", self.export_requested,
                                          "Export course summary as PDF")
        self.export_button.setToolTip("The course summary as a PDF for supervision (Ctrl+P)")
        for b in (self.export_button, self.edit_button, self.archive_button,
                  self.delete_button):
            self.header.actions_layout.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)

    def _build_course_bar(self) -> QHBoxLayout:
        """Which course, its details and a new one."""
        self.course_combo = QComboBox(self)
        self.course_combo.setAccessibleName("Course")
        self.course_combo.currentIndexChanged.connect(self._course_chosen)
        self.course_status = QLabel(self)
        self.course_status.setWordWrap(True)
        self.course_status.setAccessibleName("Course status")
        self.course_details_button = self._button("Course details…", self.edit_course)
        self.new_course_button = self._button("New course…", self.new_course)
        course_bar = QHBoxLayout()
        course_bar.addWidget(QLabel("Course:", self))
        course_bar.addWidget(self.course_combo, 1)
        course_bar.addWidget(self.course_details_button)
        course_bar.addWidget(self.new_course_button)
        return course_bar

    def _build_timeline_box(self) -> QGroupBox:
        """The planned schedule with adherence, and start / move / skip for a slot."""
        self.timeline_view = TimelineView(self)
        self.timeline_view.entry_activated.connect(self.activate_entry)
        self.timeline_view.move_requested.connect(self.move_slot)
        self.timeline_view.skip_requested.connect(self.skip_slot)
        self.timeline_view.selectionModel().currentChanged.connect(self._update_slot_buttons)
        self.no_course_label = QLabel("No course yet. Start one with New course….", self)
        self.no_course_label.setStyleSheet(f"color: {style_sheet_colour(MUTED_COLOURS)};")
        self.adherence_label = QLabel(self)
        self.adherence_label.setAccessibleName("Adherence")
        self.adherence_label.setWordWrap(True)
        self.start_button = self._button("Start session", self._start_current,
                                         "Start or open the session of this slot")
        self.move_button = self._button("Move…", lambda: self.move_slot(), "Move planned slot")
        self.skip_button = self._button("Skip…", lambda: self.skip_slot(), "Skip planned slot")
        slot_bar = QHBoxLayout()
        slot_bar.addStretch(1)
        for b in (self.start_button, self.move_button, self.skip_button):
            slot_bar.addWidget(b)
        timeline_box = QGroupBox("Planned schedule", self)
        tl = QVBoxLayout(timeline_box)
        tl.addWidget(self.no_course_label)
        tl.addWidget(self.adherence_label)
        tl.addWidget(self.timeline_view, 1)
        tl.addLayout(slot_bar)
        return timeline_box

    def _build_sessions_box(self) -> QGroupBox:
        """The course's sessions and New session (a menu of kinds)."""
        self.sessions_list = CourseSessionsList(self, reviews=self.services.reviews.statuses)
        self.sessions_list.session_activated.connect(self.session_requested)
        self.new_session_button, self.new_session_menu = new_session_button(
            self, self.request_new_session)
        sessions_box = QGroupBox("Sessions", self)
        sl = QVBoxLayout(sessions_box)
        sl.addWidget(self.sessions_list, 1)
        sl.addWidget(self.new_session_button, 0, Qt.AlignmentFlag.AlignRight)
        return sessions_box

    def add_section(self, title: str, widget: QWidget) -> QGroupBox:
        """Append a titled section below the timeline (intentions, themes, outcomes…)."""
        box = QGroupBox(title, self)
        QVBoxLayout(box).addWidget(widget)
        self.sections_layout.addWidget(box)
        box.show()  # a child added to a page already on screen is not shown by itself
        return box

    # -- showing -------------------------------------------------------------------------
    def show_empty(self) -> None:
        self.client_id = None
        self.stack.setCurrentIndex(0)
        self.new_session_action.setEnabled(False)

    def set_client(self, client_id: int, *, course_id: int | None = None) -> None:
        self.client_id = client_id
        self.stack.setCurrentIndex(1)
        self.refresh(course_id=course_id)
        mark_fresh(self)

    @property
    def course_id(self) -> int | None:
        data = self.course_combo.currentData()
        return int(data) if data is not None else None

    def refresh(self, *, course_id: int | None = None) -> None:
        """Reload everything shown from the services (keeps the chosen course if it exists)."""
        if self.client_id is None:
            return
        # One date order for the ~400 dates a client page formats, not the locale read from
        # the environment for each (kapnotes/domain/dates.py).
        with order_held():
            client = self.services.clients.get(self.client_id)
            today = self.services.clock().date()
            self.header.show_client(
                client, today, self.services.clients.concomitant_flags(client),
                risk=self.services.measures.risk_status(self.client_id),
                screening=self.services.monitoring.screening.warnings_for_client(self.client_id),
                weight=self.services.monitoring.doses.latest_weight(self.client_id),
                approvals=self.services.approvals.client_warnings(self.client_id),
                reviews=self.services.reviews.client_counts(self.client_id).get(self.client_id))
            self.archive_button.setText("Un-archive" if client.archived else "Archive")
            keep = course_id if course_id is not None else self.course_id
            self.courses = courses_in_working_order(
                self.services.courses.for_client(self.client_id))
            fill_course_choice(self.course_combo, self.courses, keep)
            self._show_course()

    def _course_chosen(self) -> None:
        with order_held():
            self._show_course()

    def _show_course(self) -> None:
        course_id = self.course_id
        has = course_id is not None
        for w in (self.timeline_view, self.start_button, self.move_button, self.skip_button,
                  self.course_details_button, self.adherence_label):
            w.setVisible(has)
        self.no_course_label.setVisible(not has)
        self.new_session_button.setEnabled(has)
        self.new_session_action.setEnabled(has)
        if course_id is None:
            self.timeline = None
            self.timeline_view.set_entries([])
            self.sessions_list.set_sessions([])
            self.sections.show_course(self.client_id, None)
            self.course_status.setText("")
            return
        today = self.services.clock().date()
        # Read once and shared: the timeline, the alerts' read and the session list.
        sessions = self.services.notes.sessions_for_course(course_id)
        self.timeline = self.services.courses.timeline(course_id, today=today,
                                                       sessions=sessions)
        alerts = self.services.monitoring.course_alerts(course_id, sessions)
        risks = self.services.measures.risk_sessions(course_id)
        self.timeline_view.set_entries(self.timeline.entries, today=today, alerts=alerts,
                                       risks=risks, approvals=self.services.approvals
                                       .uncovered_doses(self.client_id))
        self.timeline_view.scroll_to_today(today)
        states = [e.state for e in self.timeline.entries]
        self.adherence_label.setText(adherence_text(
            adherence(states, today, kind=SlotKind.DOSING), self.timeline.adherence))
        course = self.timeline.course
        parts = [f"Status: {course.status.label}"]
        if course.prescriber:
            parts.append(f"prescriber {course.prescriber}")
        text = " · ".join(parts)
        if course.status_reason:
            text += f"\n{course.status.label}: {course.status_reason}"
        self.course_status.setText(text)
        self.sessions_list.set_sessions(sessions, alerts=alerts, risks=risks)
        self.sections.show_course(self.client_id, course_id, sessions=sessions, alerts=alerts)
        self._update_slot_buttons()

    def _update_slot_buttons(self) -> None:
        entry = self.timeline_view.current_entry()
        done = entry is not None and entry.state.held is not None
        self.start_button.setEnabled(entry is not None)
        self.start_button.setText("Open session" if done else "Start session")
        self.move_button.setEnabled(entry is not None and not done)
        self.skip_button.setEnabled(entry is not None and not done
                                    and not entry.slot.skipped)

    # -- slot actions --------------------------------------------------------------------
    def activate_entry(self, entry: TimelineEntry) -> None:
        """Done slot → open its session; otherwise start a session from the slot."""
        if entry.state.held is not None:
            self.session_requested.emit(int(entry.state.held.session_id))
        else:
            self.start_session_requested.emit(entry.slot.course_id, entry.slot.id,
                                              entry.slot.kind.value)

    def _start_current(self) -> None:
        entry = self.timeline_view.current_entry()
        if entry is not None:
            self.activate_entry(entry)

    def _slot_dialog(self, entry: TimelineEntry | None, action: SlotAction) -> SlotDialog | None:
        entry = entry or self.timeline_view.current_entry()
        if entry is None:
            return None
        dialog = SlotDialog(self.services, entry.slot, action, self)
        return self._open(dialog)

    def move_slot(self, entry: TimelineEntry | None = None) -> SlotDialog | None:
        return self._slot_dialog(entry, SlotAction.MOVE)

    def skip_slot(self, entry: TimelineEntry | None = None) -> SlotDialog | None:
        return self._slot_dialog(entry, SlotAction.SKIP)

    def request_new_session(self, kind: SessionKind | str) -> None:
        if self.course_id is not None:
            self.new_session_requested.emit(self.course_id, SessionKind(kind).value)

    # -- client and course actions -------------------------------------------------------
    def _open(self, dialog: Dialog) -> Dialog:
        self.dialog = dialog
        return open_window_modal(dialog)

    def edit_client(self) -> ClientDialog | None:
        if self.client_id is None:
            return None
        dialog = ClientDialog(self.services, self.client_id, self)
        dialog.saved.connect(self._client_saved)
        return self._open(dialog)

    def open_screening(self) -> ScreeningDialog | None:
        """The contraindication screen (Screen… in the header); the header refreshes on save."""
        if self.client_id is None:
            return None
        client = self.services.clients.get(self.client_id)
        dialog = ScreeningDialog(self.services.monitoring, self.client_id,
                                 screened_by=self.services.vault.actor.clinician,
                                 medicines=client.medicines, clock=self.services.clock,
                                 parent=self)
        return self._open(dialog)

    def _client_saved(self, client_id: int) -> None:
        self.client_changed.emit(client_id)

    def toggle_archived(self) -> None:
        """Archiving hides a client from the list; it never deletes anything."""
        if self.client_id is None:
            return
        client = self.services.clients.get(self.client_id)
        self.services.clients.set_archived(self.client_id, not client.archived)
        self._client_saved(self.client_id)

    def delete_client(self) -> DeleteClientDialog | None:
        if self.client_id is None:
            return None
        dialog = DeleteClientDialog(self.services, self.client_id, self)
        dialog.deleted.connect(self._client_deleted)
        return self._open(dialog)

    def _client_deleted(self, client_id: int) -> None:
        self.show_empty()
        self.client_deleted.emit(client_id)

    def new_course(self) -> CourseDialog | None:
        if self.client_id is None:
            return None
        dialog = CourseDialog(self.services, self.client_id, parent=self)
        dialog.saved.connect(self._course_saved)
        return self._open(dialog)

    def edit_course(self) -> CourseDialog | None:
        if self.client_id is None or self.course_id is None:
            return None
        dialog = CourseDialog(self.services, self.client_id, self.course_id, self)
        dialog.saved.connect(self._course_saved)
        return self._open(dialog)

    def _course_saved(self, course_id: int) -> None:
        try:
            self.refresh(course_id=course_id)
        except KapNotesError:
            self.show_empty()
        if self.client_id is not None:
            self.client_changed.emit(self.client_id)
