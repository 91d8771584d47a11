"""The red line under a dialog's fields that says why the last action was refused."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

ERROR_STYLE = "color: #c62828; font-weight: 600;"


def error_label(parent: QWidget) -> QLabel:
    """Hidden until `show_error` gives it text; word-wrapped, named for screen readers."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setAccessibleName("Error message")
    label.setVisible(False)
    return label


def show_error(label: QLabel, text: str) -> None:
    """Show `text`, or hide the line when it is empty."""
    label.setText(text)
    label.setVisible(bool(text))
