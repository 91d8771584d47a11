"""Rename a theme, or merge several into one: every mention follows (none is lost).

Tick the theme(s) to change and type the name they should have. A name no other theme has
renames; the name of an existing theme merges the ticked ones into it. Draft notes take the
new name; signed notes keep their words as written (the course views show the new name).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.dates import plural
from kapnotes.domain.errors import KapNotesError
from kapnotes.services.container import Services
from kapnotes.ui.widgets.error_line import error_label, show_error
from kapnotes.ui.widgets.theme_completer import ThemeLineEdit


class ThemeMergeDialog(QDialog):
    """Renames or merges through the themes service, whose change notification reaches the
    open notes and every theme view (kapnotes/ui/change_signals.py)."""

    def __init__(self, services: Services, selected: Sequence[int] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("Rename or merge themes")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Themes to change")
        for f in services.themes.frequency():
            item = QListWidgetItem(f"{f.name}  ({f.mentions} mention{'s' * (f.mentions != 1)})")
            item.setData(Qt.ItemDataRole.UserRole, f.theme_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if f.theme_id in selected
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.name_edit = ThemeLineEdit(services.themes.known_themes, self)
        self.name_edit.setAccessibleName("New or existing theme name")
        self.name_edit.setPlaceholderText("New name, or an existing theme to merge into")
        self.plan_label = QLabel(self)
        self.plan_label.setWordWrap(True)
        self.plan_label.setAccessibleName("What will happen")
        self.error_label = error_label(self)
        self.apply_button = QPushButton("Apply", self)
        self.apply_button.setDefault(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.rejected.connect(self.reject)
        self.apply_button.clicked.connect(self.apply)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Themes to rename or merge:", self))
        layout.addWidget(self.list, 1)
        layout.addWidget(QLabel("They should be called:", self))
        layout.addWidget(self.name_edit)
        layout.addWidget(self.plan_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.list.itemChanged.connect(self._plan)
        self.name_edit.textChanged.connect(self._plan)
        self.resize(460, 520)
        self._plan()

    def checked_ids(self) -> list[int]:
        return [int(self.list.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def plan(self) -> str:
        """What Apply will do, in words (empty when it cannot do anything yet)."""
        ids = self.checked_ids()
        name = self.name_edit.text().strip()
        if not ids or not name:
            return ""
        target = self.services.themes.find(name)
        others = [i for i in ids if target is None or i != target.id]
        if target is not None and not others:
            return f"Rename to '{name}'." if target.name != name else ""
        if target is not None:
            return (f"Merge {plural(len(others), 'theme')} into '{target.name}'; "
                    "every mention moves.")
        if len(ids) == 1:
            return f"Rename to '{name}'."
        return f"Rename the first to '{name}' and merge the other {len(ids) - 1} into it."

    def _plan(self) -> None:
        text = self.plan()
        self.plan_label.setText(text)
        self.apply_button.setEnabled(bool(text))
        show_error(self.error_label, "")

    def apply(self) -> None:
        ids = self.checked_ids()
        name = self.name_edit.text().strip()
        if not self.plan():
            return
        themes = self.services.themes
        try:
            target = themes.find(name)
            if target is None:
                target = themes.rename(ids[0], name)
            elif target.id in ids and len(ids) == 1:
                target = themes.rename(target.id, name)  # a change of case or spacing
            others = [i for i in ids if i != target.id]
            if others:
                themes.merge(others, target.id)
        except KapNotesError as exc:
            show_error(self.error_label, str(exc))
            return
        self.accept()
