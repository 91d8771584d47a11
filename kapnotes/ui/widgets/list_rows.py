"""One row height for the client page's lists: the planned schedule (a table, its rows sized
by its vertical header) and the sessions list (a tree, its rows as tall as its item delegate
asks), which stand one below the other at the window's first sizes.

The tree's own rows are as tall as its text (~14 px offscreen, the lines nearly touching);
under the schedule's roomier rows they looked cramped. The height is the tallest that still
keeps seven slots and five sessions on the page of a 1366×768 screen without it scrolling
(each list sets its own minimum height from it: kapnotes/ui/widgets/timeline.py,
course_sessions.py; tests/ui/test_schedule_fits_default_window.py).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

ROW_HEIGHT = 23


class RowHeightDelegate(QStyledItemDelegate):
    """Qt's item delegate, its rows at least ROW_HEIGHT tall: painted as before (the text
    centred in the taller row), only the size hint raised. A tree of uniform row heights asks
    it for one row, not each."""

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        if size.height() < ROW_HEIGHT:
            size.setHeight(ROW_HEIGHT)
        return size


def height_for_rows(view: QAbstractItemView, header: QHeaderView, rows: int) -> int:
    """The height at which `view` shows `rows` rows of ROW_HEIGHT whole below its `header`."""
    return rows * ROW_HEIGHT + header.sizeHint().height() + 2 * view.frameWidth()
