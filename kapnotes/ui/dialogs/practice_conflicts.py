"""File → Practice → Conflicts and field reviews…: what a sync left for a person.

A conflict copy (the text written here when another workstation's edit of the same draft won)
is shown read-only, to copy from into the note and then mark resolved; a field review (two
edits of one client detail) is settled with "Keep mine" or "Take theirs", saved as a normal
client edit (kapnotes/services/practice_review.py); a refused change shows the server's reason.
Non-modal: the note can stay open beside it while text is copied across.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.services import practice_review
from kapnotes.services.practice_review import KIND_NAMES, ConflictCopy, FieldReview, Refusal
from kapnotes.services.vault_access import Vault
from kapnotes.ui.practice_status import clock_time
from kapnotes.ui.widgets.error_line import error_label, show_error

EMPTY = "Nothing to review: every sync so far went through without a conflict."


class ConflictsDialog(QDialog):
    """Lists open conflict copies, field reviews and refusals; emits `changed()` after a
    resolve or a choice (the status line recounts)."""

    changed = Signal()

    def __init__(self, vault: Vault, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.setWindowTitle("Conflicts and field reviews")
        self.setAccessibleName("Conflicts and field reviews")
        intro = QLabel("A sync never merges note text by itself. What it could not settle "
                       "waits here for you: conflict copies of notes, client details changed "
                       "in two places, and changes the practice server refused.", self)
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Items to review")
        self.list.currentItemChanged.connect(lambda *_: self._show_current())
        self.pages = QStackedWidget(self)
        self.empty_page = QLabel(EMPTY, self)
        self.empty_page.setWordWrap(True)
        self.empty_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.empty_page)
        self._build_conflict_page()
        self._build_review_page()
        self._build_refusal_page()
        splitter = QSplitter(self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([300, 560])
        self.error_label = error_label(self)
        self.close_button = QPushButton("Close", self)
        self.close_button.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.error_label, 1)
        bottom.addStretch(0)
        bottom.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.resize(860, 520)
        self.reload()
        self.list.setFocus()  # keyboard first: arrows pick, the buttons' letters act

    # -- pages -----------------------------------------------------------------------------
    def _build_conflict_page(self) -> None:
        page = QWidget(self)
        self.conflict_heading = QLabel(page)
        self.conflict_heading.setTextFormat(Qt.TextFormat.PlainText)  # a colleague's reason
        self.conflict_heading.setWordWrap(True)
        self.conflict_text = QPlainTextEdit(page)
        self.conflict_text.setReadOnly(True)
        self.conflict_text.setAccessibleName("Conflict copy text (read-only)")
        self.copy_button = QPushButton("C&opy text to clipboard", page)
        self.copy_button.clicked.connect(self.copy_text)
        self.resolve_button = QPushButton("&Mark resolved", page)
        self.resolve_button.setToolTip("The copy leaves this list; the audit log records it.")
        self.resolve_button.clicked.connect(self.mark_resolved)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.resolve_button)
        column = QVBoxLayout(page)
        column.addWidget(self.conflict_heading)
        column.addWidget(self.conflict_text, 1)
        column.addLayout(buttons)
        self.conflict_page = page
        self.pages.addWidget(page)

    def _build_review_page(self) -> None:
        page = QWidget(self)
        self.review_heading = QLabel(page)
        self.review_heading.setWordWrap(True)
        self.mine_text = _read_only(page, "Mine: the value written on this workstation")
        self.theirs_text = _read_only(page, "Theirs: the value from the practice server")
        form = QFormLayout()
        form.addRow("Mine (this workstation):", self.mine_text)
        form.addRow("Theirs (server, shown now):", self.theirs_text)
        self.keep_mine_button = QPushButton("&Keep mine", page)
        self.keep_mine_button.clicked.connect(lambda: self.choose(keep_mine=True))
        self.take_theirs_button = QPushButton("&Take theirs", page)
        self.take_theirs_button.clicked.connect(lambda: self.choose(keep_mine=False))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.keep_mine_button)
        buttons.addWidget(self.take_theirs_button)
        column = QVBoxLayout(page)
        column.addWidget(self.review_heading)
        column.addLayout(form)
        column.addStretch(1)
        column.addLayout(buttons)
        self.review_page = page
        self.pages.addWidget(page)

    def _build_refusal_page(self) -> None:
        page = QWidget(self)
        self.refusal_label = QLabel(page)
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.refusal_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dismiss_button = QPushButton("&Dismiss", page)
        self.dismiss_button.setToolTip("Read: take it off this list (the audit log keeps it).")
        self.dismiss_button.clicked.connect(self.dismiss_refusal)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        column = QVBoxLayout(page)
        column.addWidget(self.refusal_label, 1)
        column.addLayout(buttons)
        self.refusal_page = page
        self.pages.addWidget(page)

    # -- contents --------------------------------------------------------------------------
    def reload(self) -> None:
        """List what is open now, keeping the selection where it can."""
        current = self.list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        try:
            found = practice_review.queue(self.vault)
        except KapNotesError as exc:
            show_error(self.error_label, exc.message)
            return
        self.list.clear()
        for copy in found.conflicts:
            label = "Deleted elsewhere" if copy.reason else "Conflict copy"
            self._add(f"{label} · {KIND_NAMES.get(copy.kind, copy.kind)}\n"
                      f"{copy.client_code} · {_when(copy.created_at)}", copy)
        for review in found.field_reviews:
            self._add(f"Field review · {_field_name(review.field)}\n"
                      f"{review.client_code} · {_when(review.created_at)}", review)
        for refusal in found.refusals:
            self._add(f"Refused · {KIND_NAMES.get(refusal.kind, refusal.kind)}\n"
                      f"{refusal.client_code} · {_when(refusal.created_at)}", refusal)
        rows = [self.list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.list.count())]
        if rows:
            self.list.setCurrentRow(rows.index(keep) if keep in rows else 0)
        self._show_current()

    def _add(self, text: str, item: ConflictCopy | FieldReview | Refusal) -> None:
        entry = QListWidgetItem(text, self.list)
        entry.setData(Qt.ItemDataRole.UserRole, item)

    def selected(self) -> ConflictCopy | FieldReview | Refusal | None:
        current = self.list.currentItem()
        return current.data(Qt.ItemDataRole.UserRole) if current is not None else None

    def _show_current(self) -> None:
        item = self.selected()
        show_error(self.error_label, "")
        self.copy_button.setText("C&opy text to clipboard")  # "Copied" was about another
        if isinstance(item, ConflictCopy):
            self.conflict_heading.setText(_sentence(item.reason) + " This workstation's "
                "draft was kept here as a copy: copy what you need, then mark it resolved."
                if item.reason else
                f"Your version of this {KIND_NAMES.get(item.kind, item.kind).lower()} of "
                f"{item.client_code}: another workstation's edit reached the server first, "
                "and the note now holds that one.")
            try:
                self.conflict_text.setPlainText(practice_review.conflict_text(self.vault,
                                                                              item.id))
            except KapNotesError as exc:
                self.conflict_text.setPlainText("")
                show_error(self.error_label, exc.message)
            self.pages.setCurrentWidget(self.conflict_page)
        elif isinstance(item, FieldReview):
            self.review_heading.setText(
                f"{_field_name(item.field)} of {item.client_code} was changed here and on "
                "another workstation. The client record shows theirs until you choose.")
            self.mine_text.setPlainText(practice_review.shown_value(item.field, item.mine))
            self.theirs_text.setPlainText(practice_review.shown_value(item.field, item.theirs))
            self.pages.setCurrentWidget(self.review_page)
        elif isinstance(item, Refusal):
            self.refusal_label.setText(
                f"The practice server refused this change to {item.client_code} "
                f"({_when(item.created_at)}):\n\n{_sentence(item.message)}"
                "\n\nIt stays in this vault and is "
                "not sent again. Ask the practice administrator if you should be on this "
                "client's care team, then dismiss it here.")
            self.pages.setCurrentWidget(self.refusal_page)
        else:
            self.pages.setCurrentWidget(self.empty_page)

    # -- actions ---------------------------------------------------------------------------
    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.conflict_text.toPlainText())
        show_error(self.error_label, "")
        self.copy_button.setText("C&opied")

    def mark_resolved(self) -> None:
        item = self.selected()
        if not isinstance(item, ConflictCopy):
            return
        self._act(lambda: practice_review.mark_resolved(self.vault, item.id))

    def dismiss_refusal(self) -> None:
        item = self.selected()
        if not isinstance(item, Refusal):
            return
        self._act(lambda: practice_review.dismiss_refusal(self.vault, item.id))

    def choose(self, *, keep_mine: bool) -> None:
        item = self.selected()
        if not isinstance(item, FieldReview):
            return
        self._act(lambda: practice_review.choose(self.vault, item.id, keep_mine=keep_mine))

    def _act(self, action: Callable[[], None]) -> None:
        try:
            action()
        except KapNotesError as exc:
            show_error(self.error_label, exc.message)
            return
        self.reload()
        self.list.setFocus()
        self.changed.emit()


def _read_only(parent: QWidget, name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setReadOnly(True)
    edit.setAccessibleName(name)
    edit.setMaximumHeight(80)
    return edit


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _field_name(field: str) -> str:
    return field.replace("_", " ").capitalize()


def _when(stamp: str) -> str:
    return clock_time(stamp) if stamp else ""
