"""Column widths set on a view without a second paint.

A table or tree view answers each `sectionResized` of its header with a zero timer that, on
the next turn of the event loop, lays its scroll bars out again and repaints the resized
columns. On a page filled just before it is first painted (a client opened) those timers
fire after the first paint, and their repaint and layout requests paint the page a second
time (~4.5 ms of each client open, docs/BENCHMARKS.md). Here the view is told at once: the
widths are the same, and the repaint joins the paint already due.

Stretched sections are resized by the header itself, whenever the view's width or another
column's changes: as the page is laid out at the window's width, and when the fitted columns
are set here. `sections_settled_now` keeps those resizes from the view's timer as well.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from PySide6.QtWidgets import QAbstractItemView, QHeaderView


@contextmanager
def sections_settled_now(view: QAbstractItemView, header: QHeaderView) -> Iterator[None]:
    """Sections resized inside the block (by the caller, or by the header fitting its
    stretched sections to a new width) repaint `view` with its next paint, not a turn later."""
    before = [header.sectionSize(col) for col in range(header.count())]
    blocked = header.blockSignals(True)  # sectionResized: the view's zero timer
    try:
        yield
    finally:
        header.blockSignals(blocked)
    if [header.sectionSize(col) for col in range(header.count())] != before:
        view.viewport().update()  # what the timer would repaint


def set_column_widths(view: QAbstractItemView, header: QHeaderView,
                      widths: Mapping[int, int]) -> None:
    """Resize `header`'s sections (column → width) and update `view` now, not a turn later."""
    with sections_settled_now(view, header):
        changed = False
        for column, width in widths.items():
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)
                changed = True
        if changed:
            # What the timer would do: scroll ranges, header geometry (the header fits its
            # stretched sections to what is left here, inside the block).
            view.updateGeometries()
