"""The look of a note page: its style sheet, the reading column centred in a scroll area, the
thin rules between sections and an addendum as it shows under a signed note."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kapnotes.domain.dates import human_datetime
from kapnotes.domain.models import Addendum

MAX_TEXT_WIDTH = 900  # a comfortable reading measure, centred on wide screens

PAGE_STYLE = """
QLabel#pageTitle { font-size: 20pt; font-weight: 600; }
QLabel#signature { font-size: 11pt; }
QLabel#signature[signed="true"] { color: #2e7d32; font-weight: 600; }
QLabel#detailLabel { color: palette(placeholder-text); }
QLabel#addendumMeta { font-weight: 600; }
QLineEdit[readOnly="true"], QAbstractSpinBox[readOnly="true"] { background: palette(window); }
QLabel#lockLine { color: palette(placeholder-text); }
QLabel#lockLine[signed="true"] { color: #2e7d32; font-weight: 600; }
QFrame#rule { color: palette(mid); }
"""


def centred_scroll(column: QVBoxLayout, parent: QWidget) -> QScrollArea:
    """`column` at most MAX_TEXT_WIDTH wide, centred, in a frameless scroll area."""
    page = QWidget(parent)
    page.setMaximumWidth(MAX_TEXT_WIDTH)
    page.setLayout(column)
    centre = QWidget(parent)
    centring = QHBoxLayout(centre)
    centring.setContentsMargins(24, 16, 24, 40)
    centring.addStretch(1)
    centring.addStretch(1)
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    # The page goes in after: setWidget measures what the scroll area holds, which would
    # polish every widget of the note now and again once the page's style sheet is set.
    scroll.setWidget(centre)
    centring.insertWidget(1, page, 100)
    return scroll


def rule(parent: QWidget) -> QFrame:
    line = QFrame(parent)
    line.setObjectName("rule")
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Plain)
    return line


def addendum_view(addendum: Addendum, parent: QWidget) -> QFrame:
    frame = QFrame(parent)
    frame.setObjectName("addendum")
    # A rule down the left sets the addendum apart from the signed original above it.
    frame.setStyleSheet("QFrame#addendum { border: 0; border-left: 3px solid #9e9e9e; }")
    column = QVBoxLayout(frame)
    column.setContentsMargins(12, 4, 0, 4)
    meta = QLabel(f"Addendum · {human_datetime(addendum.created_at)} · {addendum.author}", frame)
    meta.setObjectName("addendumMeta")
    meta.setTextFormat(Qt.TextFormat.PlainText)
    body = QLabel(addendum.text, frame)
    body.setWordWrap(True)
    body.setTextFormat(Qt.TextFormat.PlainText)  # never interpret a note as HTML
    body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    body.setAccessibleName(f"Addendum by {addendum.author}")
    column.addWidget(meta)
    column.addWidget(body)
    return frame
