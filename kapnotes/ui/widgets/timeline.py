"""The course timeline: every planned slot as a row with date, kind, phase and status in words
and colour; Enter/double-click starts (or opens) the session, Move…/Skip… from the menu. A done
slot whose session raised a monitoring alert or a risk flag says so first in its details."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from kapnotes.domain.course_items import RiskFlag
from kapnotes.domain.dates import human_date, schedule_date, short_date
from kapnotes.domain.schedule_status import SlotStatus
from kapnotes.services.courses import TimelineEntry
from kapnotes.ui.models.rows_model import Cells, PaintedRowsModel
from kapnotes.ui.widgets.column_widths import sections_settled_now, set_column_widths
from kapnotes.ui.widgets.course_sessions import flag_marks
from kapnotes.ui.widgets.list_rows import height_for_rows, row_height
from kapnotes.ui.widgets.slot_style import (
    ERROR_COLOURS,
    is_dark,
    kind_colour,
    kind_text,
    pick,
    status_colour,
    status_text,
)


class TimelineModel(PaintedRowsModel[TimelineEntry]):
    """Thin model over a course's TimelineEntry rows (plan order), each row worked out when
    first painted (models/rows_model.py)."""

    DATE, KIND, PHASE, STATUS, DETAIL = range(5)
    HEADERS = ("Date", "Session", "Phase", "Status", "Details")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._today: date | None = None
        self._alerts: Mapping[int, Sequence[str]] = {}
        self._risks: Mapping[int, Sequence[RiskFlag]] = {}
        self._approvals: Mapping[date, str] = {}
        self._bold = QFont()
        self._dark = False

    def set_rows(self, rows: list[TimelineEntry] | tuple[TimelineEntry, ...], *,
                 today: date | None = None,
                 alerts: Mapping[int, Sequence[str]] | None = None,
                 risks: Mapping[int, Sequence[RiskFlag]] | None = None,
                 approvals: Mapping[date, str] | None = None) -> None:
        """`alerts`/`risks` by session id mark the done slots whose session raised them;
        `approvals` by day the planned doses no approval covers (docs/JURISDICTIONS.md)."""
        self.beginResetModel()
        self._approvals = approvals or {}
        self._reset_rows(list(rows))
        self._today = today
        self._alerts = alerts or {}
        self._risks = risks or {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._dark = is_dark()  # the palette, asked once per fill rather than per cell
        self.endResetModel()

    def marks(self, e: TimelineEntry) -> tuple[str, str]:
        """("⚠ alert · ⚠ risk", the messages) for a done slot; for a planned dose no approval
        covers, ("⚠ approval", why); ("", "") otherwise."""
        if e.state.held is None:
            why = self._approvals.get(e.state.effective_date, "") \
                if e.slot.kind.value == "dosing" else ""
            return ("⚠ approval", why) if why else ("", "")
        sid = int(e.state.held.session_id)
        return flag_marks(self._alerts.get(sid, ()), self._risks.get(sid, ()))

    def entry(self, row: int) -> TimelineEntry:
        return self._rows[row]

    def _describe(self, row: TimelineEntry) -> str:
        return self.describe(row)

    def _cells(self, e: TimelineEntry) -> Cells:
        today = self._is_today(e)
        marked = bool(self.marks(e)[0])
        dark = self._dark
        return Cells(
            texts=tuple(self._display(e, col) for col in range(len(self.HEADERS))),
            colours=(None, kind_colour(e.slot.kind.value, dark=dark), None,
                     status_colour(e.state.status, dark=dark),
                     pick(ERROR_COLOURS, dark=dark) if marked else None),
            fonts=tuple(self._bold if today or col == self.STATUS else None
                        for col in range(len(self.HEADERS))),
            background=QBrush(QColor("#2b3a4a" if dark else "#eaf2fb")) if today else None)

    def display_text(self, row: int, col: int) -> str:
        return self._display(self._rows[row], col)

    def is_today_row(self, row: int) -> bool:
        return self._is_today(self._rows[row])

    def _is_today(self, e: TimelineEntry) -> bool:
        return self._today is not None and e.state.effective_date == self._today

    def _display(self, e: TimelineEntry, col: int) -> str:
        slot, state = e.slot, e.state
        if col == self.DATE:
            # Without the weekday (it is in the row's tooltip) and today's row without the
            # year, so the column leaves Phase and Details their room beside the sessions.
            if self._is_today(e):  # in words as well as bold and shaded
                return f"Today {short_date(state.effective_date)}"
            return human_date(state.effective_date)
        if col == self.KIND:
            return kind_text(slot.kind.value)
        if col == self.PHASE:
            phase = slot.label.capitalize()
            if slot.kind.value == "dosing" and slot.dose_number:
                return f"Dose {slot.dose_number} · {phase}"
            return phase
        if col == self.STATUS:
            return status_text(state.status)
        marks = self.marks(e)[0]
        return " · ".join(p for p in (marks, self.detail(e, brief=True)) if p)

    @staticmethod
    def detail(e: TimelineEntry, *, brief: bool = False) -> str:
        """What else there is to know of the slot; `brief` (the Details cell) leaves out the
        day a session was held on when it is the row's own date: "✓ Done" says it there, and
        the column is narrow beside the sessions list (the tooltip keeps it)."""
        slot, state = e.slot, e.state
        parts = []
        if state.held is not None and not (brief
                                           and state.held.held_on == state.effective_date):
            parts.append(f"Held {short_date(state.held.held_on)}")
        if slot.skipped and state.status is SlotStatus.SKIPPED:
            parts.append(slot.change_reason)
        elif slot.moved:
            parts.append(f"From {short_date(slot.original_date)}: {slot.change_reason}")
        return " · ".join(parts)

    def describe(self, e: TimelineEntry) -> str:
        text = (f"{e.slot.kind.label} on {schedule_date(e.state.effective_date)}, "
                f"{e.state.status.value}")
        extra = self.detail(e)
        text = f"{text}. {extra}" if extra else text
        marks, why = self.marks(e)
        return f"{text}.\n{marks}: {why}" if marks else text


class TimelineView(QTableView):
    """Table of planned slots; emits what the user asked for, the page decides what to do."""

    entry_activated = Signal(object)  # TimelineEntry: Enter or double-click
    move_requested = Signal(object)
    skip_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Phase's widest text and the room Details keeps beside it, from the last fill
        # (before setModel, which lays the view out: `updateGeometries`).
        self._phase_width = 0
        self._detail_room = 0
        self.timeline_model = TimelineModel(self)
        self.setModel(self.timeline_model)
        self.setAccessibleName("Course timeline")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self._fit_rows()
        header = self.horizontalHeader()
        # Not ResizeToContents: that asks every cell of every row for all its roles whenever
        # the selection or layout changes (~25 ms per client opened with a 109-slot plan).
        # `_fit_columns` measures the distinct texts once per reload instead.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Details take what is left and elide (a change's reason is free text); the full text
        # is in the tooltip. Phase is as wide as its widest text, less only what Details
        # needs when the view is short of room (`_phase_fitted`), so the timeline needs no
        # horizontal scroll bar and a "⚠ alert" stays in sight. Fixed: sized by the view at
        # every change of its width, not dragged (it was a stretched section before).
        header.setSectionResizeMode(TimelineModel.PHASE, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(TimelineModel.DETAIL, QHeaderView.ResizeMode.Stretch)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)  # "P…", not the middle of "Phase"
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.activated.connect(self._activated)
        self._centred_row: int | None = None  # to centre once the view has its size
        self._hint_width = 0  # the width asked for, from the last fill (`_fit_columns`)

    def _fit_rows(self) -> None:
        """The sessions list's row height (list_rows.py), and seven slots at least (and the
        sessions list five, course_sessions.py): both fit one below the other in the
        window's first size on a 1366×768 screen, no page scroll."""
        self.verticalHeader().setDefaultSectionSize(row_height(self))
        self.setMinimumHeight(height_for_rows(self, self.horizontalHeader(), 7))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_rows()

    def set_entries(self, entries: tuple[TimelineEntry, ...] | list[TimelineEntry], *,
                    today: date | None = None,
                    alerts: Mapping[int, Sequence[str]] | None = None,
                    risks: Mapping[int, Sequence[RiskFlag]] | None = None,
                    approvals: Mapping[date, str] | None = None) -> None:
        self.timeline_model.set_rows(entries, today=today, alerts=alerts, risks=risks,
                                     approvals=approvals)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Width of the widest distinct text of each fixed column, measured in the font it is
        drawn in, plus the cell padding; the header's own label counts too."""
        model = self.timeline_model
        bold = QFont(self.font())
        bold.setBold(True)
        plain, strong = QFontMetrics(self.font()), QFontMetrics(bold)
        today_rows = {row for row in range(model.rowCount()) if model.is_today_row(row)}
        header = self.horizontalHeader()
        widths = {}
        for col in (model.DATE, model.KIND, model.PHASE, model.STATUS, model.DETAIL):
            width = strong.horizontalAdvance(model.HEADERS[col])
            seen: set[tuple[str, bool]] = set()
            for row in range(model.rowCount()):
                # Status is always bold, other cells only on today's row: measure as drawn,
                # so the columns leave the Details column its room.
                is_bold = col == model.STATUS or row in today_rows
                seen.add((model.display_text(row, col), is_bold))
            for text, is_bold in seen:
                width = max(width, (strong if is_bold else plain).horizontalAdvance(text))
            widths[col] = max(width + 14, header.sectionSizeHint(col))
        # Details keep room for a short text (both marks, "⚠ alert · ⚠ risk"), not for a
        # whole reason: that elides.
        self._detail_room = min(widths.pop(model.DETAIL), 16 * plain.averageCharWidth())
        self._phase_width = widths[model.PHASE]
        widths[model.PHASE] = self._phase_fitted(widths)
        set_column_widths(self, header, widths)
        # The width asked for: every column whole, and Details' room, beside the vertical
        # scroll bar (once per fill: a layout asks for the hint many times).
        width = (self._phase_width + self._detail_room
                 + sum(w for col, w in widths.items() if col != model.PHASE)
                 + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth())
        if width != self._hint_width:
            self._hint_width = width
            self.updateGeometry()  # the page shares its width out by the lists' hints

    def _phase_fitted(self, widths: dict[int, int] | None = None) -> int:
        """Phase's width in the viewport as it is: its widest text, or what the other
        columns and Details' room leave it (never less than a header's least section)."""
        header = self.horizontalHeader()
        fixed = (TimelineModel.DATE, TimelineModel.KIND, TimelineModel.STATUS)
        others = sum(widths[col] if widths else header.sectionSize(col) for col in fixed)
        room = self.viewport().width() - others - self._detail_room
        return max(header.minimumSectionSize(), min(self._phase_width, room))

    def updateGeometries(self) -> None:
        """Phase follows the viewport's width (Details stretches over the rest), set with the
        header's signals held as the stretched section is (column_widths.py)."""
        header = self.horizontalHeader()
        width = self._phase_fitted()
        if self._phase_width and header.sectionSize(TimelineModel.PHASE) != width:
            with sections_settled_now(self, header):
                header.resizeSection(TimelineModel.PHASE, width)
        super().updateGeometries()

    def sizeHint(self) -> QSize:
        """The page gives the timeline this width when it has the room."""
        return QSize(self._hint_width, super().sizeHint().height())

    def current_entry(self) -> TimelineEntry | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self.timeline_model.entry(index.row())

    def select_row(self, row: int) -> None:
        self.setCurrentIndex(self.timeline_model.index(row, 0))

    def scroll_to_today(self, today: date) -> None:
        """Select and show the first slot still expected (overdue, or today on), so a long
        plan opens where the work is and Enter starts the session due now."""
        for row in range(self.timeline_model.rowCount()):
            state = self.timeline_model.entry(row).state
            expected = state.status in (SlotStatus.OVERDUE, SlotStatus.UPCOMING,
                                        SlotStatus.MOVED)
            if expected and (state.status is SlotStatus.OVERDUE
                             or state.effective_date >= today):
                self.select_row(row)
                self._centred_row = row
                self._centre()
                return
        self._centred_row = None

    def _centre(self) -> None:
        if self._centred_row is not None and self._centred_row < self.timeline_model.rowCount():
            self.scrollTo(self.timeline_model.index(self._centred_row, 0),
                          QAbstractItemView.ScrollHint.PositionAtCenter)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A page filled before it is laid out (the first open) is sized afterwards: the
        slot is centred again in the size the schedule shows at."""
        # Phase fits and Details stretches to the new width: painted with its first paint.
        with sections_settled_now(self, self.horizontalHeader()):
            super().resizeEvent(event)
        self._centre()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self._centred_row = None  # shown centred: later resizes keep the user's scrolling

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.entry_activated.emit(self.timeline_model.entry(index.row()))

    def context_actions(self, entry: TimelineEntry) -> QMenu:
        menu = QMenu(self)
        done = entry.state.held is not None
        start = menu.addAction("Open session" if done else "Start session from this slot")
        start.triggered.connect(lambda: self.entry_activated.emit(entry))
        menu.addSeparator()
        move = menu.addAction("Move…")
        move.triggered.connect(lambda: self.move_requested.emit(entry))
        skip = menu.addAction("Skip…")
        skip.setEnabled(entry.state.status is not SlotStatus.SKIPPED and not done)
        skip.triggered.connect(lambda: self.skip_requested.emit(entry))
        move.setEnabled(not done)
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        self.setCurrentIndex(index)
        menu = self.context_actions(self.timeline_model.entry(index.row()))
        menu.popup(self.viewport().mapToGlobal(pos))
