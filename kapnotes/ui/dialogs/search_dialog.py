"""Search all notes and client records (FTS5), results grouped by client; a hit opens there."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.dates import human_datetime
from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.models import MATCH_END, MATCH_START, SearchHit
from kapnotes.domain.templates import Template
from kapnotes.services.container import Services
from kapnotes.ui.change_signals import refresh_when
from kapnotes.ui.widgets.slot_style import MUTED_COLOURS, kind_text, style_sheet_colour

SEARCH_SHORTCUT = "Ctrl+Shift+F"
EMPTY_TEXT = ("Search every note, addendum and client record. Words are matched from their "
              "start; put \"quotes\" around an exact phrase.")
NO_RESULTS_TEXT = "No results for “{query}”."
HIT_ROLE = Qt.ItemDataRole.UserRole + 1
_DEBOUNCE_MS = 250
# Rows added per turn of the event loop: the first batch fills the visible part of the list
# at once; the rest follow between keystrokes, and a new query stops them (stale results are
# dropped, never painted).
FILL_BATCH = 25


def snippet_html(snippet: str) -> str:
    """The service marks each match; show it bold, everything else escaped."""
    return (html.escape(snippet).replace(MATCH_START, "<b>").replace(MATCH_END, "</b>")
            .replace("\n", " "))


def snippet_plain(snippet: str) -> str:
    return snippet.replace(MATCH_START, "").replace(MATCH_END, "").replace("\n", " ")


# Documents that are not a note field: what the result list calls them.
PLACE_LABELS = {"addendum": "Addendum", "monitoring": "Monitoring record",
                "medicines": "Current medicines", "client": "Name or code"}


def field_ref(hit: SearchHit) -> str:
    """What `open_hit` carries: the field id, "addendum:<id>", "monitoring" (a dosing
    session's record), "medicines" (the client's), or "" for the client's name or code."""
    if hit.kind == "addendum":
        return f"addendum:{hit.ref}"
    if hit.kind in ("monitoring", "medicines"):
        return hit.kind
    return hit.ref if hit.session_id is not None else ""


class _RichTextDelegate(QStyledItemDelegate):
    """Draws an item's HIT_ROLE-less rich text (bold matches) in the snippet column."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = index.data(Qt.ItemDataRole.UserRole + 2) or html.escape(opt.text)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setHtml(text)
        painter.save()
        rect = opt.rect.adjusted(4, 0, -4, 0)
        painter.translate(rect.topLeft())
        painter.setClipRect(rect.translated(-rect.topLeft()))
        ctx = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        offset = max(0.0, (rect.height() - doc.size().height()) / 2)
        painter.translate(0, offset)
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), 24))


class SearchDialog(QDialog):
    """Modeless; emits `open_hit(client_id, session_id or None, field_ref)`."""

    open_hit = Signal(int, object, str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.hits: list[SearchHit] = []
        self._generation = 0  # bumped by every edit and search: older fills stop
        self._groups: dict[int, QTreeWidgetItem] = {}
        self.results_shown = 0
        self._labeller = self._field_labeller()
        self.setWindowTitle("Search all notes")
        self.resize(820, 560)
        self.query_edit = QLineEdit(self)
        self.query_edit.setPlaceholderText("Search notes and clients")
        self.query_edit.setAccessibleName("Search text")
        self.query_edit.setClearButtonEnabled(True)
        self.status_label = QLabel(EMPTY_TEXT, self)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Search status")
        self.status_label.setStyleSheet(f"color: {style_sheet_colour(MUTED_COLOURS)};")
        self.results = QTreeWidget(self)
        self.results.setAccessibleName("Search results")
        self.results.setHeaderLabels(["Where", "Text"])
        self.results.setColumnWidth(0, 300)
        self.results.setUniformRowHeights(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setItemDelegateForColumn(1, _RichTextDelegate(self.results))
        self.results.itemActivated.connect(self._activated)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self.query_edit.textChanged.connect(self._query_edited)
        self.query_edit.returnPressed.connect(self._enter)

        # Before a search (and when nothing matched) the status text stands where the
        # results would be, at the top, instead of an empty table.
        self.stack = QStackedWidget(self)
        placeholder = QWidget(self)
        QVBoxLayout(placeholder).addStretch(1)
        self.stack.addWidget(placeholder)
        self.stack.addWidget(self.results)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query_edit)
        layout.addWidget(self.status_label)
        layout.addWidget(self.stack, 1)
        self.query_edit.setFocus()
        # Written while the window was closed: searched again when it opens (never under the
        # reader's eyes while it is open beside a note being typed).
        refresh_when(services, self, lambda c: not self.isVisible() and c.touches(
            "notes", "clients", "sessions", "monitoring"), self.search_now)

    def set_query(self, text: str) -> None:
        self.query_edit.setText(text)
        self.search_now()

    def focus_query(self) -> None:
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()

    def _enter(self) -> None:
        """Enter searches now; pressed again on the same results it opens the first hit."""
        if self._timer.isActive() or not self.hits:
            self.search_now()
            return
        self.results.setFocus()
        first = self.results.topLevelItem(0)
        hit = first.child(0) if first is not None else None
        if hit is not None:
            self.results.setCurrentItem(hit)

    def _query_edited(self) -> None:
        self._generation += 1  # the results still being filled belong to the old text
        self._timer.start()

    @property
    def filling(self) -> bool:
        """True while rows of the current results are still being added."""
        return self.results_shown < len(self.hits)

    def search_now(self) -> None:
        self._timer.stop()
        self._generation += 1
        query = self.query_edit.text().strip()
        self.results.clear()
        self._groups = {}
        self.results_shown = 0
        self._labeller = self._field_labeller()  # field labels cached per search
        self.hits = []
        if not query:
            self._show_status(EMPTY_TEXT)
            return
        try:
            self.hits = self.services.notes.search(query)
        except KapNotesError as exc:
            self._show_status(str(exc))
            return
        if not self.hits:
            self._show_status(NO_RESULTS_TEXT.format(query=query))
            return
        clients = len({hit.client_id for hit in self.hits})
        more = " (showing the first 200)" if len(self.hits) >= 200 else ""
        self.status_label.setText(
            f"{len(self.hits)} result{'s' if len(self.hits) != 1 else ''} for "
            f"{clients} client{'s' if clients != 1 else ''}{more}. Enter or double-click opens."
        )
        self._fill_batch(self._generation)
        self.stack.setCurrentWidget(self.results)

    def _fill_batch(self, generation: int) -> None:
        if generation != self._generation:
            return  # the query changed: these results are stale
        start = self.results_shown
        self._fill(self.hits[start : start + FILL_BATCH])
        self.results_shown = min(start + FILL_BATCH, len(self.hits))
        if self.filling:
            QTimer.singleShot(0, lambda: self._fill_batch(generation))

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.stack.setCurrentIndex(0)

    def _fill(self, hits: list[SearchHit]) -> None:
        groups = self._groups
        label_of = self._labeller
        for hit in hits:
            group = groups.get(hit.client_id)
            if group is None:
                group = QTreeWidgetItem([f"{hit.client_code} · {hit.client_name}", ""])
                group.setData(0, HIT_ROLE, None)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(False)
                groups[hit.client_id] = group
                self.results.addTopLevelItem(group)
                group.setData(0, Qt.ItemDataRole.UserRole + 3, hit.client_id)
                group.setExpanded(True)
            if hit.session_id is None:
                where = "Client record"
            else:
                when = human_datetime(hit.session_starts_at, weekday=True)
                where = f"{kind_text(hit.session_kind)} · {when}"
            label = label_of(hit)
            item = QTreeWidgetItem([where, f"{label}: {snippet_plain(hit.snippet)}"])
            item.setData(0, HIT_ROLE, hit)
            item.setData(1, Qt.ItemDataRole.UserRole + 2,
                         f"{html.escape(label)}: {snippet_html(hit.snippet)}")
            item.setToolTip(1, snippet_plain(hit.snippet))
            group.addChild(item)
        for group in {id(g): g for g in (groups[h.client_id] for h in hits)}.values():
            n = group.childCount()
            group.setText(1, f"{n} hit{'s' if n != 1 else ''}")

    def _field_labeller(self) -> Callable[[SearchHit], str]:
        """Field ids are for code; the therapist reads the template's own field label."""
        cache: dict[int, Template | None] = {}

        def label(hit: SearchHit) -> str:
            if hit.kind in PLACE_LABELS:
                return PLACE_LABELS[hit.kind]
            if hit.session_id is None:
                return PLACE_LABELS["client"]
            if hit.session_id not in cache:
                try:
                    session = self.services.notes.session(hit.session_id)
                    cache[hit.session_id] = self.services.notes.template_for(session)
                except KapNotesError:
                    cache[hit.session_id] = None
            template = cache[hit.session_id]
            field = template.field(hit.ref) if template is not None else None
            return field.label if field is not None else hit.ref

        return label

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        hit = item.data(0, HIT_ROLE)
        if isinstance(hit, SearchHit):
            self.open_hit.emit(hit.client_id, hit.session_id, field_ref(hit))
            return
        client_id = item.data(0, Qt.ItemDataRole.UserRole + 3)
        if client_id is not None:
            self.open_hit.emit(int(client_id), None, "")

    def activate_hit(self, hit: SearchHit) -> None:
        """Same as activating the hit's row (for keyboard users and tests)."""
        self.open_hit.emit(hit.client_id, hit.session_id, field_ref(hit))
