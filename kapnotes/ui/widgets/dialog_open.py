"""Opening a dialog window-modal, the one way views open their dialogs."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

Dialog = TypeVar("Dialog", bound=QDialog)


def open_window_modal(dialog: Dialog) -> Dialog:
    """Shows `dialog` window-modal without a nested event loop (so the caller returns at
    once) and deletes it when closed; returns it, typed as given, for tests and focus."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
