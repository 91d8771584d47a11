"""New session: the File-menu action (Ctrl+N) and the client page's button with a menu of kinds."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from kapnotes.domain.models import SessionKind


def make_new_session_action(parent: QObject) -> QAction:
    """File → New session… (Ctrl+N): disabled until a client page with a course is shown."""
    action = QAction("New &session…", parent)
    action.setShortcut(QKeySequence.StandardKey.New)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setEnabled(False)
    return action


def new_session_button(parent: QWidget,
                       chosen: Callable[[SessionKind], None]) -> tuple[QPushButton, QMenu]:
    """"New session" with a menu of session kinds; `chosen(kind)` when one is picked."""
    menu = QMenu(parent)
    for kind in SessionKind:
        action = menu.addAction(kind.label)
        action.triggered.connect(lambda _=False, k=kind: chosen(k))
    button = QPushButton("New session", parent)
    button.setAccessibleName("New session")
    button.setToolTip("New session in this course (Ctrl+N)")
    button.setMenu(menu)
    return button, menu
