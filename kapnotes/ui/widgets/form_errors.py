"""Showing a refused input beside a form: the message names the field and focus goes there."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from kapnotes.domain.errors import KapNotesError, ValidationError
from kapnotes.ui.widgets.slot_style import ERROR_COLOURS, style_sheet_colour


def error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {style_sheet_colour(ERROR_COLOURS)}; font-weight: 600;")
    label.setAccessibleName("Error message")
    label.setVisible(False)
    return label


_CHANGE_SIGNALS = ("textChanged", "valueChanged", "dateChanged", "currentIndexChanged",
                   "toggled")


class FieldErrors:
    """Maps the field names the core uses in ValidationError to the widgets that edit them."""

    def __init__(self, label: QLabel, fields: dict[str, QWidget] | None = None,
                 *, fallback: QWidget | None = None) -> None:
        self.label = label
        self.fields: dict[str, QWidget] = dict(fields or {})
        self.fallback = fallback
        self.field: str | None = None
        self._watched: set[int] = set()

    def show(self, error: KapNotesError) -> None:
        """Show the message; for a ValidationError move focus to the field it names."""
        self.label.setText(str(error))
        self.label.setVisible(True)
        self.field = error.field if isinstance(error, ValidationError) else None
        widget = self.fields.get(self.field or "", self.fallback)
        if widget is not None:
            _reveal(widget)
            widget.setFocus()
            self._clear_when_edited(widget)

    def _clear_when_edited(self, widget: QWidget) -> None:
        """A message about a field goes as soon as that field is changed: an error that
        outlives its cause sends the user looking for a problem that is gone."""
        if id(widget) in self._watched:
            return
        self._watched.add(id(widget))
        for name in _CHANGE_SIGNALS:
            signal = getattr(widget, name, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(lambda *_: self._edited(widget))
                return

    def _edited(self, widget: QWidget) -> None:
        if self._shown() and self.fields.get(self.field or "", self.fallback) is widget:
            self.clear()

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.label.setVisible(bool(text))

    def clear(self) -> None:
        self.field = None
        self.label.clear()
        self.label.setVisible(False)

    @property
    def text(self) -> str:
        return self.label.text() if self._shown() else ""

    def _shown(self) -> bool:
        # Shown within its form, whether or not the form's window is on screen yet.
        parent = self.label.parentWidget()
        return self.label.isVisibleTo(parent) if parent is not None else self.label.isVisible()


def _reveal(widget: QWidget) -> None:
    """Bring the tab holding `widget` forward, so the focused field is actually on screen."""
    child: QWidget | None = widget
    while child is not None:
        parent = child.parentWidget()
        if parent is not None and isinstance(parent.parentWidget(), QTabWidget):
            tabs = parent.parentWidget()
            assert isinstance(tabs, QTabWidget)
            index = tabs.indexOf(child)
            if index >= 0:
                tabs.setCurrentIndex(index)
        child = parent
