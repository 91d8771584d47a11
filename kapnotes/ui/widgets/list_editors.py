"""Editors for the list-valued field types: repeating lists, intentions revisited, themes.

Intentions and themes come from the course; the form takes two optional provider callbacks
(`intention_rows()` → [(intention_id, label)], `known_themes()` → [theme]), which the session
editor binds to its own course, so these editors know nothing about storage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.template_fields import TemplateField
from kapnotes.ui.widgets.field_editors import FieldEditor, ScaleSpinBox
from kapnotes.ui.widgets.theme_completer import attach_theme_completer

IntentionRows = Callable[[], Sequence[tuple[int, str]]]
KnownThemes = Callable[[], Sequence[str]]
EMPTY_REVIEW = "The course's intentions appear here once they are recorded."


class _RowsEditor(FieldEditor):
    """Rows of controls with Add (button or Ctrl+Enter) and a Remove button per row."""

    ADD_TEXT = "Add entry"

    def __init__(self, field: TemplateField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.rows: list[list[QWidget]] = []  # the controls of each row, first = focus target
        self._removers: list[QToolButton] = []
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(6)
        self.add_button = QPushButton(self.ADD_TEXT, self)
        self.add_button.setAccessibleName(f"{field.label}: {self.ADD_TEXT.lower()}")
        self.add_button.setToolTip("Ctrl+Enter in a row adds the next one")
        self.add_button.clicked.connect(self.add_row_and_focus)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.addLayout(self.grid)
        self.column.addLayout(buttons)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Ctrl+Enter in any row adds the next row (a key filter, unlike a QShortcut, works
        # whether or not the window is active, e.g. in a detached or offscreen form).
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.add_row_and_focus()
            return True
        return super().eventFilter(watched, event)

    # -- rows ------------------------------------------------------------------------------
    def _make_row(self, data: Any, number: int) -> list[QWidget]:
        raise NotImplementedError

    def _row_value(self, controls: list[QWidget]) -> Any:
        raise NotImplementedError

    def _blank(self) -> Any:
        return None

    def add_row(self, data: Any = None) -> list[QWidget]:
        number = len(self.rows) + 1
        controls = self._make_row(self._blank() if data is None else data, number)
        for col, control in enumerate(controls):
            self.grid.addWidget(control, number - 1, col)
            self._watch_focus(control, target=False)  # rows list their own targets
        remove = QToolButton(self)
        remove.setText("Remove")
        remove.setAccessibleName(f"{self.field.label}: remove entry {number}")
        remove.clicked.connect(lambda _=False, c=controls: self.remove_row(c))
        remove.setVisible(not self.is_read_only())
        self.grid.addWidget(remove, number - 1, len(controls))
        self._removers.append(remove)
        self.rows.append(controls)
        self._apply_read_only(self.is_read_only())
        return controls

    def add_row_and_focus(self) -> None:
        if self.is_read_only():
            return
        controls = self.add_row()
        for control in controls:
            control.show()  # a layout shows new children only later; focus needs it now
        controls[0].setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._emit_changed()

    def remove_row(self, controls: list[QWidget]) -> None:
        if self.is_read_only() or controls not in self.rows:
            return
        values = [self._row_value(c) for c in self.rows if c is not controls]
        self._rebuild(values)
        if self.rows:
            self.rows[-1][0].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._emit_changed()

    def _rebuild(self, values: Sequence[Any]) -> None:
        for controls, remover in zip(self.rows, self._removers, strict=True):
            for widget in [*controls, remover]:
                self.grid.removeWidget(widget)
                widget.hide()  # deleteLater waits for the event loop; never show a ghost row
                widget.deleteLater()
        self.rows, self._removers = [], []
        self._loading = True
        try:
            for value in values:
                self.add_row(value)
        finally:
            self._loading = False

    # -- FieldEditor -----------------------------------------------------------------------
    def get_value(self) -> list[Any]:
        return [self._row_value(c) for c in self.rows]

    def _show(self, value: Any) -> None:
        items = list(value or [])
        self._rebuild(items or [self._blank()])

    def _apply_read_only(self, read_only: bool) -> None:
        self.add_button.setVisible(not read_only)
        for remover in self._removers:
            remover.setVisible(not read_only)
        for controls in self.rows:
            for control in controls:
                if isinstance(control, QLineEdit):
                    control.setReadOnly(read_only)
                elif not isinstance(control, QLabel):
                    control.setEnabled(not read_only)

    def focus_targets(self) -> list[QWidget]:
        targets: list[QWidget] = []
        for controls, remover in zip(self.rows, self._removers, strict=True):
            targets += [c for c in controls if not isinstance(c, QLabel)]
            targets.append(remover)
        return [*targets, self.add_button]

    def is_text_editor(self) -> bool:
        return True  # every row is a line edit with its own undo


class RepeatingListEditor(_RowsEditor):
    ADD_TEXT = "Add entry"

    def _blank(self) -> Any:
        return ""

    def _make_row(self, data: Any, number: int) -> list[QWidget]:
        edit = QLineEdit(str(data), self)
        edit.setAccessibleName(f"{self.field.label}, entry {number}")
        edit.textChanged.connect(self._emit_changed)
        return [edit]

    def _row_value(self, controls: list[QWidget]) -> str:
        edit = controls[0]
        assert isinstance(edit, QLineEdit)
        return edit.text()


class ThemesEditor(_RowsEditor):
    """Rows of (theme, evidence); the theme offers themes already named in the course."""

    ADD_TEXT = "Add theme"

    def __init__(self, field: TemplateField, parent: QWidget | None = None, *,
                 known_themes: KnownThemes | None = None) -> None:
        self._known_themes = known_themes
        super().__init__(field, parent)

    def _blank(self) -> Any:
        return {"theme": "", "evidence": ""}

    def _make_row(self, data: Any, number: int) -> list[QWidget]:
        theme = QLineEdit(str(data.get("theme") or ""), self)
        theme.setPlaceholderText("Theme")
        theme.setAccessibleName(f"{self.field.label}: theme {number}")
        theme.setMinimumWidth(200)
        if self._known_themes is not None:
            # Re-read on focus, so a theme named a minute ago in another row is offered too.
            attach_theme_completer(theme, self._known_themes)
        evidence = QLineEdit(str(data.get("evidence") or ""), self)
        evidence.setPlaceholderText("Evidence: what the client said or did")
        evidence.setAccessibleName(f"{self.field.label}: evidence for theme {number}")
        for edit in (theme, evidence):
            edit.textChanged.connect(self._emit_changed)
        self.grid.setColumnStretch(1, 2)
        self.grid.setColumnStretch(0, 1)
        return [theme, evidence]

    def _row_value(self, controls: list[QWidget]) -> dict[str, str]:
        theme, evidence = controls
        assert isinstance(theme, QLineEdit) and isinstance(evidence, QLineEdit)
        return {"theme": theme.text(), "evidence": evidence.text()}

    def get_value(self) -> list[Any]:
        # Rows with neither a theme nor evidence are editor furniture, not answers.
        return [v for v in super().get_value() if v["theme"].strip() or v["evidence"].strip()]


class IntentionsReviewEditor(_RowsEditor):
    """One row per course intention: its words, progress 0–10 ("—" = not rated), a note.

    Rows are the provider's intentions plus any stored row whose intention the provider no
    longer lists (kept, labelled by number, so nothing written disappears).
    """

    ADD_TEXT = ""

    def __init__(self, field: TemplateField, parent: QWidget | None = None, *,
                 intention_rows: IntentionRows | None = None) -> None:
        self._provider = intention_rows
        self._labels: dict[int, str] = {}
        super().__init__(field, parent)
        self.add_button.hide()  # the course decides which intentions there are
        self.empty_label = QLabel(EMPTY_REVIEW, self)
        self.empty_label.setObjectName("fieldHelp")
        self.empty_label.setWordWrap(True)
        self.column.addWidget(self.empty_label)
        self._show([])

    def reload(self) -> None:
        """Ask the provider again (e.g. after intentions were edited) and keep what was typed."""
        self.set_value(self.get_value())

    def _make_row(self, data: Any, number: int) -> list[QWidget]:
        intention_id = int(data["intention_id"])
        label = QLabel(self._labels.get(intention_id) or f"Intention #{intention_id}", self)
        label.setWordWrap(True)
        label.setProperty("intention_id", intention_id)
        progress = ScaleSpinBox(self)
        progress.set_score(data.get("progress"))
        progress.setAccessibleName(f"Progress on: {label.text()}")
        note = QLineEdit(str(data.get("note") or ""), self)
        note.setPlaceholderText("Note")
        note.setAccessibleName(f"Note on: {label.text()}")
        progress.valueChanged.connect(self._emit_changed)
        note.textChanged.connect(self._emit_changed)
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(2, 3)
        return [label, progress, note]

    def add_row(self, data: Any = None) -> list[QWidget]:
        controls = super().add_row(data)
        self._removers[-1].hide()
        return controls

    def _row_value(self, controls: list[QWidget]) -> dict[str, Any]:
        label, progress, note = controls
        assert isinstance(progress, ScaleSpinBox) and isinstance(note, QLineEdit)
        return {"intention_id": int(label.property("intention_id")),
                "progress": progress.score(), "note": note.text()}

    def get_value(self) -> list[Any]:
        # Untouched rows are the provider's furniture, not answers: store what was reviewed.
        return [v for v in super().get_value() if v["progress"] is not None or v["note"].strip()]

    def _show(self, value: Any) -> None:
        stored = {int(e["intention_id"]): e for e in (value or []) if "intention_id" in e}
        provided = list(self._provider()) if self._provider is not None else []
        shown = getattr(self, "_labels", {})
        labels = {int(i): text for i, text in provided}
        rows = [stored.get(int(i)) or {"intention_id": int(i)} for i, _ in provided]
        rows += [e for i, e in stored.items() if i not in labels]
        # A row typed in before its intention was revised elsewhere keeps the words it showed.
        self._labels = {**{i: t for i, t in shown.items() if i in stored}, **labels}
        self._rebuild(rows)
        self.empty_label.setVisible(not rows)

    def _apply_read_only(self, read_only: bool) -> None:
        super()._apply_read_only(read_only)
        if hasattr(self, "empty_label"):  # a signed note is not waiting for intentions
            self.empty_label.setText("No intention was revisited in this note." if read_only
                                     else EMPTY_REVIEW)
        self.add_button.hide()
        for remover in self._removers:
            remover.hide()

    def focus_targets(self) -> list[QWidget]:
        return [c for controls in self.rows for c in controls[1:]]

    def add_row_and_focus(self) -> None:
        return  # Ctrl+Enter has nothing to add here
