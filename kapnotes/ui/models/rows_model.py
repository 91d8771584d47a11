"""The part every table model over a list of dataclass rows shares: counts and headers; and
for the tables painted at each client open, rows worked out once when first painted."""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class RowsTableModel(QAbstractTableModel, Generic[Row]):
    """A flat table: one row per item of `_rows`, one column per entry of `HEADERS`."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def _row_for(self, index: Index) -> Row | None:
        """The row an index points at, or None for an invalid or stale index."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_DESCRIBED = frozenset((int(Qt.ItemDataRole.ToolTipRole),
                        int(Qt.ItemDataRole.AccessibleTextRole)))
KEY_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # the row's own object or id (`_key`)
# The roles a painted row answers. A view asks for seven per painted cell; the rest
# (alignment, check state, decoration) are answered "nothing" before the row is looked up.
_ANSWERED = frozenset((_DISPLAY, _FOREGROUND, _FONT, _BACKGROUND, KEY_ROLE, *_DESCRIBED))


class Cells(NamedTuple):
    """One row as painted: a text per column, and where set a colour, a font, a shading."""

    texts: tuple[str, ...]
    colours: tuple[QColor | None, ...] | None = None
    fonts: tuple[QFont | None, ...] | None = None
    background: QBrush | None = None


class PaintedRowsModel(RowsTableModel[Row]):
    """A table whose rows are worked out once, the first time each is painted.

    Painting asks the model for seven roles per cell, each a call into Python, and every
    repaint (a selection, a scroll back) asks again; a row's texts, colours and fonts are
    made by `_cells` on first asking and kept until `_reset_rows` (which every fill calls
    between beginResetModel and endResetModel). Roles compared as plain ints: comparing
    PySide's enum members goes through Python's Enum machinery."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._painted: list[Cells | None] = []

    def _reset_rows(self, rows: list[Row]) -> None:
        self._rows = rows
        self._painted = [None] * len(rows)

    def _cells(self, row: Row) -> Cells:
        raise NotImplementedError

    def _key(self, row: Row) -> object:
        return row

    def _describe(self, row: Row) -> str:
        return ""

    def cells(self, row: int) -> Cells:
        cells = self._painted[row]
        if cells is None:
            cells = self._painted[row] = self._cells(self._rows[row])
        return cells

    def data(self, index: Index, role: int = _DISPLAY) -> object:
        if role not in _ANSWERED:
            return None
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._rows):
            return None
        if role == KEY_ROLE:
            return self._key(self._rows[row])
        if role in _DESCRIBED:
            return self._describe(self._rows[row])
        cells = self._painted[row] or self.cells(row)
        if role == _DISPLAY:
            return cells.texts[index.column()]
        if role == _FOREGROUND:
            return None if cells.colours is None else cells.colours[index.column()]
        if role == _FONT:
            return None if cells.fonts is None else cells.fonts[index.column()]
        return cells.background
