"""The supervisor's way in without a vault of their own: a link on the start-up dialogs
(unlock, create) that opens a review request file (docs/SUPERVISION.md). The review window
loads only when the link is used, so the start-up dialogs load nothing more for it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

LINK_STYLE = "QPushButton { color: palette(link); text-decoration: underline; border: none; }"
TEXT = "Supervisor? Open a review request without a vault…"


def review_request_link(parent: QWidget) -> QPushButton:
    button = QPushButton(TEXT, parent)
    button.setObjectName("open_review_request_link")
    button.setFlat(True)
    button.setStyleSheet(LINK_STYLE)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setAccessibleName("Open a review request without a vault")
    button.clicked.connect(lambda: open_without_vault(parent))
    return button


def open_without_vault(parent: QWidget) -> QWidget | None:
    from kapnotes.ui.review_open import open_review_request

    return open_review_request(parent.window(), vault=None)
