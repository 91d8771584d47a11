"""Questions and messages the start-up and restore flows put to the user.

A small seam: the app passes `MessageBoxPrompter`, tests pass a recorder, so the flows can be
tested without a modal message box blocking the test run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

# QMessageBox loads when a message is shown: building its Python class (and its enums) is
# time the unlock dialog need not take before it is on screen.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox, QWidget


class Prompter(Protocol):
    def error(self, title: str, text: str) -> None: ...
    def warn(self, title: str, text: str) -> None: ...
    def info(self, title: str, text: str) -> None: ...
    def confirm(self, title: str, text: str, *, yes: str, no: str,
                destructive: bool = False) -> bool: ...


class MessageBoxPrompter:
    """The real thing: modal QMessageBoxes over `parent`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def error(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(self.parent, title, text)

    def warn(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self.parent, title, text)

    def info(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(self.parent, title, text)

    def confirm(self, title: str, text: str, *, yes: str, no: str,
                destructive: bool = False) -> bool:
        box, yes_button = question_box(self.parent, title, text, yes=yes, no=no,
                                       destructive=destructive)
        box.exec()
        return box.clickedButton() is yes_button


def question_box(parent: QWidget | None, title: str, text: str, *, yes: str, no: str,
                 destructive: bool = False) -> tuple[QMessageBox, object]:
    """A yes/no question. Enter never picks a destructive answer (replacing the vault by a
    backup): then "no" is the default and the user must choose "yes" on purpose."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button if destructive else yes_button)
    box.setEscapeButton(no_button)
    return box, yes_button
