"""The client page's supervision line ("Supervision: 2 awaiting review · 1 changes
requested") and the client list's compact marker, from
`ReviewService.client_counts` (kapnotes/services/reviews.py; docs/SUPERVISION.md)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from kapnotes.domain.review_model import ReviewStatus
from kapnotes.ui.widgets.slot_style import MUTED_COLOURS, WARNING_COLOURS, style_sheet_colour

# Pending first: what still needs the therapist or the supervisor.
ORDER = (ReviewStatus.CHANGES_REQUESTED, ReviewStatus.AWAITING, ReviewStatus.COSIGNED,
         ReviewStatus.APPROVED)
PENDING_MARK = "•"  # after the client's code in the list when a note is pending


def review_summary_text(counts: Mapping[ReviewStatus, int]) -> str:
    """"Supervision: 1 changes requested · 2 awaiting review", or "" when nothing was sent."""
    parts = [f"{counts[s]} {s.value}" for s in ORDER if counts.get(s)]
    return f"Supervision: {' · '.join(parts)}" if parts else ""


def has_pending(counts: Mapping[ReviewStatus, int]) -> bool:
    return any(n for s, n in counts.items() if s.pending)


class ReviewSummaryLine(QLabel):
    """Hidden until one of the client's notes was sent for review; warning-coloured while a
    note awaits review or has changes requested."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName("Supervision review summary")
        self.setToolTip("Open Reviews (the Reviews view) for the notes behind these counts")
        self.setVisible(False)

    def show_counts(self, counts: Mapping[ReviewStatus, int]) -> None:
        text = review_summary_text(counts)
        self.setText(text)
        colours = WARNING_COLOURS if has_pending(counts) else MUTED_COLOURS
        sheet = f"color: {style_sheet_colour(colours)};"
        if sheet != self.styleSheet():  # setting one re-polishes the line (each client open)
            self.setStyleSheet(sheet)
        self.setVisible(bool(text))
