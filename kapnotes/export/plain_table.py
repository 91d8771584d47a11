"""Summary tables laid out, split and drawn by us, the same on the page as reportlab's Table.

A 60-session course summary is ~380 tables, ~430 pieces once split over pages, ~7,300
cells. reportlab's Table (its `__init__` and `setStyle` per table and per piece, `_calc` at
every layout, `_splitRows`, `_drawBkgrnd`, `_drawLines`, `_drawCell`) is general: spans,
percent and auto widths, alignments, rounded corners. A summary table needs none of it: fixed
column widths, every cell top-left aligned, rules and fills in a few plain commands, header
rows repeated after a split. `PlainTable` is that table, doing what reportlab's does for it
in the same arithmetic, so the rows, the pages and every coordinate written are the same:

- **Measuring** once, when the table is made: each cell's lines come from the render's
  `CellBook` (cell_book.py, each distinct (text, style, width) broken once); a row's height is
  its tallest cell plus padding, the rows' positions reportlab's compensated sum.
- **Splitting between rows**: as many rows as fit (none before the repeated header rows are
  passed), the header rows repeated on top of the rest. The pieces' line and fill commands
  are worked out by reportlab's own `Table._splitLineCmds`, `_cr_0`, `_cr_1_1`, `_cr_1_0`
  (and `_stretchCommands` below), called on this table: they read only its command lists and
  its row and column counts, so each piece strokes and fills exactly what reportlab's did.
- **Splitting inside a row** too tall for what is left of the page (`_split_row`): reportlab's
  `_splitRows(doInRowSplit=1)` for top-aligned cells. A cell of plain lines is split after as
  many lines as fit (reportlab's `Paragraph.split`, which breaks the two parts again into the
  same lines); a cell of markup (typed line breaks, runs of spaces) is split by reportlab's
  own Paragraph.
- **Drawing**: the fills (table_fills.py), the plain cells as runs of one text object at
  absolute positions (table_text.py), a markup cell by its Paragraph (its operators repeated
  for an equal cell, `CellBook.draw_paragraph`), the rules as one path per command
  (table_rules.py).

Tables with spans are reportlab's (tables.py builds no PlainTable for them).
tests/export/test_plain_table.py and test_table_sameness.py render reports both ways and
compare every page's text (pypdf) and look (poppler); the bytes differ (cells drawn as one
text object).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab import rl_config
from reportlab.platypus import Flowable
from reportlab.platypus import Table as RLTable
from reportlab.platypus.tables import CellStyle

from kapnotes.export.cell_book import _MEASURE_HEIGHT, CellBook, _Measured
from kapnotes.export.cells import cell_paragraph
from kapnotes.export.line_break import PlainLines
from kapnotes.export.markup import clean
from kapnotes.export.table_fills import draw_backgrounds, plain_fills
from kapnotes.export.table_rules import draw_rules, plain_rules
from kapnotes.export.table_text import TextRun

Cell = _Measured | None  # None: the empty half of a cell split inside its row
_FUZZ = rl_config._FUZZ


def _positions(heights: list[float]) -> tuple[list[float], float]:
    """The rows' positions from the table's foot, and its height: Table._calc_height's
    compensated sum, bottom up."""
    positions: list[float] = []
    height = c = 0.0
    for h in reversed(heights):
        positions.append(height)
        y = h - c
        t = height + y
        c = (t - height) - y
        height = t
    positions.append(height)
    positions.reverse()
    return positions, height


Column = tuple[dict[str, _Measured], Any, float, float]


def _columns(book: CellBook, styles: list[CellStyle], widths: list[float]) -> list[Column]:
    """Per column of a row: the book's cells measured in it (by text), its cells' paragraph
    style, the width inside their padding and their top and bottom padding together. Worked
    out once per render for each row shape (every label/value list has the same one)."""
    key = (*styles, *widths)
    columns = book.columns.get(key)
    if columns is None:
        columns = book.columns[key] = []
        for s, w in zip(styles, widths, strict=True):
            inner = w - s.leftPadding - s.rightPadding
            columns.append((book.column(s.kap_style, inner), s.kap_style, inner,
                            s.bottomPadding + s.topPadding))
    return columns


def _geometry(cell: Cell) -> float:
    """reportlab's `_listCellGeom` height of a cell (nothing in it: 0)."""
    return 0 if cell is None else cell.total


class PlainTable(Flowable):
    """A table of top-left aligned cells with fixed column widths, plain rules and fills,
    and `repeat` header rows; see the module's docstring."""

    hAlign = "LEFT"
    _rowSplitRange = None  # read by reportlab's `_cr_1_1`: none here

    def __init__(self, book: CellBook, texts: Sequence[Sequence[str]],
                 styles: list[list[CellStyle]], widths: list[float], *, repeat: int = 0,
                 lines: list[tuple[Any, ...]], fills: list[tuple[Any, ...]],
                 heights: list[float | None] | None = None) -> None:
        if not plain_rules(lines) or not plain_fills(fills):
            raise ValueError("a PlainTable draws plain rules and fills only")
        rows, measured = self._measured_rows(book, texts, styles, widths)
        if heights is not None:
            measured = [m if h is None else h for m, h in zip(measured, heights, strict=True)]
        self._book = book
        self._colWidths = widths
        self._colpositions = [0.0]
        for w in widths:
            self._colpositions.append(self._colpositions[-1] + w)
        self._set_rows(rows, styles, measured, repeat)
        self._linecmds = list(lines)
        self._bkgrndcmds = list(fills)

    @staticmethod
    def _measured_rows(book: CellBook, texts: Sequence[Sequence[str]],
                       styles: list[list[CellStyle]],
                       widths: list[float]) -> tuple[list[list[Cell]], list[float]]:
        """The rows' cells as measured, and their heights as Table._calc_height works them
        out (one loop for the table: ~7,000 cells in ~2,200 rows per course summary)."""
        rows: list[list[Cell]] = []
        heights: list[float] = []
        columns: list[Column] = []
        previous: list[CellStyle] | None = None
        for values, row_styles in zip(texts, styles, strict=True):
            if row_styles is not previous and row_styles != previous:
                columns = _columns(book, row_styles, widths)  # most rows repeat the last's
                previous = row_styles
            cells: list[Cell] = []
            h = 0.0
            for v, (known, style, inner, padding) in zip(values, columns, strict=True):
                cell = known.get(v)
                if cell is None:  # CellBook.measure, its column already at hand
                    cell = known[v] = book.measured((v, style, inner), padding)
                cells.append(cell)
                t = cell.total
                t += padding
                if t > h:
                    h = t
            rows.append(cells)
            heights.append(h)
        return rows, heights

    def _set_rows(self, rows: list[list[Cell]], styles: list[list[CellStyle]],
                  heights: list[float], repeat: int) -> None:
        self._rows, self._styles, self._rowHeights, self.repeat = rows, styles, heights, repeat
        self._nrows, self._ncols = len(rows), len(self._colWidths)
        self._rowpositions, self._height = _positions(heights)
        self._width = self._colpositions[-1]

    def _piece(self, rows: list[list[Cell]], styles: list[list[CellStyle]],
               heights: list[float], repeat: int) -> PlainTable:
        piece = PlainTable.__new__(PlainTable)
        piece._book, piece._colWidths, piece._colpositions = (
            self._book, self._colWidths, self._colpositions)
        piece._set_rows(rows, styles, heights, repeat)
        piece._linecmds, piece._bkgrndcmds = [], []
        return piece

    def _addCommand(self, cmd: tuple[Any, ...]) -> None:  # what reportlab's `_cr_*` call
        is_fill = cmd[0] in ("BACKGROUND", "ROWBACKGROUNDS")
        (self._bkgrndcmds if is_fill else self._linecmds).append(cmd)

    # --- layout ---------------------------------------------------------------------------

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self._width, self._height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        # Table.split for a table split by rows first, then inside a row (splitInRow=1).
        h = 0.0
        n = 0
        for rh in self._rowHeights:  # Table._getFirstPossibleSplitRowPosition
            if h + rh > availHeight:
                break
            h += rh
            n += 1
        if n > self.repeat:
            return [self] if n == self._nrows else self._pieces(n, in_row=False)
        if n < self.repeat:
            return []
        if n == self._nrows:
            return [self]
        table = self._split_row(n, availHeight)
        return [] if table is None else table._pieces(n + 1, in_row=True)

    def _pieces(self, n: int, in_row: bool) -> list[Any]:
        """The rows before `n`, then the header rows and the rows from `n` (Table._splitRows,
        past its choice of `n`)."""
        rows, styles, heights, repeat = self._rows, self._styles, self._rowHeights, self.repeat
        lines = RLTable._splitLineCmds(self, n, doInRowSplit=in_row)
        first = self._piece(rows[:n], styles[:n], heights[:n], repeat)
        RLTable._cr_0(first, n, lines, self._nrows, in_row)
        RLTable._cr_0(first, n, self._bkgrndcmds, self._nrows, in_row, _srflMode=True)
        rest = self._piece(rows[:repeat] + rows[n:], styles[:repeat] + styles[n:],
                           heights[:repeat] + heights[n:], repeat)
        if repeat:
            header = list(range(repeat))
            RLTable._cr_1_1(rest, n, self._nrows, header, lines, in_row)
            RLTable._cr_1_1(rest, n, self._nrows, header, self._bkgrndcmds, in_row,
                            _srflMode=True)
        else:
            RLTable._cr_1_0(rest, n, lines, in_row)
            RLTable._cr_1_0(rest, n, self._bkgrndcmds, in_row, _srflMode=True)
        return [first, rest]

    def _split_row(self, n: int, availHeight: float) -> PlainTable | None:
        """This table with row `n` split in two, its first part as tall as fits in what the
        rows before it leave of `availHeight` (Table._splitRows with doInRowSplit, for cells
        aligned at the top); None when reportlab's could not split it either."""
        heights, styles = self._rowHeights, self._styles[n]
        used = sum(heights[:n])
        row = self._rows[n]
        tallest = 0.0
        for cell, s in zip(row, styles, strict=True):
            height = _geometry(cell)
            height += s.topPadding + s.bottomPadding
            if height > tallest:
                tallest = height
        split_at = min(availHeight - used, tallest)
        if split_at + 1 < 1 or self._height - split_at < 1:
            return None
        tops: list[Cell] = []
        rests: list[Cell] = []
        top_height = rest_height = 0.0
        for cell, s, width in zip(row, styles, self._colWidths, strict=True):
            parts = _split_cell(cell, s, split_at, width)
            if parts is None:
                return None
            tops.append(parts[0])
            rests.append(parts[1])
            top_height = max(top_height, _geometry(parts[0]) + s.topPadding + s.bottomPadding)
            rest_height = max(rest_height, _geometry(parts[1]) + s.topPadding + s.bottomPadding)
        used_height = min(split_at, top_height)
        rest_height = max(rest_height, heights[n] - used_height)
        table = self._piece([*self._rows[:n], tops, rests, *self._rows[n + 1:]],
                            self._styles[:n + 1] + self._styles[n:],
                            [*heights[:n], used_height, rest_height, *heights[n + 1:]],
                            self.repeat)
        table._linecmds = RLTable._stretchCommands(self, n, self._linecmds, self._nrows)
        table._bkgrndcmds = RLTable._stretchCommands(self, n, self._bkgrndcmds, self._nrows)
        return table

    # --- drawing --------------------------------------------------------------------------

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        """Flowable.drawOn (`q`, the origin moved to the table, the drawing, `Q`) without
        copying the canvas's ~20 state attributes in and out for each of ~430 table pieces:
        the drawing changes only the matrix (here), the fill colour (the fills) and the
        graphics-state parameters (a fill alpha), which are put back as restoreState would."""
        if getattr(self, "_showBoundary", False):
            Flowable.drawOn(self, canvas, x, y, _sW)
            return
        x = self._hAlignAdjust(x, _sW)
        state = canvas.__dict__
        saved = state["_currentMatrix"], state["_fillColorObj"], state["_extgstate"]
        canvas._extgstate = saved[2].pushCopy()
        canvas._code.append("q")
        canvas.translate(x, y)  # after a `q`: its own `cm`, never merged with one before
        self._drawOn(canvas)
        canvas._code.append("Q")
        state["_currentMatrix"], state["_fillColorObj"], state["_extgstate"] = saved

    def draw(self) -> None:
        canv = self.canv
        if not canv.bottomup or canv._enforceColorSpace:
            raise ValueError("a PlainTable is drawn on an upright canvas without a colour "
                             "space rule")
        if canv._extgstate._d.get("ca", 1) != 1:
            canv.setFillAlpha(1)  # as setFillColor does for the fills' opaque colours
        book = self._book
        numbers, number = book.numbers, book.number
        draw_backgrounds(self, number)
        run = TextRun(canv)
        colpositions, widths = self._colpositions, self._colWidths
        for cells, styles, rowpos, rowheight in zip(self._rows, self._styles,
                                                    self._rowpositions[1:], self._rowHeights,
                                                    strict=False):
            top = rowpos + rowheight
            for cell, s, colpos, width in zip(cells, styles, colpositions, widths,
                                              strict=False):
                if cell is None:
                    continue
                x = colpos + s.leftPadding
                bl = cell.bl
                if bl is not None:
                    # The cell's first line where reportlab's `cm` and `Tm` put it.
                    y = top - s.topPadding - bl.fontSize
                    run.add(cell, numbers.get(x) or number(x), numbers.get(y) or number(y))
                    continue
                run.flush()
                if cell.key is not None:
                    book.draw_paragraph(cell, canv, x, top - s.topPadding - cell.height)
                else:  # a part of a markup cell split inside its row: Table._drawCell's way
                    para = cell.para
                    _w, height = para.wrap(width - s.leftPadding - s.rightPadding,
                                           rowheight - s.topPadding - s.bottomPadding)
                    y = top - s.topPadding
                    space = para.getSpaceBefore()
                    y += space  # and back: reportlab's float steps, so the bytes match its own
                    y -= space
                    para.drawOn(canv, x, y - height)
        run.flush()
        draw_rules(self, number, book.rules)


def _split_cell(cell: Cell, s: CellStyle, split_at: float,
                width: float) -> tuple[Cell, Cell] | None:
    """Table._splitCell for a top-aligned cell: (the part above `split_at`, the rest), or
    None when it cannot be split there."""
    if cell is None:
        return None, None
    room = split_at - s.topPadding
    before = cell.space[0]
    if cell.height + before <= room:
        return cell, None
    room -= before
    if cell.bl is not None and (cell.key is None or "\n" not in clean(cell.key[0])):
        return _split_lines(cell, s, room)
    # reportlab's own Paragraph split, as Table._splitCell asks it (the column's width),
    # wrapped first in the cell as Table._splitRows has it (a failed split unwraps it)
    para = cell.para if cell.key is None else cell_paragraph(cell.key[0], cell.key[1])
    inner = width - s.leftPadding - s.rightPadding
    para.wrap(inner, _MEASURE_HEIGHT - s.topPadding - s.bottomPadding)
    parts = para.split(width, room)
    if not parts:
        return None
    measured = []
    for part in parts:
        _w, height = part.wrap(inner, _MEASURE_HEIGHT - s.topPadding - s.bottomPadding)
        measured.append(_Measured(None, height, (part.getSpaceBefore(), part.getSpaceAfter()),
                                  part.style.leading, None, part))
    return measured[0], measured[1]


def _split_lines(cell: _Measured, s: CellStyle, room: float) -> tuple[Cell, Cell] | None:
    """Paragraph.split of a cell's plain lines in `room`: the lines that fit and the rest
    (its two parts broken again give the same lines: the breaking starts afresh at each)."""
    lines = cell.bl.lines
    if room < _FUZZ:
        return None
    count = int(room / float(cell.leading))
    style = s.kap_style
    orphans = getattr(style, "allowOrphans", 0)
    if (not orphans and count <= 1) or count == 0 or count >= len(lines):
        return None
    if not getattr(style, "allowWidows", 1) and len(lines) == count + 1:
        if not ((orphans and len(lines) == 3) or len(lines) > 3):
            return None
        count -= 1
    parts = []
    for part in (lines[:count], lines[count:]):
        parts.append(_Measured(None, len(part) * cell.leading, cell.space, cell.leading,
                               PlainLines(cell.bl, part), None))
    return parts[0], parts[1]
