"""A PlainTable's rules (reportlab's line commands) written as one path per command.

reportlab's `Table._drawLines` draws each rule as its own path (`n x y m x y l S`) after a
slice of the row positions, a call per row and a colour and width check per command; for the
~380 small tables of a course summary that was ~6 % of a render. The same segments stroked
as the subpaths of one path, with the same cap, join, colour and width, paint the same
pixels, and no text is involved. Only the plain case is written here (`plain_rules`: no
dashes, no double lines, opaque RGB colours: reportlab's stroke alpha of 1 is left out, it
paints nothing different); a PlainTable takes no other. A table piece's operators depend
only on its rows, columns and commands, so they are made once per such shape per render.
tests/export/test_lighter_drawing.py compares the pages as images."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.colors import CMYKColor, Color
from reportlab.lib.rl_accel import fp_str

from kapnotes.export.cell_draw import colour_operator

_OPS = frozenset({"LINEBELOW", "LINEABOVE", "LINEBEFORE", "LINEAFTER", "BOX", "OUTLINE",
                  "GRID", "INNERGRID"})


def plain_rules(commands: list[tuple[Any, ...]]) -> bool:
    """Whether every line command (as `rule` or reportlab's `_addCommand` leaves it) is one
    this module writes."""
    for op, _s, _e, _weight, color, cap, dash, join, count, _space in commands:
        if (op not in _OPS or dash or count != 1 or not isinstance(cap, int)
                or not isinstance(join, int) or not isinstance(color, Color)
                or isinstance(color, CMYKColor) or color.alpha not in (None, 1)):
            return False
    return True


def rule(op: str, start: tuple[int, int], end: tuple[int, int], weight: float,
         colour: Color) -> tuple[Any, ...]:
    """A line command as reportlab's `Table._addCommand` completes one given without cap,
    dashes, join, count or spacing."""
    return (op, start, end, weight, colour, 1, None, 1, 1, weight)


class _Rules:
    """The operators reportlab's `_drawLines` writes, state by state, paths merged; every
    column and row position formatted once per table."""

    def __init__(self, table: Any, number: Callable[[float], str]) -> None:
        self.xs = list(map(number, table._colpositions))
        self.ys = list(map(number, table._rowpositions))
        self.out: list[str] = ["q"]
        self.colour: Color | None = None
        self.weight: float | None = None

    def _prep(self, weight: float, colour: Color) -> None:  # Table._prepLine
        if colour and colour is not self.colour and colour != self.colour:
            self.out.append(colour_operator(colour, "RG"))
            self.colour = colour
        if weight and weight != self.weight:
            self.out.append(f"{fp_str(weight)} w")
            self.weight = weight

    def hlines(self, sc: int, sr: int, ec: int, er: int, weight: float, colour: Color) -> None:
        # Table._drawHLines without blocks: one segment per row position in range.
        ecp = self.xs[sc:ec + 2]
        rows = self.ys[sr:er + 1]
        if len(ecp) <= 1 or len(rows) < 1:
            return
        self._prep(weight, colour)
        x0, x1 = ecp[0], ecp[-1]
        self.out.append("n " + " ".join([f"{x0} {y} m {x1} {y} l" for y in rows]) + " S")

    def vlines(self, sc: int, sr: int, ec: int, er: int, weight: float, colour: Color) -> None:
        # Table._drawVLines without blocks: from the last row position to the first.
        erp = self.ys[sr:er + 2]
        cols = self.xs[sc:ec + 1]
        if len(erp) <= 1 or len(cols) < 1:
            return
        self._prep(weight, colour)
        y0, y1 = erp[-1], erp[0]
        self.out.append("n " + " ".join([f"{x} {y0} m {x} {y1} l" for x in cols]) + " S")


def draw_rules(table: Any, number: Callable[[float], str] = fp_str,
               drawn: dict[tuple[Any, ...], str] | None = None) -> None:
    """Write `table`'s rules (`plain_rules`) onto its canvas. `number` formats a coordinate
    as `fp_str` does (a caller may remember its answers); `drawn` remembers the operators of
    each table shape (a course summary's ~430 table pieces have ~80: the same rows and
    columns under the same commands write the same rules)."""
    shape = (tuple(table._rowpositions), tuple(table._colpositions), tuple(table._linecmds))
    code = None if drawn is None else drawn.get(shape)
    if code is None:
        code = _rules(table, number)
        if drawn is not None:
            drawn[shape] = code
    table.canv._code.append(code)


def _rules(table: Any, number: Callable[[float], str]) -> str:
    rules = _Rules(table, number)
    out = rules.out
    cap = join = None
    ncols, nrows = table._ncols, table._nrows
    for op, (sc, sr), (ec, er), weight, colour, c, _d, j, _n, _sp in table._linecmds:
        if c != cap:
            out.append(f"{c} J")
            cap = c
        if j != join:
            out.append(f"{j} j")
            join = j
        # Table.normCellRange, inline (a call per command of ~380 tables).
        if sc < 0:
            sc += ncols
        if ec < 0:
            ec += ncols
        if sr < 0:
            sr += nrows
        if er < 0:
            er += nrows
        sc, ec, sr, er = max(0, sc), min(ncols - 1, ec), max(0, sr), min(nrows - 1, er)
        # What Table._drawHLinesB, _drawHLines, _drawVLines, _drawVLinesA, _drawBox and
        # _drawInnerGrid draw for each command.
        if op == "LINEBELOW":
            rules.hlines(sc, sr + 1, ec, er + 1, weight, colour)
        elif op == "LINEABOVE":
            rules.hlines(sc, sr, ec, er, weight, colour)
        elif op == "LINEBEFORE":
            rules.vlines(sc, sr, ec, er, weight, colour)
        elif op == "LINEAFTER":
            rules.vlines(sc + 1, sr, ec + 1, er, weight, colour)
        if op in ("BOX", "OUTLINE", "GRID"):
            rules.hlines(sc, sr, ec, sr, weight, colour)
            rules.hlines(sc, er + 1, ec, er + 1, weight, colour)
            rules.vlines(sc, sr, sc, er, weight, colour)
            rules.vlines(ec + 1, sr, ec + 1, er, weight, colour)
        if op in ("GRID", "INNERGRID"):
            rules.hlines(sc, sr + 1, ec, er, weight, colour)
            rules.vlines(sc + 1, sr, ec, er, weight, colour)
    out.append("Q")
    return "\n".join(out)
