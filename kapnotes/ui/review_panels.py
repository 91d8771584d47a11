"""The supervisor's parts of the review window: comments anchored to a note or a section, the
co-signature, the supervision session and who is replying. Each panel only collects values;
`kapnotes.domain.review_model.reply_content_from` checks them when the reply is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.review_model import (
    MAX_MINUTES,
    Comment,
    NoteRef,
    Profile,
    SupervisionFormat,
    SupervisionSession,
)

WHOLE_REQUEST = "Whole request"
ANY_SECTION = "(no section)"


def _edit(parent: QWidget, name: str, text: str = "") -> QLineEdit:
    edit = QLineEdit(text, parent)
    edit.setAccessibleName(name)
    return edit


class CommentsPanel(QWidget):
    """Write a comment, anchor it to a note and/or a section, add it; remove one added."""

    changed = Signal()

    def __init__(self, notes: Sequence[NoteRef], sections: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.comments: list[Comment] = []
        self.note_choice = QComboBox(self)
        self.note_choice.setAccessibleName("Comment about note")
        self.note_choice.addItem(WHOLE_REQUEST, None)
        for n in notes:
            self.note_choice.addItem(f"{n.title} · {n.client_code} · {n.held_on.day} "
                                     f"{n.held_on:%b %Y}",
                                     n.session_id)
        self.section_choice = QComboBox(self)
        self.section_choice.setAccessibleName("Comment about section")
        self.section_choice.addItem(ANY_SECTION, "")
        for s in sections:
            self.section_choice.addItem(s, s)
        self.text = QPlainTextEdit(self)
        self.text.setAccessibleName("Comment text")
        self.text.setPlaceholderText("Your comment (Ctrl+Enter adds it)")
        self.text.setMaximumHeight(90)
        self.add_button = QPushButton("&Add comment", self)
        self.add_button.clicked.connect(self.add)
        QShortcut(QKeySequence("Ctrl+Return"), self.text, self.add)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Comments added")
        self.list.setWordWrap(True)
        self.remove_button = QPushButton("&Remove comment", self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = QLabel("", self)
        self.message.setObjectName("comment_message")
        form = QFormLayout()
        form.addRow("&Note:", self.note_choice)
        form.addRow("S&ection:", self.section_choice)
        form.addRow("Co&mment:", self.text)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(self.add_button)
        under = QHBoxLayout()
        under.addStretch(1)
        under.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        layout.addLayout(under)
        self._refresh()

    def anchor_to_note(self, session_id: int | None) -> None:
        index = self.note_choice.findData(session_id)
        self.note_choice.setCurrentIndex(max(index, 0))

    def add(self) -> Comment | None:
        text = self.text.toPlainText().strip()
        if not text:
            self.message.setText("Comment: type the comment first.")
            return None
        sid = self.note_choice.currentData()
        comment = Comment(text, sid if isinstance(sid, int) else None,
                          str(self.section_choice.currentData() or ""))
        self.comments.append(comment)
        self.text.clear()
        self.message.setText("")
        self._refresh()
        self.changed.emit()
        return comment

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.comments):
            del self.comments[row]
            self._refresh()
            self.changed.emit()

    def _refresh(self) -> None:
        self.list.clear()
        for c in self.comments:
            where = [self.note_choice.itemText(max(self.note_choice.findData(c.session_id), 0))
                     if c.session_id is not None else WHOLE_REQUEST]
            if c.section:
                where.append(c.section)
            self.list.addItem(QListWidgetItem(f"[{' · '.join(where)}] {c.text}"))
        if not self.comments:
            item = QListWidgetItem("No comments yet.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        self.remove_button.setEnabled(bool(self.comments))


class ProfileFields(QWidget):
    """Name, role, registration: who replies, or who co-signs."""

    def __init__(self, what: str, profile: Profile, *, read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = _edit(self, f"{what} name", profile.name)
        self.role = _edit(self, f"{what} role", profile.role)
        self.registration = _edit(self, f"{what} registration", profile.registration)
        self.registration.setPlaceholderText("e.g. an AHPRA number")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Name:", self.name)
        form.addRow("Role:", self.role)
        form.addRow("Registration:", self.registration)
        for edit in (self.name, self.role, self.registration):
            edit.setReadOnly(read_only)

    def profile(self) -> Profile:
        return Profile(self.name.text().strip(), self.role.text().strip(),
                       self.registration.text().strip())


class CosignPanel(QWidget):
    def __init__(self, signer: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox("&Co-sign the notes I approve", self)
        self.fields = ProfileFields("Co-signer", signer, parent=self)
        self.fields.setEnabled(False)
        self.enabled.toggled.connect(self.fields.setEnabled)
        note = QLabel("Only notes with the verdict “approved” are co-signed.", self)
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addWidget(self.fields)
        layout.addWidget(note)
        layout.addStretch(1)


class SessionPanel(QWidget):
    """The supervision session itself (date, minutes, individual or group, topics)."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox("&Record the supervision session in the reply", self)
        self.enabled.setChecked(True)
        self.held_on = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("d MMM yyyy")
        self.held_on.setAccessibleName("Supervision date")
        self.minutes = QSpinBox(self)
        self.minutes.setRange(1, MAX_MINUTES)
        self.minutes.setValue(60)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Supervision minutes")
        self.format = QComboBox(self)
        self.format.setAccessibleName("Supervision format")
        for f in SupervisionFormat:
            self.format.addItem(f.value.capitalize(), f)
        self.topics = _edit(self, "Supervision topics")
        self.topics.setPlaceholderText("Topics, separated by semicolons")
        self.form = QWidget(self)
        form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Date:", self.held_on)
        form.addRow("M&inutes:", self.minutes)
        form.addRow("&Format:", self.format)
        form.addRow("&Topics:", self.topics)
        self.enabled.toggled.connect(self.form.setEnabled)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addWidget(self.form)
        layout.addStretch(1)

    def session(self) -> SupervisionSession | None:
        if not self.enabled.isChecked():
            return None
        d = self.held_on.date()
        topics = tuple(t.strip() for t in self.topics.text().split(";") if t.strip())
        return SupervisionSession(date(d.year(), d.month(), d.day()), self.minutes.value(),
                                  self.format.currentData(), topics)
