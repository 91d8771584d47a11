"""Arrow keys choose, not just move: in a group of radio buttons an arrow key checks the next
button, as every platform's native radio group does. Qt only moves the focus when nothing in
the group is checked yet, so a therapist arrowing to "Yes" saved no answer at all."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QButtonGroup

_NEXT = {Qt.Key.Key_Right, Qt.Key.Key_Down}
_PREVIOUS = {Qt.Key.Key_Left, Qt.Key.Key_Up}


class _ArrowsChoose(QObject):
    def __init__(self, group: QButtonGroup) -> None:
        super().__init__(group)
        self.group = group

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False  # Ctrl/Alt/Shift + arrow stay with the window's shortcuts
        key = event.key()
        if key not in _NEXT and key not in _PREVIOUS:
            return False
        buttons = [b for b in self.group.buttons() if b.isEnabled() and b.isVisible()]
        if watched not in buttons or len(buttons) < 2:
            return False
        step = 1 if key in _NEXT else -1
        target: QAbstractButton = buttons[(buttons.index(watched) + step) % len(buttons)]
        target.setFocus(Qt.FocusReason.TabFocusReason)
        if not target.isChecked():
            target.click()  # checks it and emits clicked/toggled like a mouse click
        return True


def arrows_choose(group: QButtonGroup) -> QButtonGroup:
    """Make arrow keys on any button of `group` check the next or previous button."""
    chooser = _ArrowsChoose(group)
    for button in group.buttons():
        button.installEventFilter(chooser)
    return group
