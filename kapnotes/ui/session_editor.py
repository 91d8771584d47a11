"""The session page: breadcrumb, details, note form, signature and addenda (a dosing session's
monitoring record first, as a tab). The window calls `flush()` before switching session or
client, locking and closing; everything typed is otherwise saved by autosave."""

from __future__ import annotations

import functools

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.course_label import course_label
from kapnotes.domain.dates import human_datetime
from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.models import Addendum, Note, Session, SessionKind
from kapnotes.services.changes import Changes
from kapnotes.services.container import Services
from kapnotes.ui.change_signals import on_changes
from kapnotes.ui.dialogs.sign_note import AddendumDialog, SignDialog
from kapnotes.ui.review_records import NoteReviewsPanel
from kapnotes.ui.widgets.autosave import NOT_SAVED, AutosaveController
from kapnotes.ui.widgets.back_keys import install_back_keys
from kapnotes.ui.widgets.consents_line import ConsentsLine
from kapnotes.ui.widgets.dosing_tabs import DosingTabs
from kapnotes.ui.widgets.event_log import EventLogPanel
from kapnotes.ui.widgets.list_editors import IntentionRows, KnownThemes
from kapnotes.ui.widgets.note_form import FORM_STYLE, NoteForm
from kapnotes.ui.widgets.note_page import PAGE_STYLE, addendum_view, centred_scroll, rule
from kapnotes.ui.widgets.session_details import SessionDetails
from kapnotes.ui.widgets.signer_field import bind_signer

CHANGED_ELSEWHERE = ("Changed on another workstation meanwhile: what you typed is kept as a "
                     "conflict copy (File → Practice → Conflicts and field reviews).")
SIGN_SHORTCUT = "Ctrl+Shift+S"
LOCKED_MESSAGE = "This note is signed and locked; add an addendum instead."
EDITOR_STYLE = PAGE_STYLE + FORM_STYLE


class SessionEditor(QWidget):
    """Edit one session's note; autosaves, signs and adds addenda through `services.notes`."""

    back_requested = Signal(int)  # client id
    state_changed = Signal(str)  # for the status bar: Saved / Saving… / Unsaved / Not saved: …
    signed = Signal(int)  # session id
    details_saved = Signal(int)  # session id (date, clinician… changed: lists may re-sort)
    export_requested = Signal(int)  # session id: File → Export… for this note

    def __init__(
        self,
        services: Services,
        session_id: int,
        *,
        signer_name: str = "",
        intention_rows: IntentionRows | None = None,
        known_themes: KnownThemes | None = None,
        debounce_ms: int = 1000,
        max_latency_ms: int = 2000,
        retry_ms: int = 5000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        try:
            self.services = services
            self.notes = services.notes
            self.session_id = session_id
            self._signer_name = signer_name
            self.sign_dialog: SignDialog | None = None
            self.addendum_dialog: AddendumDialog | None = None
            note = self.notes.note(session_id)
            self._loaded_values = dict(note.values)  # what the typing builds on (autosave)
            self._changed_elsewhere = False  # a save found the note changed by a sync meanwhile
            self.session: Session = note.session
            self.template = self.notes.template_for(self.session)
            self.client_id = self.notes.client_id_of(session_id)
            self.setAccessibleName(f"{self.session.kind.label} session note")

            top = self._build_top_bar()
            if intention_rows is None:
                intention_rows = self._default_intention_rows(note)
            self.scroll_area = self._build_page(note, intention_rows,
                                                known_themes or services.themes.known_themes)
            self._build_outer(top)
            self._wire_autosave(debounce_ms, max_latency_ms, retry_ms)
            self.details.problem.connect(self._details_problem)
            self.details.saved.connect(self._details_saved)
            QWidget.setTabOrder(self.back_button, self.details.starts_edit)
            self._show_signature()
            self._show_addenda(note.addenda)
            on_changes(services, self, self._course_changed)
            self.setStyleSheet(EDITOR_STYLE)
        except BaseException:
            # Built inside the window (workspace.py): a note that cannot be shown (gone,
            # vault closed) must not leave a half-built page behind in it.
            self.setParent(None)
            raise

    def _course_changed(self, changes: Changes) -> None:
        """Intentions added or revised elsewhere (the course view, another note) show in an
        open note's review rows; this note's own saves are already on screen."""
        if (changes.touches("intentions", course_id=self.session.course_id)
                and self.session_id not in changes.session_ids):
            self.form.reload_intentions()

    # -- building --------------------------------------------------------------------------
    def _default_intention_rows(self, note: Note) -> IntentionRows:
        """The course's intentions; a signed note shows those it reviewed, not ones set after
        it was written."""
        if self.session.signed:
            return functools.partial(self.services.intentions.reviewed_rows,
                                     self.session.course_id, note.values)
        return functools.partial(self.services.intentions.intention_rows,
                                 self.session.course_id, self.session_id)

    def _build_top_bar(self) -> QHBoxLayout:
        """Breadcrumb back to the client on the left; Export PDF and Sign on the right."""
        self.back_button = QPushButton(f"←  {self._crumb()}", self)
        self.back_button.setFlat(True)
        self.back_button.setAccessibleName(f"Back to {self._crumb()}")
        self.back_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.back_button.clicked.connect(self._go_back)
        install_back_keys(self, self._go_back, self.back_button)
        self.sign_button = QPushButton("Sign…", self)
        self.sign_button.setToolTip(f"Sign and lock this note ({SIGN_SHORTCUT})")
        self.sign_button.setAccessibleName("Sign note")
        self.sign_button.clicked.connect(self.request_sign)
        QShortcut(QKeySequence(SIGN_SHORTCUT), self, self.request_sign,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        top = QHBoxLayout()
        top.setContentsMargins(16, 8, 16, 8)
        top.addWidget(self.back_button)
        top.addStretch(1)
        self.export_button = QPushButton("Export PDF…", self)
        self.export_button.setToolTip("Export this note as a PDF (Ctrl+P)")
        self.export_button.setAccessibleName("Export note as PDF")
        self.export_button.clicked.connect(lambda: self.export_requested.emit(self.session_id))
        top.addWidget(self.export_button)
        top.addWidget(self.sign_button)
        return top

    def _build_page(self, note: Note, intention_rows: IntentionRows,
                    known_themes: KnownThemes) -> QScrollArea:
        """Title, state, details, the note's fields, signature and addenda, in one column."""
        self.title_label = QLabel(self.template.title, self)
        self.title_label.setObjectName("pageTitle")
        # The note's state under the title too, so a locked note is obvious before scrolling.
        self.lock_line = QLabel(self)
        self.lock_line.setObjectName("lockLine")
        self.lock_line.setTextFormat(Qt.TextFormat.PlainText)
        self.lock_line.setAccessibleName("Note state")
        self.details = SessionDetails(self.notes, self.session, self)
        self.form = NoteForm(self.template, note.values, read_only=self.session.signed,
                             intention_rows=intention_rows, known_themes=known_themes,
                             host_styled=True, parent=self)
        self.signature_label = QLabel(self)
        self.signature_label.setObjectName("signature")
        self.signature_label.setWordWrap(True)
        self.signature_label.setTextFormat(Qt.TextFormat.PlainText)
        self.signature_label.setAccessibleName("Signature")
        self.signature_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.addenda_title = QLabel("Addenda", self)
        self.addenda_title.setObjectName("sectionHeading")
        self.addenda_title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.addenda_box = QVBoxLayout()
        self.addenda_box.setSpacing(12)
        self.add_addendum_button = QPushButton("Add addendum…", self)
        self.add_addendum_button.clicked.connect(self.request_addendum)

        column = QVBoxLayout()
        column.setSpacing(18)
        column.addWidget(self.title_label)
        column.addWidget(self.lock_line)
        column.addWidget(self.details)
        if self.session.kind is SessionKind.DOSING:
            self.consents_line = ConsentsLine(self.services.consents, self.session_id,
                                             self.services.notes.client_id_of(self.session_id),
                                             self)
            column.addWidget(self.consents_line)
        column.addWidget(rule(self))
        column.addWidget(self.form)
        self.event_log = EventLogPanel(self.services.events, self.session_id,
                                       signed=self.session.signed, shortcut_host=self)
        column.addWidget(self.event_log)
        column.addWidget(rule(self))
        column.addWidget(self.signature_label)
        column.addWidget(self.addenda_title)
        column.addLayout(self.addenda_box)
        column.addWidget(self.add_addendum_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(NoteReviewsPanel(self.services, self.session_id, self))
        column.addStretch(1)
        return centred_scroll(column, self)

    def _build_outer(self, top: QHBoxLayout) -> None:
        """The top bar over the page; a dosing session shows the page as a tab beside its
        monitoring record."""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addLayout(top)
        outer.addWidget(rule(self))
        self.dosing: DosingTabs | None = None
        if self.session.kind is SessionKind.DOSING:
            self.dosing = DosingTabs(self.services, self.session_id, self.scroll_area,
                                     signer=self._default_signer(), signed=self.session.signed,
                                     parent=self)
            outer.addWidget(self.dosing, 1)
        else:
            outer.addWidget(self.scroll_area, 1)

    def _wire_autosave(self, debounce_ms: int, max_latency_ms: int, retry_ms: int) -> None:
        self.autosave = AutosaveController(self.notes, self.session_id, debounce_ms=debounce_ms,
                                           max_latency_ms=max_latency_ms, retry_ms=retry_ms,
                                           based_on=self._loaded_values, parent=self)
        self.form.changed.connect(self._field_changed)
        self.form.focus_left.connect(lambda _field_id: self.autosave.flush())
        self.autosave.state_changed.connect(self.state_changed)
        self.autosave.kept_aside.connect(self._kept_aside)
        self.autosave.field_invalid.connect(self.form.set_field_error)
        self.autosave.field_valid.connect(lambda field_id: self.form.set_field_error(field_id, ""))
        if self.session.signed:
            self.autosave.lock(LOCKED_MESSAGE)

    # -- public ----------------------------------------------------------------------------
    def flush(self) -> bool:
        """Save everything typed (details and note) now; True when nothing is left unsaved."""
        details_ok = self.details.flush()
        note_ok = self.autosave.flush()
        if self.dosing is not None:
            self.dosing.flush()  # the monitoring record stores each change itself; text waits
        return details_ok and note_ok

    @property
    def state(self) -> str:
        return self.autosave.state

    def focus_first_field(self) -> None:
        if self.dosing is not None and self.dosing.tabs.currentIndex() == 0:
            self.dosing.focus_first()
            return
        target = self.form.first_focus_target()
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def reveal_field(self, field_id: str) -> bool:
        """Show and focus one field (a search hit); False when the note has no such field."""
        block = self.form.editors.get(field_id)
        if block is None:
            return False
        if self.dosing is not None:
            self.dosing.tabs.setCurrentWidget(self.dosing.note_page)
        self.scroll_area.ensureWidgetVisible(block, 0, 80)
        targets = block.focus_targets()
        (targets[0] if targets else block).setFocus(Qt.FocusReason.OtherFocusReason)
        # A block wider than the view is centred sideways, cutting off labels and title.
        self.scroll_area.horizontalScrollBar().setValue(0)
        return True

    def request_sign(self) -> None:
        """Open the sign dialog (non-blocking; the result arrives through its signal)."""
        if self.session.signed or not self.sign_button.isEnabled():  # (a note gone: disabled)
            return
        self.flush()  # sign what is on screen, not what was last autosaved
        if self.autosave.has_unsaved():
            self.state_changed.emit(NOT_SAVED + "save the note before signing.")
            return
        if self._changed_elsewhere:  # what is on screen is no longer the note
            self.state_changed.emit(CHANGED_ELSEWHERE + " Open the note again before signing.")
            return
        self.sign_dialog = SignDialog(
            signer=self._default_signer(), missing=self.notes.missing_for_signing(self.session_id),
            blockers=self.notes.sign_blockers(self.session_id),
            refusals=self.notes.sign_refusals(self.session_id), parent=self)
        bind_signer(self.sign_dialog.signer_edit, self.services.vault, self._default_signer())
        self.sign_dialog.sign_requested.connect(self._sign)
        self.sign_dialog.open()

    def _kept_aside(self, _field_ids: list[str]) -> None:
        self._changed_elsewhere = True
        self.state_changed.emit(CHANGED_ELSEWHERE)

    def request_addendum(self) -> None:
        if not self.session.signed:
            return
        self.addendum_dialog = AddendumDialog(author=self._default_signer(), parent=self)
        bind_signer(self.addendum_dialog.author_edit, self.services.vault, self._default_signer())
        self.addendum_dialog.submitted.connect(self._add_addendum)
        self.addendum_dialog.open()

    # -- internals -------------------------------------------------------------------------
    def _crumb(self) -> str:
        client = self.services.clients.get(self.client_id)
        course = self.services.courses.get(self.session.course_id)
        return f"{client.display_name} · {course_label(course)}"

    def _default_signer(self) -> str:
        return (self._signer_name or self.session.clinician
                or self.services.vault.actor.clinician)

    def _go_back(self) -> None:
        self.flush()
        self.back_requested.emit(self.client_id)

    def _field_changed(self, field_id: str) -> None:
        self.form.set_field_error(field_id, "")  # re-checked when it is saved
        self.autosave.set_value(field_id, self.form.value(field_id))

    def _details_problem(self, message: str) -> None:
        if message:
            self.state_changed.emit(NOT_SAVED + message)

    def _details_saved(self, session: Session) -> None:
        self.session = session
        self.details_saved.emit(self.session_id)
        self.state_changed.emit(self.autosave.state)

    def _sign(self, signer: str, reason: str) -> None:
        dialog = self.sign_dialog
        try:
            self.session = self.notes.sign(self.session_id, signer=signer, reason=reason)
        except KapNotesError as exc:
            if dialog is not None:
                dialog.show_error(exc.message)
            return
        if dialog is not None:
            dialog.accept()
        self.autosave.lock(LOCKED_MESSAGE)
        self.form.set_read_only(True)
        self.event_log.set_signed()
        if self.dosing is not None:
            self.dosing.set_signed()
        self.details.show_session(self.session)
        self.setStyleSheet(EDITOR_STYLE)  # re-polish for the read-only look
        self._show_signature()
        self.state_changed.emit(f"Signed by {self.session.signed_by}")
        self.signed.emit(self.session_id)

    def _add_addendum(self, text: str, author: str) -> None:
        dialog = self.addendum_dialog
        try:
            self.notes.add_addendum(self.session_id, text, author=author)
        except KapNotesError as exc:
            if dialog is not None:
                dialog.show_error(exc.message)
            return
        if dialog is not None:
            dialog.accept()
        self._show_addenda(self.notes.note(self.session_id).addenda)

    def _show_signature(self) -> None:
        s = self.session
        if s.signed and s.signed_at is not None:
            text = f"Signed by {s.signed_by} at {human_datetime(s.signed_at)}"
            if s.sign_reason:
                answered = "; ".join(self.notes.sign_answered(self.session_id))
                text += f"\nReason{' (for: ' + answered + ')' if answered else ''}: " \
                        f"{s.sign_reason}"
        else:
            text = "Draft — not signed"
        self.signature_label.setText(text)
        self.lock_line.setText(
            f"Signed and locked · {s.signed_by} · {human_datetime(s.signed_at)} · "
            "changes go in addenda"
            if s.signed and s.signed_at is not None else "Draft — not signed · autosaved")
        for label in (self.signature_label, self.lock_line):
            label.setProperty("signed", s.signed)
            label.style().unpolish(label)
            label.style().polish(label)
        self.sign_button.setEnabled(not s.signed)
        self.sign_button.setText("Signed" if s.signed else "Sign…")
        self.add_addendum_button.setVisible(s.signed)
        self.addenda_title.setVisible(s.signed)

    def _show_addenda(self, addenda: tuple[Addendum, ...]) -> None:
        while self.addenda_box.count():
            item = self.addenda_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for addendum in addenda:
            self.addenda_box.addWidget(addendum_view(addendum, self))
        self.addenda_title.setVisible(self.session.signed or bool(addenda))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        if self.dosing is not None:
            self.dosing.stop_clocks()
        super().closeEvent(event)

