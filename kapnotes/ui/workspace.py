"""Wires the main window's parts together: client list, client page, session page, search.

The main window knows nothing of clients or sessions and the pages know nothing of each
other; this controller connects their signals, and makes sure the open note is flushed
before anything replaces it (switching, locking, closing).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.models import SessionKind
from kapnotes.services.changes import Changes
from kapnotes.services.clinician import clinician_name
from kapnotes.services.container import Services
from kapnotes.ui import review_actions
from kapnotes.ui.change_signals import on_changes
from kapnotes.ui.client_list import ClientListPane
from kapnotes.ui.dialogs.import_export_json import PortableDataActions
from kapnotes.ui.export_runner import ExportActions, Target
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.report_actions import RegulatorReportActions
from kapnotes.ui.retention_view import RetentionActions
from kapnotes.ui.s8_register_actions import S8RegisterActions
from kapnotes.ui.startup_heap import settle_startup_heap
from kapnotes.ui.widgets.new_session_menu import make_new_session_action

# After the window is shown: past its first paint, before a first click (~0.5 s or more).
PREPARE_DELAY_MS = 250

if TYPE_CHECKING:  # imported where first opened: not needed to show the window
    from kapnotes.ui.client_view import ClientView
    from kapnotes.ui.dialogs.practice_themes import PracticeThemesDialog
    from kapnotes.ui.dialogs.search_dialog import SearchDialog
    from kapnotes.ui.session_editor import SessionEditor

SEARCH_SHORTCUT = "Ctrl+Shift+F"


class Workspace(QObject):
    """The open vault's working surface inside one MainWindow."""

    def __init__(self, window: MainWindow, services: Services, *,
                 signer_name: str = "") -> None:
        super().__init__(window)
        # The one clinician name of this vault (Settings → Your name) unless one is given.
        signer_name = signer_name or clinician_name(services.vault)
        services.vault.actor.clinician = signer_name
        self.window = window
        self.services = services
        self.signer_name = signer_name
        self.editor: SessionEditor | None = None
        self.search_dialog: SearchDialog | None = None
        self.themes_dialog: PracticeThemesDialog | None = None

        self.client_list = ClientListPane(services)
        window.set_client_pane(self.client_list)
        self.client_list.client_activated.connect(self.open_client)
        # The client page is built when a client is first opened (not needed to show the
        # window); its Ctrl+N action is made now so the File menu lists it from the start.
        self.new_session_action = make_new_session_action(self)  # goes with the workspace
        # Connected before the page's own handler, so on a note's page it runs first.
        self.new_session_action.triggered.connect(self._leave_note_for_new_session)
        self._client_view: ClientView | None = None
        self._torn_down = False
        window.lock_requested.connect(self.flush)
        window.about_to_close.connect(self.flush)
        self._add_actions()
        on_changes(services, self, self._note_rewritten)
        self._show_start_page()

    @property
    def client_view(self) -> ClientView:
        if self._client_view is None:
            # Its modules load with it (once the window has shown: prepare_first_open_soon).
            from kapnotes.ui.client_view import ClientView

            view = ClientView(self.services, new_session_action=self.new_session_action)
            self.window.centre.addWidget(view)
            view.session_requested.connect(self.open_session)
            view.start_session_requested.connect(self.start_from_slot)
            view.new_session_requested.connect(self.new_session)
            view.client_changed.connect(self._client_changed)
            view.client_deleted.connect(self._client_deleted)
            view.export_requested.connect(self.window.export_action.trigger)
            self._client_view = view
        return self._client_view

    def prepare_first_open_soon(self, delay_ms: int = PREPARE_DELAY_MS) -> None:
        """Once the window has shown and sat idle a moment, build what the first client open
        would otherwise build in front of the therapist (the client page, the rating scales):
        ~20 ms of a first open measured at ~50-75 ms (docs/BENCHMARKS.md). Later than the
        start-up's first paint, earlier than anyone's first click."""
        QTimer.singleShot(delay_ms, self, self._prepare_first_open)

    def _prepare_first_open(self) -> None:
        if self._torn_down or not self.window.isVisible():
            return  # replaced, closed or never shown: nobody will click
        try:
            view = self.client_view  # built, not shown
            # Styled as it will be when first shown (polishing ~70 widgets is part of a
            # first show): the first open then only fills and paints.
            for widget in view.findChildren(QWidget):
                widget.ensurePolished()
            # Laid out and painted once off screen (an empty page): the first open's layout,
            # style and glyph work is then done, and it only fills and repaints.
            view.resize(self.window.centre.size())
            view.page_area.grab()
            _ = self.services.measures.loaded  # the scale files, parsed
        except KapNotesError:
            pass  # only a head start: the first open does it (and reports) as before
        settle_startup_heap()  # start-up's garbage collected now, not during the first open

    def teardown(self) -> None:
        """Take this workspace out of the window (after a restore swaps the vault)."""
        self._torn_down = True
        self._close_editor()
        w = self.window
        w.lock_requested.disconnect(self.flush)
        w.about_to_close.disconnect(self.flush)
        w.file_menu.insertAction(self.client_list.new_client_action, w.new_client_action)
        for action in (self.client_list.new_client_action, self.new_session_action):
            w.file_menu.removeAction(action)
        for action in (self.client_list.filter_action, self.search_action):
            w.edit_menu.removeAction(action)
        w.removeAction(self.search_action)
        w.view_menu.removeAction(self.themes_action)
        for action in (self.portable.export_action, self.portable.import_action):
            w.file_menu.removeAction(action)
        self.portable.deleteLater()
        self.exports.remove()
        self.supervision.remove()
        for dialog in (self.search_dialog, self.themes_dialog):
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
        if self._client_view is not None:
            w.centre.removeWidget(self._client_view)
            self._client_view.deleteLater()
        self.deleteLater()

    # -- menus -----------------------------------------------------------------------------
    def _add_actions(self) -> None:
        """Put the pages' own shortcut actions in the menus (a second copy of a key would be
        ambiguous to Qt, and neither would fire)."""
        w = self.window
        w.file_menu.insertAction(w.new_client_action, self.client_list.new_client_action)
        w.file_menu.removeAction(w.new_client_action)
        w.file_menu.insertAction(w.export_action, self.new_session_action)
        self.search_action = QAction("&Search all notes…", w)
        self.search_action.setObjectName("search_all")
        self.search_action.setShortcut(QKeySequence(SEARCH_SHORTCUT))
        self.search_action.triggered.connect(self.open_search)
        w.addAction(self.search_action)
        w.edit_menu.addSeparator()
        w.edit_menu.addAction(self.client_list.filter_action)
        w.edit_menu.addAction(self.search_action)
        self.themes_action = QAction("&Theme frequency across clients…", w)
        self.themes_action.setObjectName("theme_frequency")
        self.themes_action.triggered.connect(self.open_theme_frequency)
        w.view_menu.addSeparator()
        w.view_menu.addAction(self.themes_action)
        self.portable = PortableDataActions(self.services, w)
        w.file_menu.insertActions(w.backup_action, [self.portable.export_action,
                                                    self.portable.import_action])
        self.portable.imported.connect(self.after_records_arrived)
        self.exports = ExportActions(self.services, w, current=self._export_target)
        self.s8_register = S8RegisterActions(self.services, w)
        self.regulator_reports = RegulatorReportActions(self.services, w)
        self.retention = RetentionActions(self.services, w)
        self.supervision = review_actions.for_workspace(self)

    def _export_target(self) -> Target | None:
        """What File → Export… exports: the open note, else the client page's course."""
        if self.editor is not None:
            return ("session", self.editor.session_id, None)
        view = self._client_view
        if view is not None and self.window.current_page() is view and view.client_id:
            return ("course", view.client_id, view.course_id)
        return None

    # -- navigation ------------------------------------------------------------------------
    def _show_start_page(self) -> None:
        if self.services.clients.any_client():
            self.window.show_empty_state(
                "Choose a client", "Pick a client on the left (Ctrl+F to find one), or search "
                "all notes with Ctrl+Shift+F.")
        else:
            self.window.show_empty_state()

    def flush(self) -> bool:
        """Save whatever the open note still holds; True when nothing is left unsaved."""
        return self.editor.flush() if self.editor is not None else True

    def _close_editor(self) -> None:
        if self.editor is None:
            return
        self.editor.flush()
        self.window.remove_page(self.editor)
        self.editor.deleteLater()
        self.editor = None
        self.window.set_save_state()

    def close_note(self, title: str, body: str) -> None:
        """Close the open note or client page (its record left the vault) and say why on the
        start page."""
        self._close_editor()
        self.window.show_empty_state(title, body)

    def open_client(self, client_id: int, course_id: int | None = None) -> None:
        self._close_editor()
        try:
            self.client_view.set_client(client_id, course_id=course_id)
        except KapNotesError as exc:
            self.window.show_status(exc.message)
            self.client_list.refresh()
            return
        self.client_list.select_client(client_id)
        self.window.show_page(self.client_view)
        # Keyboard first: the schedule has focus with today's slot chosen, so Enter starts it.
        self.client_view.timeline_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_session(self, session_id: int) -> None:
        self._close_editor()
        from kapnotes.ui.session_editor import SessionEditor

        # Built inside the window's centre: adding a finished page to it would move it there and
        # make Qt restyle every widget of the note a second time.
        editor = SessionEditor(self.services, session_id, signer_name=self.signer_name,
                               parent=self.window.centre)
        editor.back_requested.connect(self._back_to_client)
        editor.state_changed.connect(self.window.set_save_state)
        editor.export_requested.connect(lambda _id: self.window.export_action.trigger())
        # The list and the client page follow signing and new details by themselves: they
        # subscribe to the services' change notifications (ui/change_signals.py).
        self.editor = editor
        self.window.show_page(editor)
        self.client_list.select_client(editor.client_id)
        editor.focus_first_field()

    def _leave_note_for_new_session(self) -> None:
        """Ctrl+N on a note's page: back to its client's page, where the kinds menu opens."""
        if self.editor is not None:
            self._back_to_client(self.editor.client_id)

    def _back_to_client(self, client_id: int) -> None:
        course_id = self.editor.session.course_id if self.editor is not None else None
        self.open_client(client_id, course_id=course_id)

    # -- creating --------------------------------------------------------------------------
    def new_session(self, course_id: int, kind: str, *, slot_id: int | None = None,
                    starts_at: datetime | None = None) -> int | None:
        """Create a session now (details stay editable) and open it."""
        session_kind = SessionKind(kind)
        starts_at = starts_at or self.services.clock()
        linked = (self.services.notes.dosing_to_link(course_id, starts_at)
                  if session_kind is SessionKind.INTEGRATION else None)
        try:
            session = self.services.notes.create_session(
                course_id=course_id, kind=session_kind,
                starts_at=starts_at, clinician=self.signer_name,
                linked_dosing_id=linked, slot_id=slot_id,
            )
        except KapNotesError as exc:
            self.window.show_status(exc.message, 0)
            return None
        assert session.id is not None
        self.open_session(session.id)
        return session.id

    def start_from_slot(self, course_id: int, slot_id: int, kind: str) -> int | None:
        """Start the planned session: now if it is planned for today or later (starting it
        is holding it; a note dated tomorrow would count as held before it happened), on its
        date if that has passed (writing up a session held then)."""
        now = self.services.clock()
        slot = next((e.slot for e in self.services.courses.timeline(course_id).entries
                     if e.slot.id == slot_id), None)
        when = now
        if slot is not None and slot.planned_date < now.date():
            when = datetime.combine(slot.planned_date, time(now.hour, 0))
        return self.new_session(course_id, kind, slot_id=slot_id, starts_at=when)

    # -- list upkeep -----------------------------------------------------------------------
    def _client_changed(self, client_id: int) -> None:
        self.client_list.select_client(client_id)

    def after_records_arrived(self) -> None:
        """An import or a sync brought records: "No clients yet" is no longer true."""
        if self.window.current_page() is self.window.empty_state:
            self._show_start_page()  # "No clients yet" becomes "Choose a client"

    def _client_deleted(self, _client_id: int) -> None:
        self._show_start_page()

    # -- search ----------------------------------------------------------------------------
    def open_search(self) -> SearchDialog:
        if self.search_dialog is None:
            from kapnotes.ui.dialogs.search_dialog import SearchDialog

            self.search_dialog = SearchDialog(self.services, parent=self.window)
            self.search_dialog.open_hit.connect(self._open_hit)
        self.search_dialog.show()
        self.search_dialog.raise_()
        self.search_dialog.focus_query()
        return self.search_dialog

    def open_theme_frequency(self) -> PracticeThemesDialog:
        if self.themes_dialog is None:
            from kapnotes.ui.dialogs.practice_themes import PracticeThemesDialog

            self.themes_dialog = PracticeThemesDialog(self.services, parent=self.window)
        self.themes_dialog.show()
        self.themes_dialog.raise_()
        return self.themes_dialog

    def _note_rewritten(self, changes: Changes) -> None:
        """A theme renamed or merged (from any window) rewrote the open draft: reopen it, once
        the rename is done, so it shows (and saves) the new names. Its own saves are no news."""
        from kapnotes.ui.widgets.autosave import SAVING  # loaded with the editor

        editor = self.editor
        if (editor is not None and changes.themes and changes.notes
                and editor.session_id in changes.session_ids
                and editor.autosave.state != SAVING):
            QTimer.singleShot(0, self, lambda: self._reopen(editor.session_id))

    def _reopen(self, session_id: int) -> None:
        if self.editor is not None and self.editor.session_id == session_id:
            self.open_session(session_id)

    def _open_hit(self, client_id: int, session_id: object, ref: str) -> None:
        """Open a search hit where it was written: the note field, the dosing session's
        monitoring record, or the client record's medicines."""
        if isinstance(session_id, int):
            self.open_session(session_id)
            if self.editor is not None and ref == "monitoring":
                if self.editor.dosing is not None:
                    self.editor.dosing.show_monitoring()
            elif self.editor is not None and ref:
                self.editor.reveal_field(ref)  # addenda and unknown refs just open the note
        else:
            self.open_client(client_id)
            if ref == "medicines":
                dialog = self.client_view.edit_client()
                if dialog is not None:
                    dialog.medicines_edit.setFocus()
