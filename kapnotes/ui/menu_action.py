"""One way to make a menu action: named for tests and scripts, a status tip screen readers
read (the text without its mnemonic and ellipsis), an optional shortcut and slot."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


def menu_action(parent: QObject, menu: QMenu | None, text: str, name: str,
                shortcut: Shortcut = None, slot: Callable[[], object] | None = None,
                before: QAction | None = None) -> QAction:
    """A new action in `menu` (at its end, or before `before`); no menu: the action alone."""
    action = QAction(text, parent)
    action.setObjectName(name)
    if shortcut is not None and shortcut != "":
        action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(text.replace("…", "").replace("&", ""))
    if slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    if menu is not None:
        if before is not None:
            menu.insertAction(before, action)
        else:
            menu.addAction(action)
    return action
