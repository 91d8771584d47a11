"""Summary tables whose plain cells are measured and drawn without a Paragraph per cell.

A 60-session course summary is ~380 tables and ~7,300 cells. reportlab's Table asks every
cell flowable for its size to find the row heights (again for each split), then again to
draw it, and each cell is a Paragraph object made first: after the cells themselves were made
cheap (cells.py, cell_draw.py) that machinery was most of a render. `PlainTable` is reportlab's
Table with the same data model (rows, cell styles, line and background commands, header
rows), so its splitting between rows, its lines and its backgrounds stay reportlab's own
code; what changes is the cells:

- a plain cell is kept as its text. Its size comes from `CellBook` (cell_book.py), which
  breaks each distinct (text, style, width) into lines once per render, with reportlab's own
  line breaking; a row's measured cells are kept with the row (`PlainRow`), so its pieces
  after a split and its drawing look none of them up again;
- a row's height is the tallest of its cells, worked out as reportlab works it out (padding,
  space before and after, the same additions in the same order), and the rows' positions with
  the same compensated sum, so the layout (rows, splits, pages) is the same;
- the plain cells are drawn as runs in one text object each, at absolute positions
  (table_text.py), not in a saved graphics state per cell; a cell's lines are made once per
  document and reused for an equal cell (labels, "Yes", dates), as its font subsets are
  settled once its characters have been placed.

Anything else keeps reportlab's path: a cell with runs of spaces or a blank line (markup), or
empty, is a Paragraph in the same table, measured and drawn by reportlab; a table with spans
has no PlainTable; and a row too tall for what is left of the page (split inside the row) is
handed to a reportlab Table built from the same state. tests/export/test_plain_table.py
checks for each of these cases that every page reads (pypdf) and looks (poppler) the same as
with reportlab's Table; the bytes differ since the cells became one text object.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from reportlab import rl_config
from reportlab.platypus import Table as RLTable
from reportlab.platypus.tables import CellStyle, _calc_pc

from kapnotes.export.cell_book import _MEASURE_HEIGHT, CellBook, _Measured
from kapnotes.export.cell_draw import plain_canvas
from kapnotes.export.cells import cell_paragraph
from kapnotes.export.table_fills import draw_backgrounds
from kapnotes.export.table_rules import draw_rules
from kapnotes.export.table_text import TextRun


# A row of plain cells as measured: each cell's measurement, the row's height, and the cell
# styles and column widths it was measured with (kept on the row, so the pieces a table is
# split into by rows neither measure nor look its cells up again, nor does the drawing).
class RowPlan(NamedTuple):
    cells: list[_Measured]
    height: float
    styles: list[CellStyle]
    widths: list[float]


class PlainRow(list[object]):
    """A PlainTable row: its values, and its plan once measured (made by `plain_row`).
    reportlab's split inside a row copies rows as plain lists, so a row changed there has
    no plan."""

    __slots__ = ("plan",)
    plan: RowPlan | None


def row_plan(row: object, styles: list[CellStyle], widths: list[float]) -> RowPlan | None:
    """The row's plan when it was measured with these cell styles and column widths."""
    plan = row.plan if type(row) is PlainRow else None
    if plan is None or plan.styles is not styles or plan.widths != widths:
        return None
    return plan


def plain_row(values: Iterable[str]) -> PlainRow:
    """A row of cell texts for a PlainTable, not measured yet."""
    row = PlainRow(values)
    row.plan = None
    return row


class PlainTable(RLTable):
    """reportlab's Table whose plain (str) cells are measured and drawn through a CellBook;
    every cell style carries the cell's paragraph style as `kap_style`."""

    _book: CellBook | None = None

    def _fast(self) -> bool:
        return (self._book is not None and not self._spanCmds and not self._minRowHeights
                and not getattr(self, "_renderCB", None) and bool(self.splitByRow)
                and bool(rl_config.allowTableBoundsErrors & 1))

    # --- measuring ------------------------------------------------------------------------

    def _calc_height(self, availHeight: float, availWidth: float, H: Any = None,
                     W: Any = None) -> None:
        if not self._fast():
            super()._calc_height(availHeight, availWidth, H=H, W=W)
            return
        H = self._argH
        if not W:
            W = _calc_pc(self._argW, availWidth)
        if None in H:
            H = H[:]
            self._rowHeights = H
            canv = getattr(self, "canv", None)
            for i, h in enumerate(H):
                if h is None:
                    H[i] = self._row_height(i, W, canv)
        # The row positions bottom up, with reportlab's compensated sum (Table._calc_height).
        j: list[float] = []
        self._rowpositions = j
        height = c = 0
        for i in range(len(H) - 1, -1, -1):
            j.append(height)
            y = H[i] - c
            t = height + y
            c = (t - height) - y
            height = t
        j.append(height)
        self._height = height
        j.reverse()
        self._hmax = len(H)

    def _row_height(self, i: int, W: list[float], canv: Any) -> float:
        V = self._cellvalues[i]
        S = self._cellStyles[i]
        plan = row_plan(V, S, W)
        if plan is not None:
            return plan.height
        book = self._book
        assert book is not None
        measured = book._measured
        h = 0
        cells: list[_Measured] | None = []
        for j, (v, s, w) in enumerate(zip(V, S, W, strict=False)):
            if type(v) is str:
                inner = w - s.leftPadding - s.rightPadding
                cell = measured.get((v, s.kap_style, inner)) or book.measure(
                    v, s.kap_style, inner, s.topPadding + s.bottomPadding)
                t = cell.total
                if cells is not None:
                    cells.append(cell)
            else:  # reportlab's way for a Paragraph cell
                cells = None
                v = V[j] = self._cellListProcess(v, w, None)
                if canv:
                    saved = canv._fontname, canv._fontsize, canv._leading
                    canv._fontname, canv._fontsize, canv._leading = (
                        s.fontname, s.fontsize, s.leading or 1.2 * s.fontsize)
                _dw, t = self._listCellGeom(v, w, s)
                if canv:
                    canv._fontname, canv._fontsize, canv._leading = saved
            t += s.bottomPadding + s.topPadding
            if t > h:
                h = t
        if cells is not None and type(V) is PlainRow and len(cells) == len(W):
            V.plan = RowPlan(cells, h, S, W)  # W: this layout's widths, not changed after
        return h

    # --- splitting ------------------------------------------------------------------------

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        # Table.split for a table split by row first, then (splitInRow) inside a row.
        if not self._fast():
            return super().split(availWidth, availHeight)
        self._calc(availWidth, availHeight)
        pieces = self._splitRows(availHeight, doInRowSplit=0)
        if not pieces and self.splitInRow:
            # A row taller than the space left: reportlab splits its cells' Paragraphs, so
            # that row's plain cells become Paragraphs first (as reportlab's Table holds them).
            n = self._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans=1)
            if n < len(self._cellvalues):
                self._paragraph_row(n)
            pieces = self._splitRows(availHeight, doInRowSplit=1)
        for piece in pieces:
            piece._book = self._book
        return pieces

    def _paragraph_row(self, n: int) -> None:
        row = self._cellvalues[n]
        if type(row) is PlainRow:
            row.plan = None  # its cells become Paragraphs here
        for j, (v, s, w) in enumerate(zip(row, self._cellStyles[n], self._colWidths,
                                          strict=False)):
            if type(v) is str:
                para = cell_paragraph(v, s.kap_style)
                para.wrap(w - s.leftPadding - s.rightPadding,
                          _MEASURE_HEIGHT - s.topPadding - s.bottomPadding)
                row[j] = self._cellListProcess(para, w, None)

    # --- drawing --------------------------------------------------------------------------

    def draw(self) -> None:
        if not self._fast():
            super().draw()
            return
        c = self.canv
        c.saveState()
        self._curweight = self._curcolor = self._curcellstyle = None
        self._makeShadow()
        self._makeRoundedCornersClip()
        book = self._book
        assert book is not None
        numbers, number = book.numbers, book.number
        if not draw_backgrounds(self, number):
            self._drawBkgrnd()
        run = TextRun(c)
        widths = self._colWidths
        colpositions = self._colpositions[:-1]
        # What plain_canvas asks of the canvas: the same for the whole table but the fill
        # alpha, which a cell reportlab draws might change (read again after one).
        upright = bool(c.bottomup) and not c._enforceColorSpace
        alpha = c._extgstate._d.get("ca", 1)
        for row, rowstyle, rowpos, rowheight in zip(self._cellvalues, self._cellStyles,
                                                    self._rowpositions[1:], self._rowHeights,
                                                    strict=False):
            plan = row_plan(row, rowstyle, widths)
            if plan is None:
                for cellval, cellstyle, colpos, colwidth in zip(row, rowstyle, colpositions,
                                                                widths, strict=False):
                    if type(cellval) is str:
                        self._draw_plain_cell(run, cellval, cellstyle, colpos, colwidth,
                                              rowpos, rowheight)
                    else:
                        run.flush()
                        self._drawCell(cellval, cellstyle, (colpos, rowpos),
                                       (colwidth, rowheight))
                alpha = c._extgstate._d.get("ca", 1)
                continue
            top = rowpos + rowheight
            for cell, s, colpos, colwidth in zip(plan.cells, rowstyle, colpositions, widths,
                                                 strict=False):
                bl = cell.bl
                if bl is not None and upright and alpha == bl.textColor.alpha:
                    # The cell's first line where reportlab's `cm` and `Tm` put it.
                    x = colpos + s.leftPadding
                    y = top - s.topPadding - bl.fontSize
                    run.add(cell, numbers.get(x) or number(x), numbers.get(y) or number(y))
                    if s.href or s.destination:
                        self._cell_links(s, colpos, colwidth, rowpos, rowheight)
                else:
                    self._draw_plain_cell(run, cell.key[0], s, colpos, colwidth, rowpos,
                                          rowheight)
                    alpha = c._extgstate._d.get("ca", 1)
        run.flush()
        if not draw_rules(self, number):
            self._drawLines()
        c.restoreState()
        if self._roundingRectDef:
            self._restoreRoundingObscuredLines()

    def _cell_canvas_style(self, s: CellStyle) -> None:
        # What Table._drawCell sets on the canvas before a cell reportlab draws.
        canv = self.canv
        if self._curcellstyle is not s:
            cur = self._curcellstyle
            if cur is None or s.color != cur.color:
                canv.setFillColor(s.color)
            if (cur is None or s.leading != cur.leading or s.fontname != cur.fontname
                    or s.fontsize != cur.fontsize):
                canv.setFont(s.fontname, s.fontsize, s.leading)
            self._curcellstyle = s

    def _draw_plain_cell(self, run: TextRun, text: str, s: CellStyle, colpos: float,
                         colwidth: float, rowpos: float, rowheight: float) -> None:
        # Table._drawCell for a one-Paragraph cell, top-aligned and left-justified.
        canv = self.canv
        book = self._book
        assert book is not None
        cell = book.measure(text, s.kap_style, colwidth - s.leftPadding - s.rightPadding,
                            s.topPadding + s.bottomPadding)
        top = rowpos + rowheight - s.topPadding
        x = colpos + s.leftPadding
        if cell.bl is not None and plain_canvas(canv, cell.bl.textColor):
            run.add(cell, book.number(x), book.number(top - cell.bl.fontSize))
        else:
            run.flush()
            self._cell_canvas_style(s)
            y = top - cell.height
            if cell.bl is None:
                book.draw_paragraph(cell, canv, x, y)
            else:  # plain lines, but a canvas state they cannot be written in directly
                para = cell_paragraph(text, s.kap_style)
                para.wrapOn(canv, colwidth - s.leftPadding - s.rightPadding,
                            rowheight - s.topPadding - s.bottomPadding)
                para.drawOn(canv, x, y)
        if s.href or s.destination:
            self._cell_links(s, colpos, colwidth, rowpos, rowheight)

    def _cell_links(self, s: CellStyle, colpos: float, colwidth: float, rowpos: float,
                    rowheight: float) -> None:
        # Table._drawCell's links over the cell.
        canv = self.canv
        if s.href:
            canv.linkURL(s.href, (colpos, rowpos, colpos + colwidth, rowpos + rowheight),
                         relative=1)
        if s.destination:
            canv.linkRect("", s.destination,
                          Rect=(colpos, rowpos, colpos + colwidth, rowpos + rowheight),
                          relative=1)
