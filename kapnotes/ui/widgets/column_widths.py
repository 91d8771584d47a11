"""Column widths set on a view without a second paint.

A table or tree view answers each `sectionResized` of its header with a zero timer that, on
the next turn of the event loop, lays its scroll bars out again and repaints the resized
columns. On a page filled just before it is first painted (a client opened) those timers
fire after the first paint, and their repaint and layout requests paint the page a second
time (~4.5 ms of each client open, docs/BENCHMARKS.md). Here the view is told at once: the
widths are the same, and the repaint joins the paint already due.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QAbstractItemView, QHeaderView


def set_column_widths(view: QAbstractItemView, header: QHeaderView,
                      widths: Mapping[int, int]) -> None:
    """Resize `header`'s sections (column → width) and update `view` now, not a turn later."""
    changed = False
    blocked = header.blockSignals(True)  # sectionResized: the view's zero timer
    try:
        for column, width in widths.items():
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)
                changed = True
    finally:
        header.blockSignals(blocked)
    if changed:
        view.updateGeometries()  # what the timer would do: scroll ranges, header geometry
        view.viewport().update()
