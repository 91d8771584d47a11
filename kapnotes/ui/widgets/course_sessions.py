"""The sessions held in a course (date, kind, signed or draft, alerts and risk flags);
activating one opens it.

The list sits beside the schedule in a window wide enough for both, so it may be narrow: the
date, kind and flags columns are as wide as their texts, and the Note column takes what is
left, a mark that does not fit cut short with the whole of it in the tooltip. The list's size
hint is the room for the fitted columns and a signed note's mark, which the page gives it
(kapnotes/ui/widgets/shared_row.py); a page narrower than both lists' hints puts it below the
schedule instead, as at the window's first sizes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from kapnotes.domain.course_items import RiskFlag
from kapnotes.domain.dates import human_datetime
from kapnotes.domain.models import Session
from kapnotes.domain.review_model import ReviewStatus
from kapnotes.ui.widgets.column_widths import sections_settled_now, set_column_widths
from kapnotes.ui.widgets.list_rows import RowHeightDelegate, height_for_rows
from kapnotes.ui.widgets.risk_badge import risk_mark
from kapnotes.ui.widgets.slot_style import (
    ERROR_COLOURS,
    MUTED_COLOURS,
    WARNING_COLOURS,
    kind_colour,
    kind_text,
    pick,
)

SESSION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ALERT_MARK = "⚠ alert"
DATE, KIND, NOTE, FLAGS = range(4)
FITTED = (DATE, KIND, FLAGS)  # as wide as their widest text; NOTE stretches over the rest
SIGNED_MARK = "✓ Signed"  # what the Note column is always given room for
REVIEW_MARKS = {ReviewStatus.AWAITING: "⧗", ReviewStatus.CHANGES_REQUESTED: "✎",
                ReviewStatus.APPROVED: "✓", ReviewStatus.COSIGNED: "✓✓"}


def flag_marks(alerts: Sequence[str], risks: Sequence[RiskFlag]) -> tuple[str, str]:
    """("⚠ alert · ⚠ risk", tooltip lines) for a session; empty when it raised nothing."""
    marks = [m for m in (ALERT_MARK if alerts else "", risk_mark(risks)) if m]
    lines = [*alerts, *(f"{f.scale_name}: {f.label}" for f in risks)]
    return " · ".join(marks), "\n".join(lines)


class CourseSessionsList(QTreeWidget):
    """Newest first, since the last session is the one most often reopened."""

    session_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None, *,
                 reviews: Callable[[], Mapping[int, ReviewStatus]] | None = None) -> None:
        super().__init__(parent)
        # The supervision status of notes sent for review (docs/SUPERVISION.md), asked for
        # at each fill when no `reviews` mapping is handed to set_sessions.
        self.review_statuses = reviews
        self._hint_width = 0  # the width asked for, from the last fill (`_fit_columns`)
        self.setAccessibleName("Sessions in this course")
        self.setHeaderLabels(["Date", "Session", "Note", "Flags"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        # As tall as the schedule's rows, above which it stands at the window's first sizes.
        self.setItemDelegate(RowHeightDelegate(self))
        self.setMinimumHeight(height_for_rows(self, self.header(), 5))  # see timeline.py
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        self.itemActivated.connect(self._activated)

    def set_sessions(self, sessions: list[Session], *,
                     alerts: Mapping[int, Sequence[str]] | None = None,
                     risks: Mapping[int, Sequence[RiskFlag]] | None = None,
                     reviews: Mapping[int, ReviewStatus] | None = None) -> None:
        """`alerts`: monitoring alerts by session id; `risks`: risk flags of linked measures;
        `reviews`: the supervision status of notes sent for review (docs/SUPERVISION.md)."""
        self.clear()
        statuses = reviews if reviews is not None else (
            self.review_statuses() if self.review_statuses is not None and sessions else {})
        # Colours resolved once per fill (each asks the palette), the rows added in one call
        # (one layout instead of one per row): ~100 sessions at each client open.
        muted, warning, error = pick(MUTED_COLOURS), pick(WARNING_COLOURS), pick(ERROR_COLOURS)
        kind_colours: dict[str, QColor] = {}
        items, texts = [], []
        for s in sorted(sessions, key=lambda s: (s.starts_at, s.id or 0), reverse=True):
            state = SIGNED_MARK if s.signed else "✎ Draft"
            review = statuses.get(s.id or 0, ReviewStatus.NOT_SENT)
            if review is not ReviewStatus.NOT_SENT:  # the newer fact, first: lists are narrow
                state = f"{REVIEW_MARKS[review]} {review.value.capitalize()}"
            # The weekday only in the tooltip: the schedule beside the list shows it, and
            # it is what let the Note column fit at 1280 px.
            when = human_datetime(s.starts_at)
            marks, why = flag_marks((alerts or {}).get(s.id or 0, ()),
                                    (risks or {}).get(s.id or 0, ()))
            kind = s.kind.value
            row = [when, kind_text(kind), state, marks]
            texts.append(row)
            item = QTreeWidgetItem(row)
            item.setData(0, SESSION_ID_ROLE, s.id)
            item.setToolTip(DATE, human_datetime(s.starts_at, weekday=True))
            if kind not in kind_colours:
                kind_colours[kind] = kind_colour(kind)
            item.setForeground(KIND, kind_colours[kind])
            item.setForeground(NOTE, warning if review.pending or not s.signed else muted)
            # The mark first: it is what a narrow column cuts short.
            meaning = "Signed and locked" if s.signed else "Draft: not signed yet"
            if review is not ReviewStatus.NOT_SENT:
                meaning = f"Signed; supervision: {review.value}"
            item.setToolTip(NOTE, f"{state} — {meaning}")
            if marks:
                item.setForeground(FLAGS, error)
                item.setToolTip(FLAGS, f"{marks}\n{why}")
                item.setData(FLAGS, Qt.ItemDataRole.AccessibleDescriptionRole, why)
            items.append(item)
        self.addTopLevelItems(items)
        if not sessions:
            # A visible "nothing yet" row rather than a blank box; it cannot be selected.
            item = QTreeWidgetItem(["No sessions yet", "", "", ""])
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addTopLevelItem(item)
            item.setFirstColumnSpanned(True)
        self._fit_columns(items, texts)

    def _fit_columns(self, items: list[QTreeWidgetItem], rows: list[list[str]]) -> None:
        """The date, kind and flags columns as wide as their widest text, as
        `resizeColumnToContents` makes them, but the item delegate asked for one cell per
        column (the widest text in the view's font, each distinct text measured once) instead
        of every cell of every row: ~2.5 ms of each client opened. `rows`: the texts of the
        `items` filled (a spanned "No sessions yet" line gives no column a width, as in Qt's
        own). The Note column stretches over what is left."""
        metrics = self.fontMetrics()
        header = self.header()
        widths = {}
        for col in FITTED:
            contents = 0
            if rows:
                advance = {text: metrics.horizontalAdvance(text)
                           for text in {row[col] for row in rows}}
                widest = max(range(len(rows)), key=lambda i: advance[rows[i][col]])
                index = self.indexFromItem(items[widest], col)
                contents = self.sizeHintForIndex(index).width()
            widths[col] = max(contents, header.sectionSizeHint(col))
        set_column_widths(self, header, widths)
        # The width asked for: the fitted columns and a signed note's mark (a longer mark, or
        # a vertical scroll bar, cuts the Note column short rather than needing a horizontal
        # one). Worked out here, once per fill: a layout asks for the hint many times.
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self)
        note = max(metrics.horizontalAdvance(SIGNED_MARK) + 2 * (margin + 1),
                   header.sectionSizeHint(NOTE))  # the item delegate's text margins
        width = sum(widths.values()) + note + 2 * self.frameWidth()
        if width != self._hint_width:
            self._hint_width = width
            self.updateGeometry()  # the page gives the list the room it now asks for

    def sizeHint(self) -> QSize:
        """A hint, not a minimum: the page gives the list this width when it has the room
        (1280 px does), and a narrower window shrinks it rather than scrolling the page."""
        return QSize(self._hint_width, super().sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the rows follow the font (list_rows.py)
            self.setMinimumHeight(height_for_rows(self, self.header(), 5))

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The Note column stretches to the new width: painted with this size's first paint.
        with sections_settled_now(self, self.header()):
            super().resizeEvent(event)

    def session_ids(self) -> list[int]:
        items = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        ids = (item.data(0, SESSION_ID_ROLE) for item in items if item is not None)
        return [int(i) for i in ids if i is not None]

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        session_id = item.data(0, SESSION_ID_ROLE)
        if session_id is not None:
            self.session_activated.emit(int(session_id))
