"""Theme tables: a course's themes across its sessions, and the practice-wide frequency."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.course_items import CourseThemes, ThemeFrequency
from kapnotes.domain.dates import short_date
from kapnotes.services.container import Services
from kapnotes.ui.change_signals import refresh_when
from kapnotes.ui.widgets.fit_rows import fit_rows
from kapnotes.ui.widgets.slot_style import kind_text

Index = QModelIndex | QPersistentModelIndex
COURSE_FIXED = ("Theme", "First seen", "Sessions", "Mentions", "Latest evidence")
FREQ_COLS = ("Theme", "Mentions", "Sessions", "Clients", "Last seen")


class CourseThemesModel(QAbstractTableModel):
    """CourseThemes → rows by first appearance; a ● in each session that names the theme."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = CourseThemes(columns=(), rows=())

    def set_table(self, table: CourseThemes) -> None:
        self.beginResetModel()
        self.table = table
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COURSE_FIXED) + len(self.table.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(COURSE_FIXED):
            return COURSE_FIXED[section]
        col = self.table.columns[section - len(COURSE_FIXED)]
        return f"{kind_text(col.kind)}\n{short_date(col.on)}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.table.rows[index.row()]
        col = index.column()
        if col < len(COURSE_FIXED):
            if role == Qt.ItemDataRole.DisplayRole:
                return (r.name, short_date(r.first_seen), r.sessions, r.mentions,
                        r.latest_evidence)[col]
            if role == Qt.ItemDataRole.ToolTipRole and col == 4 and r.latest_evidence:
                return f"{short_date(r.latest_on)}: {r.latest_evidence}"
            if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3):
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        session = self.table.columns[col - len(COURSE_FIXED)]
        evidence = self.table.cells.get((r.theme_id, session.session_id))
        if evidence is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "●" if len(evidence) == 1 else f"● ×{len(evidence)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(e or "(no evidence written)" for e in evidence)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class ThemeFrequencyModel(QAbstractTableModel):
    """Practice-wide theme counts (no client names)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ThemeFrequency] = []

    def set_rows(self, rows: list[ThemeFrequency]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FREQ_COLS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return FREQ_COLS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        f = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (f.name, f.mentions, f.sessions, f.clients,
                    short_date(f.last_seen) if f.last_seen else "—")[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (1, 2, 3):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return f.theme_id
        return None


def _table(model: QAbstractTableModel, name: str, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    view.setWordWrap(True)
    return view


class CourseThemesView(QWidget):
    """The course theme table; `reload()` after notes change."""

    def __init__(self, services: Services, course_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.course_id = course_id
        self.model = CourseThemesModel(self)
        self.table = _table(self.model, "Themes across sessions", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        self.reload()

    def set_course(self, course_id: int | None) -> None:
        self.course_id = course_id
        self.reload()

    def reload(self) -> None:
        table = (self.services.themes.course_themes(self.course_id)
                 if self.course_id is not None else CourseThemes((), ()))
        self.model.set_table(table)
        header = self.table.horizontalHeader()
        for col in range(self.model.columnCount()):
            mode = (QHeaderView.ResizeMode.Stretch if col == 4
                    else QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(col, mode)
        fit_rows(self.table)  # hidden tabs fit their rows when shown


class ThemeFrequencyView(QWidget):
    """Every theme in the practice, most used first; Rename/merge… opens the merge dialog.
    Follows the themes service's change notifications, whoever renames or merges."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.model = ThemeFrequencyModel(self)
        self.table = _table(self.model, "Theme frequency across clients", self)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.merge_button = QPushButton("Rename or merge…", self)
        self.merge_button.clicked.connect(self.open_merge)
        buttons = QHBoxLayout()
        buttons.addWidget(self.merge_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        refresh_when(services, self, lambda c: c.themes, self.reload)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(self.services.themes.frequency())
        for col in range(1, len(FREQ_COLS)):
            self.table.horizontalHeader().setSectionResizeMode(
                col, QHeaderView.ResizeMode.ResizeToContents)

    def selected_ids(self) -> list[int]:
        return [self.model.rows[i.row()].theme_id
                for i in self.table.selectionModel().selectedRows()]

    def open_merge(self) -> None:
        from kapnotes.ui.dialogs.theme_merge_dialog import ThemeMergeDialog

        dialog = ThemeMergeDialog(self.services, self.selected_ids(), parent=self)
        dialog.open()
