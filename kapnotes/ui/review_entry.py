"""The supervisor's way in without a vault of their own: a link on the start-up dialogs
(unlock, create) that opens a review request file (docs/SUPERVISION.md). The review window
loads only when the link is used, so the start-up dialogs load nothing more for it."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

LINK_STYLE = "QPushButton { color: palette(link); text-decoration: underline; border: none; }"
TEXT = "Supervisor? Open a review request without a vault…"


def review_request_link(parent: QWidget, *, pointing: bool = True) -> QPushButton:
    """`pointing=False`: the caller gives it the hand cursor later (`point_at`), as the unlock
    dialog does once painted: the first touch of PySide's `Qt` namespace builds all its
    enums (~15-30 ms), which a dialog on screen need not wait for."""
    button = QPushButton(TEXT, parent)
    button.setObjectName("open_review_request_link")
    button.setFlat(True)
    button.setStyleSheet(LINK_STYLE)
    if pointing:
        point_at(button)
    button.setAccessibleName("Open a review request without a vault")
    button.clicked.connect(lambda: open_without_vault(parent))
    return button


def point_at(*buttons: QPushButton) -> None:
    """The hand cursor of a link."""
    from PySide6.QtCore import Qt  # see review_request_link

    for button in buttons:
        button.setCursor(Qt.CursorShape.PointingHandCursor)


def open_without_vault(parent: QWidget) -> QWidget | None:
    from kapnotes.ui.review_open import open_review_request

    return open_review_request(parent.window(), vault=None)
