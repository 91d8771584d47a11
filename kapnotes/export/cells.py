"""Paragraphs for table cells without reportlab's markup parser.

A course summary has ~8,000 cells; parsing each one's markup (`Paragraph(to_markup(text))`,
an HTML parser per cell) was a third of the render. Text with no line breaks or runs of
spaces is a single run in a single style, so the parser's result is known: the style's one
fragment with the text in it. That fragment is parsed once per style and copied per cell.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from kapnotes.export.markup import clean, needs_markup, to_markup


class CellParagraph(Paragraph):
    """A Paragraph that remembers its last line breaking: a table wraps every cell to size its
    rows, then again to draw it, at the same width (half the line breaking of a render)."""

    _wrapped: tuple[float, float, float] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # Only while the broken lines are still there (a split drops them from its pieces).
        wrapped = self._wrapped
        if wrapped is not None and wrapped[0] == availWidth and "blPara" in self.__dict__:
            return wrapped[1], wrapped[2]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, *size)
        return size


_TEMPLATES: WeakKeyDictionary[ParagraphStyle, ParaFrag] = WeakKeyDictionary()


def _template(style: ParagraphStyle) -> ParaFrag:
    frag = _TEMPLATES.get(style)
    if frag is None:
        _style, frags, _bullet = ParaParser().parse("x", style)
        frag = _TEMPLATES[style] = frags[0]
    return frag


def cell_paragraph(text: str, style: ParagraphStyle) -> CellParagraph:
    """The same Paragraph as `Paragraph(to_markup(text), style)`, built without parsing when
    the text is plain."""
    plain = clean(text)
    if needs_markup(plain):
        return CellParagraph(to_markup(text), style)
    return CellParagraph(plain, style, frags=[_template(style).clone(text=plain)])
