"""Thin table model over ClientSummary rows for the client list (code, name, next planned)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import QObject
from PySide6.QtGui import QFont

from kapnotes.domain.dates import human_date, schedule_date
from kapnotes.domain.models import ClientSummary
from kapnotes.domain.review_model import ReviewStatus
from kapnotes.ui.models.rows_model import KEY_ROLE, Cells, PaintedRowsModel
from kapnotes.ui.widgets.review_summary import PENDING_MARK, has_pending, review_summary_text
from kapnotes.ui.widgets.slot_style import MUTED_COLOURS, kind_text, pick

CLIENT_ID_ROLE = KEY_ROLE  # the row's client id


class ClientListModel(PaintedRowsModel[ClientSummary]):
    """Client list rows; archived clients are greyed and say so in words. Each row is worked
    out when first painted (models/rows_model.py): the list repaints at every client open."""

    CODE, NAME, NEXT = range(3)
    HEADERS = ("Code", "Name", "Next planned")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._today: date | None = None
        self._reviews: Mapping[int, Mapping[ReviewStatus, int]] = {}
        self._muted = pick(MUTED_COLOURS)

    def set_rows(self, rows: list[ClientSummary], *, today: date | None = None,
                 reviews: Mapping[int, Mapping[ReviewStatus, int]] | None = None) -> None:
        """`reviews`: per client, their sent notes by review status (a pending one marks
        the code with a bullet and the tooltip says which)."""
        self.beginResetModel()
        self._reset_rows(list(rows))
        self._today = today
        self._reviews = reviews or {}
        self._muted = pick(MUTED_COLOURS)  # the palette, asked once per fill
        self.endResetModel()

    def row_at(self, row: int) -> ClientSummary:
        return self._rows[row]

    def row_of(self, client_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == client_id:
                return i
        return None

    def _key(self, row: ClientSummary) -> object:
        return row.id

    def _cells(self, r: ClientSummary) -> Cells:
        texts = tuple(self._display(r, col) for col in range(len(self.HEADERS)))
        colours = (self._muted,) * len(texts) if r.archived else None
        fonts = None
        if r.archived or self._is_today(r):
            font = QFont()
            font.setItalic(r.archived)
            font.setBold(not r.archived)
            fonts = (None, None, font)  # the Next planned column
        return Cells(texts=texts, colours=colours, fonts=fonts)

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
        # Without the weekday (in the tooltip), as in the schedule: the dock leaves the
        # client page its room.
        when = "Today" if self._is_today(r) else human_date(r.next_planned)
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
