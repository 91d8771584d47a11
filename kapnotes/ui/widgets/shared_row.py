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
from PySide6.QtWidgets import QHBoxLayout, QWidget


class SharedRow(QHBoxLayout):
    """`(widget, weight)` pairs laid out on `parent`, left to right."""

    def __init__(self, parent: QWidget, *widgets: tuple[QWidget, int]) -> None:
        super().__init__(parent)
        self.weights = [weight for _widget, weight in widgets]
        for widget, _weight in widgets:
            self.addWidget(widget)

    def setGeometry(self, rect: QRect) -> None:
        # Stretch factors in pixels: the layout then hands out exactly these widths (or,
        # short of room, shares it in their proportion). They follow from the row's width
        # alone, so setting them here settles in one pass.
        items = [self.itemAt(i) for i in range(self.count())]
        hints = [item.sizeHint().width() if item is not None else 0 for item in items]
        margins = self.contentsMargins()
        spare = (rect.width() - margins.left() - margins.right()
                 - self.spacing() * (len(items) - 1) - sum(hints))
        total = sum(self.weights) or 1
        for i, (hint, weight) in enumerate(zip(hints, self.weights, strict=True)):
            stretch = max(1, hint + (spare * weight // total if spare > 0 else 0))
            if self.stretch(i) != stretch:  # set only when changed: setStretch invalidates
                self.setStretch(i, stretch)
        super().setGeometry(rect)
