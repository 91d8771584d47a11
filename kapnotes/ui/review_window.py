"""The supervisor's window (File → Open review request…): the request's notes read-only, a
verdict per note, comments, an optional co-signature, the supervision session, and "Send
back…", which writes the signed, encrypted reply (docs/REVIEW-FORMAT.md).

It works with the supervisor's own vault (their profile and key sign the reply, and the
vault's audit log remembers it) or without one (they type their name; a one-off key signs).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.review_model import CoSignature, Profile, ReplyContent, Verdict
from kapnotes.services.clinician import clinician_profile
from kapnotes.services.clock import Clock, system_clock
from kapnotes.services.review_keys import one_off_identity, vault_identity
from kapnotes.services.review_replies import OpenedRequest, record_reply, write_reply
from kapnotes.services.vault_access import Vault
from kapnotes.ui.prompter import question_box
from kapnotes.ui.review_panels import CommentsPanel, CosignPanel, ProfileFields, SessionPanel
from kapnotes.ui.review_report_html import report_html
from kapnotes.ui.widgets.monitoring_style import error_label, show_message

NO_VERDICT = "No verdict yet"
VERDICT_LABELS = {None: NO_VERDICT, Verdict.APPROVED: "Approved",
                  Verdict.CHANGES_REQUESTED: "Changes requested"}


class ReviewWindow(QDialog):
    """One opened request; `send_back(path)` writes the reply and emits `sent(path)`."""

    sent = Signal(object)

    def __init__(self, request: OpenedRequest, *, vault: Vault | None = None,
                 today: object = None, parent: QWidget | None = None,
                 clock: Clock = system_clock) -> None:
        super().__init__(parent)
        self.request = request
        self.vault = vault
        self.clock = clock  # dates the reply: the opening window's services clock
        self.verdicts: dict[int, Verdict] = {}
        self.sent_to: Path | None = None  # the reply written last, if any
        self.setWindowTitle(f"Review request from {request.therapist.name}")
        self.setObjectName("review_window")
        self.setAccessibleName("Review request")
        self.resize(1100, 760)
        me = clinician_profile(vault) if vault is not None else Profile("")

        self.header = QLabel(self._header_text(), self)
        self.header.setObjectName("review_header")
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        left = self._build_notes_side()
        self.viewer = QTextBrowser(self)
        self.viewer.setObjectName("review_report")
        self.viewer.setAccessibleName("The notes, read-only")
        self.viewer.setOpenLinks(False)  # text from a file is never followed as a link
        html, self.anchors = report_html(request.report)
        self.viewer.setHtml(html)

        self._build_tabs(me, today)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.viewer)
        right.addWidget(self.tabs)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([300, 800])

        buttons = self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self._refresh_notes()
        if request.notes:
            self.notes.setCurrentRow(0)

    def _build_notes_side(self) -> QWidget:
        """The notes list and, under it, the chosen note's verdict and comment button."""
        self.notes = QListWidget(self)
        self.notes.setAccessibleName("Notes in the request")
        self.notes.setSpacing(3)
        self.notes.setAlternatingRowColors(True)
        for n in self.request.notes:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, n.session_id)
            self.notes.addItem(item)
        self.notes.currentRowChanged.connect(self._note_chosen)
        self.verdict_box = QWidget(self)
        self.verdict_group = QButtonGroup(self)
        verdict_layout = QVBoxLayout(self.verdict_box)
        verdict_layout.setContentsMargins(0, 0, 0, 0)
        verdict_layout.addWidget(QLabel("<b>Verdict for this note</b>", self.verdict_box))
        self.verdict_buttons: dict[Verdict | None, QRadioButton] = {}
        # Alt+V, Alt+H, Alt+Y: no other mnemonic of the window uses these letters.
        for key, text in ((Verdict.APPROVED, "Appro&ved"),
                          (Verdict.CHANGES_REQUESTED, "C&hanges requested"),
                          (None, "No verdict &yet")):
            button = QRadioButton(text, self.verdict_box)
            self.verdict_group.addButton(button)
            self.verdict_buttons[key] = button
            verdict_layout.addWidget(button)
            button.toggled.connect(lambda on, k=key: self._set_verdict(k) if on else None)
        self.comment_note_button = QPushButton("&Write a comment on this note",
                                                self.verdict_box)
        self.comment_note_button.clicked.connect(self._comment_on_note)
        verdict_layout.addWidget(self.comment_note_button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Notes to review</b>", left))
        left_layout.addWidget(self.notes, 1)
        left_layout.addWidget(self.verdict_box)
        return left

    def _build_tabs(self, me: Profile, today: object) -> None:
        """Comments, co-signature, the supervision session and who is replying."""
        from datetime import date

        self.comments = CommentsPanel(self.request.notes, self.request.sections, self)
        self.cosign = CosignPanel(me, self)
        self.session = SessionPanel(today if isinstance(today, date) else date.today(), self)
        self.reviewer = ProfileFields("Your", me, read_only=self.vault is not None, parent=self)
        you = QWidget(self)
        you_layout = QVBoxLayout(you)
        you_layout.addWidget(self.reviewer)
        you_layout.addWidget(QLabel(
            "Signed with your vault's key." if self.vault is not None else
            "You have no vault open: a one-off key signs this reply. The therapist will see "
            "it was one-off.", you))
        you_layout.addStretch(1)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.comments, "Comments")
        self.tabs.addTab(self.cosign, "Co-signature")
        self.tabs.addTab(self.session, "Supervision session")
        self.tabs.addTab(you, "You")

    def _build_buttons(self) -> QHBoxLayout:
        """Error and done lines, then Save PDF, Close and Send back (Ctrl+Shift+S)."""
        self.error = error_label(self, "Review error")
        self.done_label = QLabel("", self)
        self.done_label.setObjectName("reply_written")
        self.done_label.setWordWrap(True)
        self.pdf_button = QPushButton("Save &PDF…", self)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.close_button = QPushButton("Close", self)
        self.close_button.clicked.connect(self.reject)
        self.send_button = QPushButton("&Send back…", self)
        self.send_button.setObjectName("send_back")
        self.send_button.setToolTip("Write the signed, encrypted reply file (Ctrl+Shift+S)")
        self.send_button.clicked.connect(lambda: self.send_back())
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, lambda: self.send_back())
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.done_label, 1)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.send_button)
        return buttons

    def _header_text(self) -> str:
        r = self.request
        privacy = "de-identified" if r.deidentified else "IDENTIFIED (names included)"
        return (f"<b>From:</b> {_esc(r.therapist.line())} &nbsp; <b>Key:</b> "
                f"<tt>{r.therapist_fingerprint}</tt><br><b>Sent:</b> {_sent(r.created_at)} · "
                f"{len(r.notes)} note{'s' if len(r.notes) != 1 else ''} · {privacy}")

    # -- notes and verdicts ----------------------------------------------------------------
    def current_note(self) -> int | None:
        item = self.notes.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, int) else None

    def _note_chosen(self, row: int) -> None:
        sid = self.current_note()
        self.verdict_box.setEnabled(sid is not None)
        if sid is None:
            return
        self.verdict_buttons[self.verdicts.get(sid)].setChecked(True)
        note = self.request.notes[row]
        for index, heading in enumerate(self.anchors):
            if note.title in heading:
                self.viewer.scrollToAnchor(f"section-{index}")
                break

    def set_verdict(self, session_id: int, verdict: Verdict | None) -> None:
        if verdict is None:
            self.verdicts.pop(session_id, None)
        else:
            self.verdicts[session_id] = verdict
        self._refresh_notes()

    def _set_verdict(self, verdict: Verdict | None) -> None:
        sid = self.current_note()
        if sid is not None and self.verdicts.get(sid) != verdict:
            self.set_verdict(sid, verdict)

    def _refresh_notes(self) -> None:
        for row, n in enumerate(self.request.notes):
            verdict = VERDICT_LABELS[self.verdicts.get(n.session_id)]
            self.notes.item(row).setText(f"{n.title}\n{n.client_code} · {n.held_on.day} "
                                         f"{n.held_on:%b %Y} · {verdict}")

    def _comment_on_note(self) -> None:
        self.comments.anchor_to_note(self.current_note())
        self.tabs.setCurrentWidget(self.comments)
        self.comments.text.setFocus()

    # -- the reply -------------------------------------------------------------------------
    def content(self) -> ReplyContent:
        cosignature = None
        approved = tuple(sid for sid, v in sorted(self.verdicts.items())
                         if v is Verdict.APPROVED)
        if self.cosign.enabled.isChecked():
            if not approved:
                raise KapNotesError("Co-signature: approve at least one note to co-sign it.")
            cosignature = CoSignature(self.cosign.fields.profile(), approved)
        return ReplyContent(dict(self.verdicts), tuple(self.comments.comments), cosignature,
                            self.session.session())

    def send_back(self, path: Path | None = None) -> Path | None:
        """Write the reply to `path` (asked for when None); shown errors name the field."""
        try:
            content = self.content()
            profile = self.reviewer.profile()
            if not profile.name:
                self.tabs.setCurrentIndex(self.tabs.count() - 1)  # "You": type it there
                self.reviewer.name.setFocus()
                raise KapNotesError("Your name: type your name (the “You” tab) before "
                                    "sending the reply.")
            if path is None:
                chosen, _ = QFileDialog.getSaveFileName(
                    self, "Send the reply back", "review-reply.kapreview",
                    "Review files (*.kapreview)")
                if not chosen:
                    return None
                path = Path(chosen)
            identity = (vault_identity(self.vault) if self.vault is not None
                        else one_off_identity(profile))
            result = write_reply(self.request, content, identity, path, replace=True,
                                 vault_path=self.vault.path if self.vault else None,
                                 clock=self.clock)
            if self.vault is not None:
                record_reply(self.vault, self.request, result, clock=self.clock)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return None
        show_message(self.error, "")
        self.sent_to = result.path
        self.done_label.setText(f"Reply written to {result.path.name}. Send it to the "
                                "therapist: it is encrypted to their key.")
        self.sent.emit(result.path)
        return result.path

    def unsent_work(self) -> bool:
        """Verdicts or comments that exist only in this window (nothing else keeps them)."""
        return self.sent_to is None and bool(self.verdicts or self.comments.comments
                                              or self.comments.text.toPlainText().strip())

    def reject(self) -> None:
        # Never lose a supervisor's words silently: closing before Send back asks first.
        if self.unsent_work():
            box, leave = question_box(
                self, "Close the review", "Your verdicts and comments have not been sent "
                "back and are kept nowhere else. Close and discard them?",
                yes="Discard and close", no="Keep reviewing", destructive=True)
            box.exec()
            if box.clickedButton() is not leave:
                return
        super().reject()

    def save_pdf(self, path: Path | None = None) -> Path | None:
        """The PDF the therapist sent, as it came."""
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Save the PDF", "review.pdf",
                                                    "PDF (*.pdf)")
            if not chosen:
                return None
            path = Path(chosen)
        try:
            path.write_bytes(self.request.pdf)
        except OSError as exc:
            show_message(self.error, f"PDF: could not write the file ({exc.strerror}).")
            return None
        return path


def _sent(stamp: str) -> str:
    """"2026-12-03T17:02:08Z" as "3 Dec 2026, 17:02 UTC" (the file's own UTC time)."""
    from datetime import datetime

    try:
        moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return _esc(stamp)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def _esc(text: str) -> str:
    from html import escape

    return escape(text)
