"""One row height for the client page's lists: the planned schedule (a table, its rows sized
by its vertical header) and the sessions list (a tree, its rows as tall as its item delegate
asks), which stand one below the other at the window's first sizes.

The tree's own rows are as tall as its text (~14 px offscreen, the lines nearly touching);
under the schedule's roomier rows they looked cramped. The height is the tallest that still
keeps seven slots and five sessions on the page of a 1366×768 screen without it scrolling
(each list sets its own minimum height from it: kapnotes/ui/widgets/timeline.py,
course_sessions.py; tests/ui/test_schedule_fits_default_window.py).

With a larger font the rows grow with it (`row_height`): the table's header raises its rows
to its own minimum, the font's line and 4 px (32 px at 18 pt offscreen), so a fixed 23 left
the two lists' rows unlike and the minimum heights short of seven slots and five sessions.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

ROW_HEIGHT = 23
# ROW_HEIGHT less the default font's line (14 px offscreen): the room kept around the text
# when a larger font makes the rows taller.
ROW_PADDING = 9


def row_height(view: QWidget) -> int:
    """The rows' height in `view`'s font: ROW_HEIGHT, or more for a taller font."""
    return max(ROW_HEIGHT, view.fontMetrics().height() + ROW_PADDING)


class RowHeightDelegate(QStyledItemDelegate):
    """Qt's item delegate, its rows at least `row_height` tall: painted as before (the text
    centred in the taller row), only the size hint raised. A tree of uniform row heights asks
    it for one row, not each."""

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        row = row_height(option.widget) if option.widget is not None else ROW_HEIGHT
        if size.height() < row:
            size.setHeight(row)
        return size


def height_for_rows(view: QAbstractItemView, header: QHeaderView, rows: int) -> int:
    """The height at which `view` shows `rows` rows of `row_height` whole below its
    `header`."""
    return rows * row_height(view) + header.sizeHint().height() + 2 * view.frameWidth()
