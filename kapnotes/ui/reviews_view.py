"""View → Reviews… (Ctrl+Shift+V): the notes out for supervision (awaiting review) or back
with changes requested, oldest first; the chosen note's review records beside the list;
open the note to answer it. "No reviews pending" when there is nothing to do.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.container import Services
from kapnotes.ui.change_signals import refresh_when
from kapnotes.ui.review_records import records_html, status_html

COLUMNS = ("Client", "Note", "Held", "Status", "Sent")
EMPTY = "No reviews pending"
EMPTY_DETAIL = ("Notes sent for supervision are listed here until the supervisor's reply "
                "is imported (File → Import review reply…) and every change they asked for "
                "is answered.")


class ReviewsView(QDialog):
    """Modeless; `open_note(session_id)` asks the workspace to open a note."""

    open_note = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("Reviews")
        self.setObjectName("reviews_view")
        self.setAccessibleName("Reviews pending")
        self.resize(980, 520)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Notes pending review")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._show_detail)
        self.table.cellDoubleClicked.connect(lambda *_: self._open_current())
        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName("Review records of the chosen note")
        self.detail.setOpenLinks(False)
        self.empty = QWidget(self)
        empty_title = QLabel(f"<h2>{EMPTY}</h2>", self.empty)
        empty_title.setObjectName("reviews_empty")
        empty_text = QLabel(EMPTY_DETAIL, self.empty)
        empty_text.setWordWrap(True)
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(empty_title, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addWidget(empty_text)
        empty_layout.addStretch(2)
        split = QSplitter(self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([600, 380])
        self.pages = QStackedWidget(self)
        self.pages.addWidget(split)
        self.pages.addWidget(self.empty)
        self.open_button = QPushButton("&Open note", self)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self._open_current)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        refresh_when(services, self, lambda c: c.reviews or c.sessions, self.refresh)
        self.refresh()

    def refresh(self) -> None:
        pending = self.services.reviews.pending()
        self.rows: list[int] = []
        self.table.setRowCount(0)
        notes, clients = self.services.notes, self.services.clients
        for p in pending:
            try:
                session = notes.session(p.session_id)
                code = clients.get(notes.client_id_of(p.session_id)).code
            except KapNotesError:
                continue  # the note (or its client) went since
            row = self.table.rowCount()
            self.table.insertRow(row)
            for col, text in enumerate((code, session.kind.value.capitalize(),
                                        f"{session.starts_at:%d %b %Y}", p.status.value,
                                        p.sent_at[:10])):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setToolTip("Answer with an addendum on the note, then send it again"
                                    if p.status.value == "changes requested" else
                                    "Waiting for the supervisor's reply")
                self.table.setItem(row, col, item)
            self.rows.append(p.session_id)
        has_rows = bool(self.rows)
        self.pages.setCurrentIndex(0 if has_rows else 1)
        self.open_button.setEnabled(has_rows)
        if has_rows:
            self.table.selectRow(0)

    def current_session(self) -> int | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _show_detail(self) -> None:
        sid = self.current_session()
        if sid is None:
            self.detail.clear()
            return
        reviews = self.services.reviews
        self.detail.setHtml(f"<p>Status: {status_html(reviews.status(sid))}</p>"
                            + records_html(reviews.records(sid)))

    def _open_current(self) -> None:
        sid = self.current_session()
        if sid is not None:
            self.open_note.emit(sid)
