"""A row of widgets each given the width it asks for, the rest shared out by weight; a row
too narrow for them all stacks them, one below the other.

Fixed stretch factors (the client page's schedule and sessions list were split 3:2) give a
list less than its columns need at one window width and more than it can use at another: at
1280 px the sessions list was cut and scrolled while the schedule beside it had room to
spare. Here each widget first gets its size hint's width (what its columns need), and only
the width left over is shared by the weights.

Short of that room (the window's first sizes beside the client list: the schedule's Phase
and Details were cut to "P…" and "D…"), side by side would cut every widget alike, so they
are stacked instead, each as wide as the row, the height shared the same way: each its
minimum, the rest by weight. The choice is made where the widgets are placed, so a page
laid out at another width is not laid out twice.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QHBoxLayout, QLayout, QLayoutItem, QStyle, QWidget


def shared_lengths(length: int, hints: list[int], minimums: list[int],
                   weights: list[int]) -> list[int]:
    """Each hint, and what `length` leaves over shared by weight; short of room, the hints
    scaled down alike, none below its minimum."""
    spare = length - sum(hints)
    if spare >= 0:
        total = sum(weights) or 1
        lengths = [hint + spare * weight // total for hint, weight in zip(hints, weights,
                                                                           strict=True)]
        lengths[-1] += length - sum(lengths)  # what integer division left, to the last
        return lengths
    scale = length / (sum(hints) or 1)
    return [max(low, int(hint * scale)) for hint, low in zip(hints, minimums, strict=True)]


class SharedRow(QHBoxLayout):
    """`(widget, weight)` pairs laid out on `parent`, left to right, or top to bottom when
    the row is narrower than their size hints together."""

    def __init__(self, parent: QWidget, *widgets: tuple[QWidget, int]) -> None:
        super().__init__(parent)
        self.owner = parent
        # Qt's spacing() is -1 on styles that space each pair of controls apart (macOS):
        # the gaps here are worked out by hand, so the style's own spacing, never below 0.
        self.setSpacing(max(0, self.spacing()))
        # Whether the widgets stood one below the other at the last width placed (None: not
        # placed yet, and the stacked minimum, the taller, reported).
        self._stacked: bool | None = None
        self.weights = [weight for _widget, weight in widgets]
        for widget, _weight in widgets:
            self.addWidget(widget)

    def _items(self) -> list[QLayoutItem]:
        return [item for i in range(self.count()) if (item := self.itemAt(i)) is not None]

    def stacked(self, width: int) -> bool:
        """Whether a row of `width` (inside the margins) stacks its widgets."""
        items = self._items()
        return width < sum(i.sizeHint().width() for i in items) + self.spacing() * (
            len(items) - 1)

    def minimumSize(self) -> QSize:
        """The widest of the minimum widths (narrower than the hints, the widgets stack);
        stacked, the sum of the minimum heights, side by side the tallest (the page scrolls
        below that, not the row): the mode of the last width placed."""
        items = self._items()
        margins = self.contentsMargins()
        mins = [i.minimumSize() for i in items]
        heights = [m.height() for m in mins]
        height = (sum(heights) + self.spacing() * (len(items) - 1)
                  if self._stacked is not False else max(heights, default=0))
        return QSize(max((m.width() for m in mins), default=0) + margins.left()
                     + margins.right(), height + margins.top() + margins.bottom())

    def setGeometry(self, rect: QRect) -> None:
        # Placed here rather than through stretch factors or a box's direction: setting
        # those invalidates the layout, and the page would be laid out twice at every client
        # opened.
        QLayout.setGeometry(self, rect)
        items = self._items()
        inner = self.contentsRect()
        gaps = self.spacing() * (len(items) - 1)
        stacked = self.stacked(inner.width())
        if stacked != self._stacked:
            was, self._stacked = self._stacked, stacked
            if was is not None or not stacked:
                # The minimum height changed with the mode: the page lays out again (not at
                # a first placing that stacks, the minimum already reported).
                self.owner.updateGeometry()
        if stacked:
            heights = shared_lengths(inner.height() - gaps,
                                     [i.minimumSize().height() for i in items],
                                     [i.minimumSize().height() for i in items], self.weights)
            y = inner.y()
            for item, height in zip(items, heights, strict=True):
                item.setGeometry(QRect(inner.x(), y, inner.width(), height))
                y += height + self.spacing()
            return
        widths = shared_lengths(inner.width() - gaps, [i.sizeHint().width() for i in items],
                                [i.minimumSize().width() for i in items], self.weights)
        direction = self.owner.layoutDirection()  # right to left: mirrored, as Qt's own
        x = inner.x()
        for item, width in zip(items, widths, strict=True):
            placed = QRect(x, inner.y(), width, inner.height())
            item.setGeometry(QStyle.visualRect(direction, inner, placed))
            x += width + self.spacing()
