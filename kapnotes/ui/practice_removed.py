"""The open note's client left this vault in a sync: the clinician is no longer on the client's
care team (the purge), or a colleague deleted the client or the draft (a void). The note is
closed and the start page says why, calmly; nothing is lost by it: a purge waits while the
client holds work not yet on the server, and a draft written here that a deletion took is kept
as a conflict copy (docs/PRACTICE-SERVER.md, "Leaving a care team", "Deleting a shared record").
Words typed into the note and not yet saved when its record went exist only on screen: then
the note stays open, no longer saving, with a band saying so, until the clinician closes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kapnotes.domain.errors import KapNotesError
from kapnotes.ui.practice_worker import SyncOutcome

if TYPE_CHECKING:
    from kapnotes.ui.workspace import Workspace

TITLE = "The note was closed"
CLIENT_TITLE = "The client's page was closed"
CONFLICTS = "File → Practice → Conflicts and field reviews"


def why_removed(outcome: SyncOutcome) -> tuple[str, str]:
    """(a short line for the status bar, the full words) on why the open note's client went,
    from what the sync did."""
    report = outcome.report
    purged = report.purged_codes if report is not None else ()
    if purged:
        codes = ", ".join(purged)
        return (f"you are no longer on the care team of {codes}",
                f"Client {codes} is no longer on this workstation: you are no longer on their "
                "care team, so the practice server stopped sharing their records with this "
                "workstation. The server keeps them.")
    said = " ".join(f"{words}." for words in (report.removed if report is not None else ()))
    # Who deleted it and why follow in the status bar anyway (`removed_line`).
    return ("" if said else "it was deleted on another workstation",
            (said or "The note, or its client, was deleted on another workstation.")
            + f" If you had written in it, your text is kept under {CONFLICTS}.")


def removed_line(outcome: SyncOutcome) -> str:
    """Deletions made on other workstations that this sync applied, for the status bar."""
    report = outcome.report
    if report is None or not report.removed:
        return ""
    return " ".join(f"{words}." for words in report.removed[:3]) + (
        f" (and {len(report.removed) - 3} more; see the audit log)"
        if len(report.removed) > 3 else "")


class RemovedNotice(QFrame):
    """A band at the top of a note whose record is gone, holding words not yet saved."""

    def __init__(self, text: str, close_note: Callable[[], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("practice_removed_notice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#practice_removed_notice { background: palette(alternate-base); "
                           "border: 1px solid palette(mid); border-radius: 4px; }")
        self.label = QLabel(text, self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a colleague's reason, as typed
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton("Close note", self)
        self.close_button.clicked.connect(lambda: close_note())
        buttons = QVBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(self.label, 1)
        row.addLayout(buttons)
        self.setAccessibleName(text)


def _close_client_page(workspace: Workspace, outcome: SyncOutcome) -> str:
    """The client page shown is of a client the sync removed: the start page says why."""
    client_id = getattr(workspace.window.current_page(), "client_id", None)
    if not isinstance(client_id, int):
        return ""
    try:
        workspace.services.clients.get(client_id)
        return ""  # still here
    except KapNotesError:
        pass
    short, why = why_removed(outcome)
    workspace.close_note(CLIENT_TITLE, f"{why}\n\nNothing you wrote here was lost.")
    return f"{CLIENT_TITLE}: {short}." if short else f"{CLIENT_TITLE}."


def follow_removal(workspace: Workspace, outcome: SyncOutcome) -> tuple[str, RemovedNotice | None]:
    """Close the open note (or client page) if the sync removed it; returns (a status-bar
    line, or "" when it is still in the vault; the band shown when typed words kept it open)."""
    editor = workspace.editor
    if outcome.report is None:
        return "", None
    if editor is None:
        return _close_client_page(workspace, outcome), None
    kept_open = editor.findChild(RemovedNotice)
    if kept_open is not None:
        return "", kept_open  # already said; the clinician closes it when done copying
    try:
        workspace.services.notes.session(editor.session_id)
        return "", None  # still here
    except KapNotesError:
        pass
    short, why = why_removed(outcome)
    if not editor.autosave.has_unsaved():
        workspace.close_note(TITLE, f"{why}\n\nNothing you wrote here was lost.")
        return (f"{TITLE}: {short}." if short else f"{TITLE}."), None
    # Typed after the last save: those words are only on screen. The note stays, no longer
    # saving, so they can be copied where they belong.
    editor.autosave.lock("this note is no longer in the vault")
    for button in (editor.sign_button, editor.export_button):
        button.setEnabled(False)  # nothing left to sign or export
    band = RemovedNotice(f"{why}\n\nWhat you typed since the last save is shown here but was "
                         "not saved: copy it where it belongs, then close the note.",
                         lambda: workspace.close_note(TITLE, why), editor)
    layout = editor.layout()
    if isinstance(layout, QVBoxLayout):
        layout.insertWidget(0, band)
    band.show()
    return "This note is no longer in the vault; your unsaved words are still on screen.", band
