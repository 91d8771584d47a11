"""Fit a table's rows to their text when the table is on screen, not while it is hidden.

`resizeRowsToContents` asks the model for every cell. The course tabs reload together when a
client is opened, and only one tab is on screen: fitting the hidden tables' rows then cost
~60 ms of each client opened (themes and intentions, 100-session course).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QTableView


class _FitOnShow(QObject):
    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        self.pending = False
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.pending and event.type() == QEvent.Type.Show:
            self.pending = False
            self.table.resizeRowsToContents()
        return False


def fit_rows(table: QTableView) -> None:
    """Rows fit their contents now if `table` is visible, else when it is next shown."""
    if table.isVisible():
        table.resizeRowsToContents()
        return
    fitter = table.findChild(_FitOnShow, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if fitter is None:
        fitter = _FitOnShow(table)  # a child of the table: found again, deleted with it
    fitter.pending = True
