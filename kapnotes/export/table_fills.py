"""A PlainTable's background fills (reportlab's BACKGROUND and ROWBACKGROUNDS) written as the
very operators `Table._drawBkgrnd` writes, without its per-command and per-row calls.

For a fill reportlab sets the colour (`setFillColor`: its checks, `r g b rg`, and the fill
alpha, which changes nothing when it is the canvas's already) and draws a rectangle (`n x y
w h re f`), one call each per striped row of ~100 striped tables. Here the same strings are
written in the same order, numbers formatted once per render. Only the plain case
(`plain_fills`: fills of one opaque RGB colour, a stripe cycle of such colours and Nones); a
PlainTable takes no other, and draws on a canvas whose fill alpha it has set to 1.
tests/export/test_table_sameness.py compares the operators and the pages with reportlab's
Table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import PATH_OPS

from kapnotes.export.cell_draw import colour_operator


def _plain_colour(colour: Any) -> bool:
    return type(colour) is Color and colour.alpha == 1


def plain_fills(commands: list[tuple[Any, ...]]) -> bool:
    """Whether every fill command is one `draw_backgrounds` writes: one opaque RGB colour, or
    a stripe cycle of them and Nones."""
    for cmd, _start, _end, arg in commands:
        if cmd == "BACKGROUND":
            if not _plain_colour(arg):
                return False
        elif cmd == "ROWBACKGROUNDS":
            if not isinstance(arg, list | tuple) or not all(
                    c is None or _plain_colour(c) for c in arg):
                return False
        else:
            return False
    return True


def draw_backgrounds(table: Any, number: Callable[[float], str]) -> None:
    """Write `table`'s fills (`plain_fills`) onto its canvas as `_drawBkgrnd` would, on a
    canvas whose fill alpha is 1. `number` formats a coordinate as `fp_str` does."""
    canv = table.canv
    nrows, ncols = table._nrows, table._ncols
    colpositions, rowpositions = table._colpositions, table._rowpositions
    rowheights = table._rowHeights
    fill = PATH_OPS[0, 1, canv._fillMode]
    out: list[str] = []
    last: Color | None = None
    for cmd, (sc, sr), (ec, er), arg in table._bkgrndcmds:
        if sc < 0:
            sc = sc + ncols
        if ec < 0:
            ec = ec + ncols
        if sr < 0:
            sr = sr + nrows
        if er < 0:
            er = er + nrows
        x0 = colpositions[sc]
        y0 = rowpositions[sr]
        x1 = colpositions[min(ec + 1, ncols)]
        y1 = rowpositions[min(er + 1, nrows)]
        w, h = x1 - x0, y1 - y0
        if cmd == "ROWBACKGROUNDS":
            count = len(arg)
            for i in range(er - sr + 1):
                colour = arg[i % count]
                h = rowheights[sr + i]
                if colour:
                    out.append(colour_operator(colour))
                    out.append(f"n {number(x0)} {number(y0)} {number(w)} {number(-h)} re {fill}")
                    last = colour
                y0 = y0 - h
        else:
            out.append(colour_operator(arg))
            out.append(f"n {number(x0)} {number(y0)} {number(w)} {number(h)} re {fill}")
            last = arg
    if out:
        canv._code.append("\n".join(out))
        canv._fillColorObj = last
