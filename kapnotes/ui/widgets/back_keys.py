"""The keyboard way back from a page to the one it was opened from (a note to its client):
Alt+Left as in every browser and file manager, Esc, and Ctrl+[ (Qt's StandardKey.Back on some
platforms, and the key vi users reach for)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QWidget

BACK_KEYS = ("Alt+Left", "Esc", "Ctrl+[")


def install_back_keys(page: QWidget, go_back: Callable[[], object],
                      button: QAbstractButton | None = None) -> list[QShortcut]:
    """Shortcuts on `page` (and its children) that call `go_back`; the button's tooltip
    names them so they can be found."""
    keys = [QKeySequence(k) for k in BACK_KEYS]
    back = QKeySequence(QKeySequence.StandardKey.Back)
    if not back.isEmpty() and back not in keys:
        keys.append(back)
    shortcuts = [QShortcut(k, page, go_back, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
                 for k in keys]
    if button is not None:
        button.setToolTip(f"Back ({', '.join(BACK_KEYS)})")
    return shortcuts
