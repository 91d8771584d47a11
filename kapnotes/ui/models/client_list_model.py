"""Thin table model over ClientSummary rows for the client list (code, name, next planned)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from kapnotes.domain.dates import schedule_date
from kapnotes.domain.models import ClientSummary
from kapnotes.domain.review_model import ReviewStatus
from kapnotes.ui.models.rows_model import Index, RowsTableModel
from kapnotes.ui.widgets.review_summary import PENDING_MARK, has_pending, review_summary_text
from kapnotes.ui.widgets.slot_style import MUTED_COLOURS, kind_text, pick

CLIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_DESCRIBE = (Qt.ItemDataRole.ToolTipRole.value, Qt.ItemDataRole.AccessibleTextRole.value)

class ClientListModel(RowsTableModel[ClientSummary]):
    """Client list rows; archived clients are greyed and say so in words."""

    CODE, NAME, NEXT = range(3)
    HEADERS = ("Code", "Name", "Next planned")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._today: date | None = None
        self._reviews: Mapping[int, Mapping[ReviewStatus, int]] = {}

    def set_rows(self, rows: list[ClientSummary], *, today: date | None = None,
                 reviews: Mapping[int, Mapping[ReviewStatus, int]] | None = None) -> None:
        """`reviews`: per client, their sent notes by review status (a pending one marks
        the code with a bullet and the tooltip says which)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._today = today
        self._reviews = reviews or {}
        self.endResetModel()

    def row_at(self, row: int) -> ClientSummary:
        return self._rows[row]

    def row_of(self, client_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == client_id:
                return i
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> object:
        # Roles compared as plain ints: comparing with PySide's enum members goes through
        # Python's Enum machinery, ~20 ms per paint of the list on a large practice.
        r = self._row_for(index)
        if r is None:
            return None
        col = index.column()
        if role == _DISPLAY:
            return self._display(r, col)
        if role == CLIENT_ID_ROLE:
            return r.id
        if role == _FOREGROUND and r.archived:
            return pick(MUTED_COLOURS)
        if role == _FONT and col == self.NEXT:
            if r.archived or self._is_today(r):
                font = QFont()
                font.setItalic(r.archived)
                font.setBold(not r.archived)
                return font
        if role in _DESCRIBE:
            return self._describe(r)
        return None

    def display_text(self, row: int, col: int) -> str:
        return self._display(self._rows[row], col)

    def _is_today(self, r: ClientSummary) -> bool:
        return self._today is not None and r.next_planned == self._today

    def _display(self, r: ClientSummary, col: int) -> str:
        if col == self.CODE:
            pending = has_pending(self._reviews.get(r.id, {}))
            return f"{r.code} {PENDING_MARK}" if pending else r.code
        if col == self.NAME:
            name = r.full_name
            if r.preferred_name and r.preferred_name != r.full_name:
                name = f"{r.full_name} ({r.preferred_name})"
            return name
        if r.archived:
            # Said in words where it cannot be elided away; an archived client's plan is moot.
            return "Archived"
        if r.next_planned is None:
            return "—"
        when = "Today" if self._is_today(r) else schedule_date(r.next_planned)
        return f"{when} · {kind_text(r.next_planned_kind)}"

    def _describe(self, r: ClientSummary) -> str:
        parts = [r.code, self._display(r, self.NAME)]  # the whole name, where the cell cuts it
        if r.archived:
            parts.append("archived")
        if r.next_planned is not None:
            parts.append(f"next planned {schedule_date(r.next_planned)}, {r.next_planned_kind}")
        else:
            parts.append("nothing planned")
        supervision = review_summary_text(self._reviews.get(r.id, {}))
        if supervision:
            parts.append(supervision.lower())
        return ", ".join(parts)
