"""File → Practice → Leave practice server…: the confirmation, naming what would be dropped.
The vault keeps every record as a solo vault (docs/PRACTICE-SERVER.md, "Leaving the server")."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

LEAVE_TEXT = "Leave"


def leave_question(parent: QWidget, pending: int) -> QMessageBox:
    """A window-modal question (opened by the caller); Leave is never the default button."""
    box = QMessageBox(QMessageBox.Icon.Question, "Leave practice server",
                      "Leave the practice server?", QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("practice_leave_question")
    unsent = ("" if not pending else
              f"{pending} change{'s' if pending != 1 else ''} made here "
              f"{'have' if pending != 1 else 'has'} not been sent and will not be sent. ")
    box.setInformativeText(
        unsent + "Every record stays in this vault, which works on as a solo vault; the "
        "login and its secret are forgotten. To sync again, join with a new enrolment code.")
    leave = box.addButton(LEAVE_TEXT if not pending else f"Leave, not sending {pending}",
                          QMessageBox.ButtonRole.DestructiveRole)
    leave.setObjectName("practice_leave_confirm")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box
