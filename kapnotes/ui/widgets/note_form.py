"""One form for every note template: editors are built from the field definitions.

Like napari's preferences dialog, the form knows no template: `EDITORS` maps each FieldType
to an editor class, and a new field or template is new data, not new widget code.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from kapnotes.domain.template_fields import FieldType, Template, TemplateField
from kapnotes.ui.widgets.date_editor import DateEditor
from kapnotes.ui.widgets.field_editors import (
    ChoicesEditor,
    FieldEditor,
    LongTextEditor,
    NumberEditor,
    ScaleEditor,
    ShortTextEditor,
    SingleChoiceEditor,
    TimeEditor,
)
from kapnotes.ui.widgets.list_editors import (
    IntentionRows,
    IntentionsReviewEditor,
    KnownThemes,
    RepeatingListEditor,
    ThemesEditor,
)

EDITORS: dict[FieldType, type[FieldEditor]] = {
    FieldType.SHORT_TEXT: ShortTextEditor,
    FieldType.LONG_TEXT: LongTextEditor,
    FieldType.SINGLE_CHOICE: SingleChoiceEditor,
    FieldType.MULTI_CHOICE: ChoicesEditor,
    FieldType.CHECKLIST: ChoicesEditor,
    FieldType.SCALE_0_10: ScaleEditor,
    FieldType.NUMBER: NumberEditor,
    FieldType.TIME: TimeEditor,
    FieldType.DATE: DateEditor,
    FieldType.REPEATING_LIST: RepeatingListEditor,
    FieldType.INTENTIONS_REVIEW: IntentionsReviewEditor,
    FieldType.THEMES: ThemesEditor,
}

PRIVATE_NOTICE = "Private — process note, not exported"

# Palette-neutral where possible so the system light/dark scheme still reads well. Scoped to
# the form, so a host page can carry these rules in its own style sheet (SessionEditor does).
FORM_STYLE = """
#noteForm QLabel#sectionHeading { font-size: 15pt; font-weight: 600; margin: 0;
    padding: 16px 0 0 0; }
#noteForm QLabel#fieldLabel { font-weight: 600; }
#noteForm QLabel#fieldHelp { color: palette(placeholder-text); }
#noteForm QLabel#fieldError { color: #c62828; font-weight: 600; }
#noteForm QLabel#privateBadge { color: #6a4c93; font-weight: 600; }
#noteForm QLineEdit[readOnly="true"], #noteForm QPlainTextEdit[readOnly="true"] {
    background: palette(window); }
#noteForm QFrame#fieldBlock[private="true"] { background: rgba(106, 76, 147, 0.08);
    border: 1px solid rgba(106, 76, 147, 0.35); border-radius: 6px; }
"""


class _SetValue(QUndoCommand):
    """A form-level undo step for editors without their own history (choices, scales)."""

    def __init__(self, form: NoteForm, field_id: str, old: Any, new: Any) -> None:
        super().__init__(f"Change {field_id}")
        self.form, self.field_id, self.old, self.new = form, field_id, old, new
        self._first = True

    def redo(self) -> None:
        if self._first:  # the edit has happened already; pushing must not replay it
            self._first = False
            return
        self.form._apply_from_undo(self.field_id, self.new)

    def undo(self) -> None:
        self.form._apply_from_undo(self.field_id, self.old)


class NoteForm(QWidget):
    """Editors for every field of `template`, in template order, with labels, help and errors."""

    changed = Signal(str)  # field id, on every user edit
    focus_left = Signal(str)  # field id, when keyboard focus leaves one of its controls

    def __init__(
        self,
        template: Template,
        values: Mapping[str, Any] | None = None,
        *,
        read_only: bool = False,
        intention_rows: IntentionRows | None = None,
        known_themes: KnownThemes | None = None,
        host_styled: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """`host_styled`: an ancestor's style sheet holds FORM_STYLE (one sheet over the whole
        page is polished once; a sheet of the form's own would restyle it again whenever the
        page around it is styled or moved) and re-polishes after `set_read_only`."""
        super().__init__(parent)
        self.template = template
        self.setObjectName("noteForm")
        self._own_style = not host_styled
        self._built = False
        self.editors: dict[str, FieldEditor] = {}
        self.blocks: dict[str, QFrame] = {}
        self._errors: dict[str, QLabel] = {}
        self._last: dict[str, Any] = {}
        self._target_counts: dict[str, int] = {}
        self._read_only = False
        self.undo_stack = QUndoStack(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(18)
        for field in template.fields:
            if field.type is FieldType.HEADING:
                layout.addWidget(self._heading(field))
            else:
                layout.addWidget(self._block(field, intention_rows, known_themes))
        layout.addStretch(1)
        self.set_values(values or {})
        self._chain_tab_order()
        for keys, slot in ((QKeySequence.StandardKey.Undo, self.undo_stack.undo),
                           (QKeySequence.StandardKey.Redo, self.undo_stack.redo),
                           (QKeySequence("Ctrl+Shift+Z"), self.undo_stack.redo)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.set_read_only(read_only)
        self._built = True
        if self._own_style:
            self.setStyleSheet(FORM_STYLE)  # once, over the finished form: each set restyles all

    # -- building --------------------------------------------------------------------------
    def _heading(self, field: TemplateField) -> QLabel:
        label = QLabel(field.label, self)
        label.setObjectName("sectionHeading")
        label.setIndent(0)  # a styled label otherwise indents by half an "x"
        label.setAccessibleName(f"Section: {field.label}")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        if field.help:
            label.setToolTip(field.help)
        return label

    def _block(self, field: TemplateField, intention_rows: IntentionRows | None,
               known_themes: KnownThemes | None) -> QFrame:
        block = QFrame(self)
        block.setObjectName("fieldBlock")
        block.setProperty("private", field.private)
        column = QVBoxLayout(block)
        margin = 12 if field.private else 0
        column.setContentsMargins(margin, margin, margin, margin)
        column.setSpacing(4)
        title = QLabel(field.label + (" *" if field.required else ""), block)
        title.setObjectName("fieldLabel")
        title.setWordWrap(True)
        title.setTextFormat(Qt.TextFormat.PlainText)  # practice templates are not HTML
        column.addWidget(title)
        if field.private:
            badge = QLabel(PRIVATE_NOTICE, block)
            badge.setObjectName("privateBadge")
            column.addWidget(badge)
        if field.help:
            caption = QLabel(field.help, block)
            caption.setObjectName("fieldHelp")
            caption.setWordWrap(True)
            caption.setTextFormat(Qt.TextFormat.PlainText)
            column.addWidget(caption)
        editor = self._make_editor(field, block, intention_rows, known_themes)
        column.addSpacing(2)
        column.addWidget(editor)
        error = QLabel(block)
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.setAccessibleName(f"{field.label}: problem")
        error.hide()
        column.addWidget(error)
        targets = editor.focus_targets()
        if targets:
            title.setBuddy(targets[0])
        description = _describe(field)
        for widget in (editor, *targets):
            widget.setAccessibleDescription(description)
            if field.help:
                widget.setToolTip(field.help)
        editor.changed.connect(self._on_changed)
        editor.focus_left.connect(self.focus_left)
        self.editors[field.id] = editor
        self.blocks[field.id] = block
        self._errors[field.id] = error
        return block

    @staticmethod
    def _make_editor(field: TemplateField, parent: QWidget, intention_rows: IntentionRows | None,
                     known_themes: KnownThemes | None) -> FieldEditor:
        cls = EDITORS[field.type]
        # Only the course-bound editors take providers; the rest share one constructor shape.
        if cls is IntentionsReviewEditor:
            return IntentionsReviewEditor(field, parent, intention_rows=intention_rows)
        if cls is ThemesEditor:
            return ThemesEditor(field, parent, known_themes=known_themes)
        return cls(field, parent)

    def _chain_tab_order(self) -> None:
        """Tab follows the template's order, whatever order the widgets were created in."""
        self._target_counts = {i: len(e.focus_targets()) for i, e in self.editors.items()}
        chain = [w for editor in self.editors.values() for w in editor.focus_targets()]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- values ----------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """Every field's current value as entered (validation happens on save)."""
        return {field_id: editor.get_value() for field_id, editor in self.editors.items()}

    def value(self, field_id: str) -> Any:
        return self.editors[field_id].get_value()

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show stored values; fields not given are emptied. Not an edit: no `changed`."""
        for field_id, editor in self.editors.items():
            editor.set_value(values.get(field_id))
            self._last[field_id] = editor.get_value()
        self.undo_stack.clear()
        self._chain_tab_order()

    def set_value(self, field_id: str, value: Any) -> None:
        self.editors[field_id].set_value(value)
        self._last[field_id] = self.editors[field_id].get_value()

    def editor(self, field_id: str) -> FieldEditor:
        return self.editors[field_id]

    def first_focus_target(self) -> QWidget | None:
        for editor in self.editors.values():
            targets = editor.focus_targets()
            if targets:
                return targets[0]
        return None

    # -- state -----------------------------------------------------------------------------
    def set_read_only(self, read_only: bool) -> None:
        """Signed notes: everything readable, nothing editable."""
        self._read_only = read_only
        for editor in self.editors.values():
            editor.set_read_only(read_only)
        if read_only:
            self.undo_stack.clear()
        if self._built and self._own_style:
            self.setStyleSheet(FORM_STYLE)  # re-polish: the look depends on readOnly
        self._chain_tab_order()

    def is_read_only(self) -> bool:
        return self._read_only

    def set_field_error(self, field_id: str, message: str) -> None:
        """Show (or with "" clear) a problem under a field, e.g. a number out of range."""
        label = self._errors.get(field_id)
        if label is None:
            return
        label.setText(message)
        label.setVisible(bool(message))

    def field_error(self, field_id: str) -> str:
        label = self._errors.get(field_id)
        return label.text() if label is not None and label.isVisible() else ""

    def reload_intentions(self) -> None:
        """Re-ask the intentions provider (the course's intentions changed)."""
        for editor in self.editors.values():
            if isinstance(editor, IntentionsReviewEditor):
                editor.reload()
        self._chain_tab_order()

    # -- edits and undo --------------------------------------------------------------------
    def _on_changed(self, field_id: str) -> None:
        editor = self.editors[field_id]
        new = editor.get_value()
        if not editor.is_text_editor():
            self.undo_stack.push(_SetValue(self, field_id, self._last.get(field_id), new))
        self._last[field_id] = new
        if len(editor.focus_targets()) != self._target_counts.get(field_id):
            self._chain_tab_order()  # a row was added or removed: keep Tab in page order
        self.changed.emit(field_id)

    def _apply_from_undo(self, field_id: str, value: Any) -> None:
        if self._read_only:
            return
        editor = self.editors[field_id]
        editor.set_value(value)
        self._last[field_id] = editor.get_value()
        self.changed.emit(field_id)  # an undo is an edit too: it must be saved


def _describe(field: TemplateField) -> str:
    parts = []
    if field.required:
        parts.append("Required before signing.")
    if field.private:
        parts.append(PRIVATE_NOTICE + ".")
    if field.help:
        parts.append(field.help)
    return " ".join(parts)
