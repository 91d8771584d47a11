"""A row of widgets each given the width it asks for, the rest shared out by weight.

Fixed stretch factors (the client page's schedule and sessions list were split 3:2) give a
list less than its columns need at one window width and more than it can use at another: at
1280 px the sessions list was cut and scrolled while the schedule beside it had room to
spare. Here each widget first gets its size hint's width (what its columns need), and only
the width left over is shared by the weights; a row narrower than the hints together
shrinks the widgets in proportion to their hints (never below their minimums, so the page
itself does not start to scroll).
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QHBoxLayout, QLayout, QStyle, QWidget


def shared_widths(width: int, hints: list[int], minimums: list[int],
                  weights: list[int]) -> list[int]:
    """Each hint, and what `width` leaves over shared by weight; short of room, the hints
    scaled down alike, none below its minimum."""
    spare = width - sum(hints)
    if spare >= 0:
        total = sum(weights) or 1
        widths = [hint + spare * weight // total for hint, weight in zip(hints, weights,
                                                                          strict=True)]
        widths[-1] += width - sum(widths)  # what integer division left, to the last
        return widths
    scale = width / (sum(hints) or 1)
    return [max(low, int(hint * scale)) for hint, low in zip(hints, minimums, strict=True)]


class SharedRow(QHBoxLayout):
    """`(widget, weight)` pairs laid out on `parent`, left to right."""

    def __init__(self, parent: QWidget, *widgets: tuple[QWidget, int]) -> None:
        super().__init__(parent)
        self.owner = parent
        self.weights = [weight for _widget, weight in widgets]
        for widget, _weight in widgets:
            self.addWidget(widget)

    def setGeometry(self, rect: QRect) -> None:
        # Placed here rather than through stretch factors: setting those invalidates the
        # layout, and the page would be laid out twice at every client opened.
        QLayout.setGeometry(self, rect)
        items = [item for i in range(self.count()) if (item := self.itemAt(i)) is not None]
        inner = self.contentsRect()
        gaps = self.spacing() * (len(items) - 1)
        widths = shared_widths(inner.width() - gaps, [i.sizeHint().width() for i in items],
                               [i.minimumSize().width() for i in items], self.weights)
        direction = self.owner.layoutDirection()  # right to left: mirrored, as Qt's own
        x = inner.x()
        for item, width in zip(items, widths, strict=True):
            placed = QRect(x, inner.y(), width, inner.height())
            item.setGeometry(QStyle.visualRect(direction, inner, placed))
            x += width + self.spacing()
