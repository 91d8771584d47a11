"""A table's plain cells written as one text object, at absolute positions.

reportlab draws each cell of a Table in its own graphics state: `q`, a `cm` moving the origin
to the cell, another `q`, the colour, a `BT … ET` of its lines, two `Q`s. For the ~7,000
cells of a long course summary that was a third of a render, and the PDF reader (and a
viewer) has to undo it all again. The page looks the same and reads the same if a run of
consecutive plain cells is one `BT … ET` in one saved state: each cell's first line placed
by `Tm` where reportlab's `cm` + `Tm` put it, its further lines by `T*` (as before), the fill
colour written only when it changes. A cell reportlab draws itself (markup) ends the run, so
the cells are still written in reportlab's order (row by row, left to right) and a reader
extracts the same text in the same order.

The run is wrapped in `q … Q`, so whatever colour or word spacing it sets is gone after it
and the canvas's own idea of its state stays true. A fill alpha other than the canvas's (as
reportlab's `setFillColor` sets it for a cell) is set on the canvas between runs.
tests/export/test_plain_table.py compares the text of every page with reportlab's Table and
the pages as images.
"""

from __future__ import annotations

from typing import Any

from kapnotes.export.cell_draw import text_lines


class TextRun:
    """Consecutive plain cells of one table drawing, flushed as one text object."""

    __slots__ = ("_alpha", "_canvas", "_colour", "_doc", "_parts", "_transparency")

    def __init__(self, canvas: Any) -> None:
        self._canvas = canvas
        self._doc = canvas._doc
        self._parts: list[str] = []
        self._colour = ""
        self._transparency = False
        self._alpha = canvas._extgstate._d.get("ca", 1)

    def add(self, cell: Any, x: str, y: str) -> None:
        """A plain cell (`cell.bl` its lines, `cell.colour` and `cell.alpha` their fill) whose
        first line's baseline starts at (`x`, `y`), both as `fp_str` writes them; its lines'
        operators are made once per document."""
        if cell.body_doc is not self._doc:
            self._body(cell)
        alpha = cell.alpha
        if alpha != self._alpha and alpha is not None:
            self.flush()
            self._canvas.setFillAlpha(alpha)
            self._alpha = alpha
        parts = self._parts
        if cell.colour != self._colour:
            parts.append(cell.colour)
            self._colour = cell.colour
        parts.append(f"1 0 0 1 {x} {y} Tm {cell.body}")

    def _body(self, cell: Any) -> None:
        bl = cell.bl
        if bl.textColor.alpha is not None and not self._transparency:
            self._doc.ensureMinPdfVersion("transparency")  # as setFillColor asks
            self._transparency = True
        cell.body = text_lines(bl, cell.leading, self._canvas)
        cell.body_doc = self._doc

    def flush(self) -> None:
        """Write the run (if any) to the page, and start a new one."""
        if self._parts:
            self._canvas._code.append("q\nBT\n" + "\n".join(self._parts) + "\nET\nQ")
            self._parts = []
            self._colour = ""
