"""The open note and the background sync: what is typed goes out, what arrives shows.

Before each sync the open note is saved (the sync sends what the vault holds). When a sync
brings another workstation's version of the open note, the note is reopened so it shows what
the vault now holds (anything typed meanwhile is saved first, never dropped); when that made a
conflict copy of the text written here, a calm notice at the top of the note says where the
copy is (File → Practice → Conflicts and field reviews).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.lazy import lazy_module
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.practice_removed import RemovedNotice, follow_removal
from kapnotes.ui.practice_worker import SyncOutcome

if TYPE_CHECKING:
    from kapnotes.services import practice_review
    from kapnotes.ui.session_editor import SessionEditor
    from kapnotes.ui.workspace import Workspace
else:  # loads at the first sync that brings a note, not before the window has painted
    practice_review = lazy_module("kapnotes.services.practice_review")

NOTICE = ("This note was also changed on another workstation, and it now shows that version. "
          "Nothing is lost: what you had written here is kept as a conflict copy, to compare "
          "and copy from under File → Practice → Conflicts and field reviews.")


class ConflictNotice(QFrame):
    """A quiet band at the top of a note: what happened and where the copy is."""

    def __init__(self, open_conflicts: Callable[[], object], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("practice_conflict_notice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#practice_conflict_notice { background: palette(alternate-base); "
                           "border: 1px solid palette(mid); border-radius: 4px; }")
        self.label = QLabel(NOTICE, self)
        self.label.setWordWrap(True)
        self.label.setAccessibleName(NOTICE)
        self.open_button = QPushButton("Open conflict copies…", self)
        self.open_button.clicked.connect(lambda: open_conflicts())
        self.dismiss_button = QPushButton("Dismiss", self)
        self.dismiss_button.clicked.connect(self.hide)
        buttons = QVBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.dismiss_button)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(self.label, 1)
        row.addLayout(buttons)
        self.setAccessibleName("Conflict notice")


class NoteSyncFollower(QObject):
    """Keeps the open note (the workspace's editor) in step with the background sync."""

    def __init__(self, window: MainWindow, workspace: Callable[[], Workspace | None],
                 open_conflicts: Callable[[], object]) -> None:
        super().__init__(window)
        self._workspace = workspace
        self._open_conflicts = open_conflicts
        self.notice: ConflictNotice | None = None
        self.removed_notice: RemovedNotice | None = None  # the open note's record went

    def before_sync(self) -> None:
        workspace = self._workspace()
        if workspace is not None:
            workspace.flush()

    def after_sync(self, outcome: SyncOutcome) -> str:
        """Follow the sync in the open note; returns a line for the status bar ("" if none)."""
        workspace = self._workspace()
        editor = workspace.editor if workspace is not None else None
        changes = outcome.changes
        if workspace is not None and changes is not None and changes.clients:
            workspace.after_records_arrived()  # a first sync fills an empty vault
        if workspace is None or changes is None:
            return ""
        said, self.removed_notice = follow_removal(workspace, outcome)
        if said or editor is None:
            return said
        if not (changes.touches("notes", "sessions", "monitoring")
                and changes.touches_session(editor.session_id)):
            return ""
        session_id = editor.session_id
        # Typed during the sync: saved, or (a field the sync rewrote) kept as a conflict copy.
        workspace.flush()
        try:
            copied = practice_review.has_open_conflict(workspace.services.vault, "note",
                                                       session_id)
        except KapNotesError:
            copied = False
        if not copied and not _shows_other_text(workspace, session_id):
            return ""  # only this note's own edits went out: typing goes on undisturbed
        field_id = _focused_field(editor)
        workspace.open_session(session_id)
        if workspace.editor is not None and field_id is not None:
            workspace.editor.reveal_field(field_id)  # back where the clinician was typing
        if copied and workspace.editor is not None:
            self.show_notice(workspace.editor)
            return "The open note's conflict copy is listed under File → Practice."
        return "The open note was updated from another workstation."

    def show_notice(self, editor: QWidget) -> ConflictNotice:
        notice = ConflictNotice(self._open_conflicts, editor)
        layout = editor.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(0, notice)
        notice.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing goes on in the note
        notice.show()
        self.notice = notice
        return notice


def _shows_other_text(workspace: Workspace, session_id: int) -> bool:
    """Whether the vault now holds another text (or signed state) than the open note shows."""
    editor = workspace.editor
    if editor is None:
        return False
    try:
        stored = workspace.services.notes.note(session_id)
    except KapNotesError:
        return False
    if stored.session.signed != editor.session.signed:
        return True
    on_screen = editor.form.values()
    return any(_blank(on_screen.get(key)) != _blank(stored.values.get(key))
               for key in on_screen)


def _blank(value: object) -> object:
    """An empty field reads the same whether stored as nothing, "" or an empty list."""
    return None if value in (None, "", [], {}) else value


def _focused_field(editor: SessionEditor) -> str | None:
    """The note field that has the keyboard focus, if any."""
    focused = QApplication.focusWidget()
    if focused is None:
        return None
    return next((field_id for field_id, block in editor.form.editors.items()
                 if block is focused or block.isAncestorOf(focused)), None)
