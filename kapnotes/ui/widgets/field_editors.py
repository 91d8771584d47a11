"""Editors for the single-value note field types; one class per type, all one small interface.

Every editor holds the *raw* value a person entered (e.g. "12.5" or "7:30" as typed); the
services validate and normalise it on save, so a half-typed value is never silently dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QRegularExpression, QSize, Signal
from PySide6.QtGui import QFontMetrics, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.template_fields import TemplateField
from kapnotes.domain.template_values import format_number
from kapnotes.ui.widgets.radio_keys import arrows_choose

UNSET = "—"  # shown by scales and choices that have no answer yet


class FieldEditor(QWidget):
    """Base of every field editor: get/set the value, `changed` on edits, read-only when signed."""

    changed = Signal(str)  # field id
    focus_left = Signal(str)  # field id; the form saves when focus leaves a field

    def __init__(self, field: TemplateField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._loading = False  # set_value must not look like a user edit
        self._read_only = False
        self._targets: list[QWidget] = []  # controls registered by _watch_focus, in order
        self.setAccessibleName(field.label)

    # -- interface -------------------------------------------------------------------------
    def get_value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._apply_read_only(read_only)

    def is_read_only(self) -> bool:
        return self._read_only

    def focus_targets(self) -> list[QWidget]:
        """The controls a keyboard user tabs through, in order (used for the form's tab chain)."""
        return list(self._targets)

    def is_text_editor(self) -> bool:
        """True when the control keeps its own undo history (Qt's per-widget Ctrl+Z)."""
        return False

    # -- for subclasses --------------------------------------------------------------------
    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _apply_read_only(self, read_only: bool) -> None:
        for target in self.focus_targets():
            target.setEnabled(not read_only)

    def _emit_changed(self, *_: object) -> None:
        if not self._loading:
            self.changed.emit(self.field.id)

    def _watch_focus(self, widget: QWidget, *, target: bool = True) -> None:
        widget.installEventFilter(self)
        if target:
            self._targets.append(widget)
        widget.setAccessibleName(widget.accessibleName() or self.field.label)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.focus_left.emit(self.field.id)
        return super().eventFilter(watched, event)


class ShortTextEditor(FieldEditor):
    def __init__(self, field: TemplateField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QLineEdit(self)
        _single(self, self.edit)
        self._watch_focus(self.edit)
        self.edit.textChanged.connect(self._emit_changed)

    def get_value(self) -> str:
        return self.edit.text()

    def _show(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def _apply_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)  # still selectable and readable by a screen reader

    def is_text_editor(self) -> bool:
        return True


class GrowingTextEdit(QPlainTextEdit):
    """A plain-text box that grows with its text (3 to 24 lines) so the page, not it, scrolls."""

    MIN_LINES = 3
    MAX_LINES = 24

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)  # Tab moves on, as everywhere else in the form
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().contentsChanged.connect(self._fit)
        self._fit()

    def _fit(self) -> None:
        line = QFontMetrics(self.font()).lineSpacing()
        lines = int(self.document().size().height()) if self.width() > 50 else 0
        lines = max(self.MIN_LINES, min(self.MAX_LINES, lines))
        margins = self.contentsMargins()
        frame = int(self.document().documentMargin() * 2) + margins.top() + margins.bottom()
        self.setFixedHeight(lines * line + frame + 4)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()  # rewrapping at a new width changes the line count

    def sizeHint(self) -> QSize:
        return QSize(600, self.height())


class LongTextEditor(FieldEditor):
    def __init__(self, field: TemplateField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = GrowingTextEdit(self)
        _single(self, self.edit)
        self._watch_focus(self.edit)
        self.edit.textChanged.connect(self._emit_changed)

    def get_value(self) -> str:
        return self.edit.toPlainText()

    def _show(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))

    def _apply_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

    def is_text_editor(self) -> bool:
        return True


class SingleChoiceEditor(FieldEditor):
    """Radio buttons for up to four options (one glance), a combo box with a blank entry above."""

    RADIO_LIMIT = 4

    def __init__(self, field: TemplateField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.combo: QComboBox | None = None
        self.group: QButtonGroup | None = None
        if len(field.options) <= self.RADIO_LIMIT:
            box = QWidget(self)
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(20)
            self.group = QButtonGroup(self)
            for n, option in enumerate(field.options):
                radio = QRadioButton(option.label, box)
                radio.setAccessibleName(f"{field.label}: {option.label}")
                self.group.addButton(radio, n)
                row.addWidget(radio)
                self._watch_focus(radio)
            row.addStretch(1)
            arrows_choose(self.group)
            self.group.idToggled.connect(self._radio_toggled)
            _single(self, box)
        else:
            self.combo = QComboBox(self)
            self.combo.addItem(UNSET, None)
            for option in field.options:
                self.combo.addItem(option.label, option.id)
            self.combo.setMinimumWidth(260)
            self.combo.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            self._watch_focus(self.combo)
            self.combo.currentIndexChanged.connect(self._emit_changed)
            _single(self, self.combo)

    def _radio_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self._emit_changed()

    def get_value(self) -> str | None:
        if self.combo is not None:
            return self.combo.currentData()
        assert self.group is not None
        chosen = self.group.checkedId()
        return self.field.options[chosen].id if chosen >= 0 else None

    def _show(self, value: Any) -> None:
        ids = [o.id for o in self.field.options]
        if self.combo is not None:
            self.combo.setCurrentIndex(ids.index(value) + 1 if value in ids else 0)
            return
        assert self.group is not None
        # An exclusive group cannot be emptied by unchecking; switch exclusivity off briefly.
        self.group.setExclusive(False)
        for n, button in enumerate(self.group.buttons()):
            button.setChecked(value in ids and ids.index(value) == n)
        self.group.setExclusive(True)

    def clear_choice(self) -> None:
        """Back to "no answer" (radios give no way to do that by themselves)."""
        self.set_value(None)
        self._emit_changed()


class ChoicesEditor(FieldEditor):
    """Multi-choice and checklist: one check box per option, stored in template order."""

    def __init__(self, field: TemplateField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.boxes: list[QCheckBox] = []
        for option in field.options:
            check = QCheckBox(option.label, box)
            check.setAccessibleName(f"{field.label}: {option.label}")
            check.toggled.connect(self._emit_changed)
            self._watch_focus(check)
            column.addWidget(check)
            self.boxes.append(check)
        _single(self, box)

    def get_value(self) -> list[str]:
        return [o.id for o, box in zip(self.field.options, self.boxes, strict=True)
                if box.isChecked()]

    def _show(self, value: Any) -> None:
        chosen = set(value or [])
        for option, box in zip(self.field.options, self.boxes, strict=True):
            box.setChecked(option.id in chosen)


class ScaleSpinBox(QSpinBox):
    """0–10 with "—" for "not rated": the value below 0 shows as the dash (keyboard: Home/End)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(-1, 10)
        self.setSpecialValueText(UNSET)
        self.setValue(-1)
        self.setSuffix(" / 10")
        self.setMinimumWidth(110)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def score(self) -> int | None:
        return None if self.value() < 0 else self.value()

    def set_score(self, value: object) -> None:
        self.setValue(value if isinstance(value, int) and 0 <= value <= 10 else -1)


class ScaleEditor(FieldEditor):
    def __init__(self, field: TemplateField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.spin = ScaleSpinBox(self)
        self._watch_focus(self.spin)
        self.spin.valueChanged.connect(self._emit_changed)
        _single(self, self.spin)

    def get_value(self) -> int | None:
        return self.spin.score()

    def _show(self, value: Any) -> None:
        self.spin.set_score(value)


class _LineEditor(FieldEditor):
    """A validated one-line edit with a hint (and an optional unit) for number/time/date."""

    PATTERN = ".*"
    PLACEHOLDER = ""
    WIDTH = 140

    def __init__(self, field: TemplateField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(self.PLACEHOLDER)
        # The validator only stops impossible keystrokes; range rules are the services' job,
        # so a value out of range is kept, saved nowhere, and named in the status bar.
        self.edit.setValidator(QRegularExpressionValidator(QRegularExpression(self.PATTERN)))
        self.edit.setFixedWidth(self.WIDTH)
        self._watch_focus(self.edit)
        self.edit.textChanged.connect(self._emit_changed)
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        suffix = self._suffix()
        if suffix:
            unit = QLabel(suffix, row)
            unit.setObjectName("fieldUnit")
            layout.addWidget(unit)
        layout.addStretch(1)
        _single(self, row)

    def _suffix(self) -> str:
        return ""

    def get_value(self) -> Any:
        return self.edit.text().strip() or None

    def _show(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def _apply_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

    def is_text_editor(self) -> bool:
        return True


class NumberEditor(_LineEditor):
    PATTERN = r"[+-]?\d{0,9}([.,]\d{0,6})?"
    PLACEHOLDER = "number"

    def _suffix(self) -> str:
        bounds = ""
        if self.field.min is not None and self.field.max is not None:
            bounds = f"({format_number(self.field.min)}–{format_number(self.field.max)})"
        return " ".join(part for part in (self.field.unit, bounds) if part)

    def get_value(self) -> Any:
        text = self.edit.text().strip().replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return text  # e.g. "-": the services name the problem
        return int(number) if number.is_integer() and "." not in text else number

    def _show(self, value: Any) -> None:
        self.edit.setText("" if value is None else format_number(value)
                          if isinstance(value, int | float) else str(value))


class TimeEditor(_LineEditor):
    PATTERN = r"\d{0,2}(:\d{0,2})?"
    PLACEHOLDER = "HH:MM"
    WIDTH = 90


def _single(owner: QWidget, child: QWidget) -> None:
    """Give an editor exactly one child filling it, with no extra margins."""
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(child)
    child.setAccessibleName(child.accessibleName() or owner.accessibleName())
