"""The red line under a dialog's fields that says why the last action was refused."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QWidget

from kapnotes.domain.errors import ValidationError
from kapnotes.ui.widgets.slot_style import ERROR_COLOURS, style_sheet_colour


def error_label(parent: QWidget) -> QLabel:
    """Hidden until `show_error` gives it text; word-wrapped, named for screen readers."""
    label = QLabel(parent)
    label.setWordWrap(True)
    # The app's error red, lighter on a dark palette.
    label.setStyleSheet(f"color: {style_sheet_colour(ERROR_COLOURS)}; font-weight: 600;")
    label.setAccessibleName("Error message")
    label.setVisible(False)
    return label


def show_error(label: QLabel, text: str) -> None:
    """Show `text`, or hide the line when it is empty."""
    label.setText(text)
    label.setVisible(bool(text))


def with_subject(exc: ValidationError, labels: Mapping[str, str] | None = None) -> str:
    """The refusal as one sentence that names what it is about: "Idle-lock minutes: must be
    1–30", never a bare "is required." (`labels` turns internal keys into the words shown)."""
    label = (labels or {}).get(exc.field) or exc.field.replace("_", " ").strip().capitalize()
    reason = exc.reason.strip()
    if not label or reason.casefold().startswith(label.casefold()):
        return reason
    return f"{label}: {reason}"
