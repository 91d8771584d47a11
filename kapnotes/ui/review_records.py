"""A note's supervision under the signed note: its review status, and the supervisors'
records (verdicts, comments, co-signatures) read-only, oldest first. With changes requested
the therapist answers with an addendum (the note stays as signed) and can send it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.review_model import ReviewStatus
from kapnotes.services.clinician import clinician_name
from kapnotes.services.container import Services
from kapnotes.ui.change_signals import refresh_when
from kapnotes.ui.widgets.monitoring_style import error_label, show_message

STATUS_COLOURS = {ReviewStatus.AWAITING: "#8a6d00", ReviewStatus.CHANGES_REQUESTED: "#b3261e",
                  ReviewStatus.COSIGNED: "#1e7b34", ReviewStatus.APPROVED: "#1e7b34"}


def _signer(r: Any) -> str:
    parts = [r.signer_name, r.signer_role,
             f"reg. {r.signer_registration}" if r.signer_registration else ""]
    return escape(", ".join(p for p in parts if p))


def record_html(r: Any) -> str:
    """One review record (a storage RecordRow, read through the review service)."""
    when = escape(r.created_at[:10])
    if r.kind == "verdict":
        label = "approved" if r.verdict == "approved" else "changes requested"
        colour = "#1e7b34" if r.verdict == "approved" else "#b3261e"
        return (f"<p><b style='color:{colour}'>Verdict: {label}</b> — {_signer(r)} "
                f"<span style='color:#666'>· {when}</span></p>")
    if r.kind == "cosignature":
        return (f"<p><b>Co-signed</b> by {_signer(r)} "
                f"<span style='color:#666'>· {when}</span></p>")
    where = f" <i>[{escape(r.section)}]</i>" if r.section else ""
    body = escape(r.text).replace("\n", "<br>")
    return (f"<p><b>Comment</b>{where} — {_signer(r)} <span style='color:#666'>· {when}"
            f"</span><br>{body}</p>")


def records_html(records: Sequence[Any]) -> str:
    return "".join(record_html(r) for r in records) or "<p>No review records yet.</p>"


def status_html(status: ReviewStatus) -> str:
    colour = STATUS_COLOURS.get(status, "#444")
    return f"<b style='color:{colour}'>{escape(status.value.capitalize())}</b>"


class NoteReviewsPanel(QWidget):
    """Hidden until the note was sent for supervision; follows imports by itself."""

    def __init__(self, services: Services, session_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.session_id = session_id
        self.setObjectName("note_reviews")
        title = QLabel("Supervision", self)
        title.setObjectName("sectionHeading")
        title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("review_status")
        self.status_label.setAccessibleName("Review status")
        self.records_label = QLabel(self)
        self.records_label.setObjectName("review_records")
        self.records_label.setAccessibleName("Review records")
        self.records_label.setWordWrap(True)
        self.records_label.setTextFormat(Qt.TextFormat.RichText)
        self.records_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer_button = QPushButton("&Answer with an addendum…", self)
        self.answer_button.clicked.connect(lambda: self.answer())
        self.send_button = QPushButton("Send a&gain for supervision…", self)
        self.send_button.clicked.connect(self.send_again)
        self.error = error_label(self, "Review error")
        buttons = QHBoxLayout()
        buttons.addWidget(self.answer_button)
        buttons.addWidget(self.send_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.status_label)
        layout.addWidget(self.records_label)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        refresh_when(services, self, lambda c: c.reviews, self.refresh)
        self.refresh()

    def refresh(self) -> None:
        reviews = self.services.reviews
        status = reviews.status(self.session_id)
        self.setVisible(status is not ReviewStatus.NOT_SENT)
        if status is ReviewStatus.NOT_SENT:
            return
        rounds = reviews.rounds(self.session_id)
        self.status_label.setText(f"Status: {status_html(status)} · sent "
                                  f"{len(rounds)} time{'s' if len(rounds) != 1 else ''}")
        self.records_label.setText(records_html(reviews.records(self.session_id)))
        changes = status is ReviewStatus.CHANGES_REQUESTED
        self.answer_button.setVisible(changes)
        self.send_button.setVisible(changes)

    def answer(self, text: str | None = None) -> bool:
        """Answer "changes requested" with an addendum (asked for when `text` is None)."""
        if text is None:
            text, ok = QInputDialog.getMultiLineText(
                self, "Answer the supervisor", "Your addendum (the signed note stays as it "
                "is; the addendum is dated now):")
            if not ok:
                return False
        try:
            self.services.reviews.answer_changes(
                self.session_id, text, author=clinician_name(self.services.vault))
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return False
        show_message(self.error, "")
        self.refresh()
        return True

    def send_again(self) -> QWidget:
        from kapnotes.ui.dialogs.review_send import SendForReviewDialog

        notes = self.services.notes
        session = notes.session(self.session_id)
        dialog = SendForReviewDialog(self.services, client_id=notes.client_id_of(
            self.session_id), course_id=session.course_id, session_id=self.session_id,
            parent=self.window())
        dialog.open()
        return dialog
