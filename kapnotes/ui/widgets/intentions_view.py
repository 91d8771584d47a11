"""The course's intentions as a grid: one row per intention (revisions under their original),
status and date set, then one column per session with the progress (0–10) given there.

Text first (the number, "set", a status word), a tint second, so nothing is told by colour alone.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.course_items import IntentionStatus, ProgressMatrix
from kapnotes.domain.dates import short_date
from kapnotes.domain.errors import KapNotesError
from kapnotes.services.container import Services
from kapnotes.ui.widgets.fit_rows import fit_rows
from kapnotes.ui.widgets.slot_style import is_dark, kind_text

Index = QModelIndex | QPersistentModelIndex
FIXED = ("Intention", "Status", "Set on")


class IntentionsModel(QAbstractTableModel):
    """ProgressMatrix → table; `intention_id(row)` for the actions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix = ProgressMatrix(columns=(), rows=())

    def set_matrix(self, matrix: ProgressMatrix) -> None:
        self.beginResetModel()
        self.matrix = matrix
        self.endResetModel()

    def intention_id(self, row: int) -> int:
        return self.matrix.rows[row].intention.id

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.matrix.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIXED) + len(self.matrix.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(FIXED):
            return FIXED[section]
        col = self.matrix.columns[section - len(FIXED)]
        return f"{kind_text(col.kind)}\n{short_date(col.on)}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.matrix.rows[index.row()]
        i = row.intention
        col = index.column()
        if col < len(FIXED):
            if role == Qt.ItemDataRole.DisplayRole:
                indent = "    " * row.depth + ("↳ " if row.depth else "")
                return (indent + i.text, i.status.label, short_date(i.set_on))[col]
            if role == Qt.ItemDataRole.ToolTipRole and col == 0:
                return i.text
            if role == Qt.ItemDataRole.ForegroundRole and not i.is_current:
                return QColor("#8a8a8a")
            return None
        session = self.matrix.columns[col - len(FIXED)]
        review = self.matrix.cell(i.id, session.session_id)
        if role == Qt.ItemDataRole.DisplayRole:
            if review is not None:
                mark = "—" if review.progress is None else str(review.progress)
                return mark + (" ✎" if review.note.strip() else "")
            return "set" if i.source_session_id == session.session_id else ""
        if role == Qt.ItemDataRole.ToolTipRole and review is not None:
            rated = "not rated" if review.progress is None else f"progress {review.progress}/10"
            return f"{rated}\n{review.note}".strip()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and review and review.progress is not None:
            tint = QColor("#2e6b3a" if not is_dark() else "#93d19f")
            tint.setAlpha(25 + 18 * review.progress)  # more progress, stronger tint
            return tint
        return None


class IntentionsView(QWidget):
    """Grid plus actions (achieved, let go, active again, revise, add)."""

    def __init__(self, services: Services, course_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.course_id = course_id
        self.model = IntentionsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Intentions across sessions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, label in (("achieved", "Mark achieved"), ("let_go", "Let go"),
                           ("active", "Active again"), ("revise", "Revise…"),
                           ("add", "Add intention…")):
            button = QPushButton(label, self)
            button.clicked.connect(lambda _=False, k=key: self._act(k))
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self.reload()

    def set_course(self, course_id: int | None) -> None:
        self.course_id = course_id
        self.reload()

    def reload(self) -> None:
        matrix = (self.services.intentions.progress_matrix(self.course_id)
                  if self.course_id is not None else ProgressMatrix((), ()))
        self.model.set_matrix(matrix)
        header = self.table.horizontalHeader()
        for col in range(1, self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        fit_rows(self.table)  # hidden tabs fit their rows when shown
        self._enable()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.intention_id(rows[0].row()) if rows else None

    def _enable(self) -> None:
        chosen = self.selected_id()
        current = chosen is not None and self.services.intentions.get(chosen).is_current
        for key in ("achieved", "let_go", "active", "revise"):
            self.buttons[key].setEnabled(current)
        self.buttons["add"].setEnabled(self.course_id is not None)

    def _act(self, key: str) -> None:
        chosen = self.selected_id()
        try:
            if key == "add" and self.course_id is not None:
                text, ok = QInputDialog.getText(self, "Add intention", "Intention, in the "
                                                "client's words:")
                if ok and text.strip():
                    self.services.intentions.add(self.course_id, text)
            elif key == "revise" and chosen is not None:
                old = self.services.intentions.get(chosen).text
                text, ok = QInputDialog.getText(self, "Revise intention", "New words:", text=old)
                if ok and text.strip() and text.strip() != old:
                    self.services.intentions.revise(chosen, text)
            elif chosen is not None:
                self.services.intentions.set_status(chosen, IntentionStatus(key))
        except KapNotesError as exc:
            self.setToolTip(str(exc))
            return
        self.reload()
