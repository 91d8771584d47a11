"""Paragraphs for table cells without reportlab's markup parser, and line breaking done once
per distinct cell.

A course summary has ~8,000 cells; parsing each one's markup (`Paragraph(to_markup(text))`,
an HTML parser per cell) was a third of the render. Text with no line breaks or runs of
spaces is a single run in a single style, so the parser's result is known: the style's one
fragment with the text in it. That fragment is parsed once per style and copied per cell.

Most cells repeat (labels, roles, "Yes", times: a 60-session summary has ~7,300 cells and
~1,300 distinct texts), and a plain cell's lines depend only on its text, its style and the
width, so reportlab breaks each distinct one once (`_LINES`) and equal cells share the result.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from reportlab.lib.abag import ABag
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import _FUZZ, _processed_frags
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from kapnotes.export.cell_draw import can_draw_plain, draw_plain
from kapnotes.export.line_break import LineBreaker, breaks_like_reportlab
from kapnotes.export.markup import clean, needs_markup, to_markup

# (text, widths) → (reportlab's broken lines, and what breakLines records beside them)
LineCache = dict[tuple[str, tuple[float, ...]], tuple[Any, float, int, int]]


class CellParagraph(Paragraph):
    """A Paragraph that remembers its last line breaking: a table wraps every cell to size its
    rows, then again to draw it, at the same width (half the line breaking of a render)."""

    _wrapped: tuple[float, float, float] | None = None
    # Set for plain text: equal cells of one style share their line breaking.
    _lines: LineCache | None = None
    _text = ""
    _simple = False  # set with `_lines`: simple_style(style), worked out once per style
    # What reportlab's breakLines records beside the lines (kept with them in the cache).
    _width_max: float
    _splitLongWordCount: int
    _hyphenations: int

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # Only while the broken lines are still there (a split drops them from its pieces).
        wrapped = self._wrapped
        if wrapped is not None and wrapped[0] == availWidth and "blPara" in self.__dict__:
            return wrapped[1], wrapped[2]
        if self._simple and availWidth >= _FUZZ:  # plain text in a simple style
            size = self._wrap_plain(availWidth)
        else:
            size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, *size)
        return size

    def _wrap_plain(self, width: float) -> tuple[float, float]:
        # Paragraph.wrap for a style with no indents or special leading: the same attributes.
        self.width = width
        self._wrapWidths = [width, width]
        self.blPara = broken = self.breakLines(self._wrapWidths)
        self.height = len(broken.lines) * self.style.leading
        return width, self.height

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if self._lines is not None and can_draw_plain(self, canvas):
            draw_plain(self, canvas, self._hAlignAdjust(x, _sW), y)
        else:
            super().drawOn(canvas, x, y, _sW)

    def breakLines(self, width: Any) -> Any:
        cache = self._lines
        if cache is None:
            return super().breakLines(width)
        key = (self._text, tuple(width) if isinstance(width, list | tuple) else (width,))
        hit = cache.get(key)
        if hit is None:
            hit = self._break_plain(key[1])
            if hit is None:
                broken = super().breakLines(width)
                hit = (broken, self._width_max, self._splitLongWordCount, self._hyphenations)
            cache[key] = hit
        broken, self._width_max, self._splitLongWordCount, self._hyphenations = hit
        # A fresh bag per cell (a split reads it); the lines themselves are never changed.
        return _copy(broken, lines=list(broken.lines))


    def _break_plain(self, widths: tuple[float, ...]) -> tuple[Any, float, int, int] | None:
        """reportlab's breakLines result for one fragment in one width, from `line_break`
        (the same greedy fill, each word measured once per style); None: ask reportlab."""
        frags, style = self.frags, self.style
        if widths.count(widths[0]) != len(widths) or self.bulletText or len(frags) != 1:
            return None
        frag = frags[0]
        # reportlab's own test for its one-fragment path (Paragraph.breakLines); a ParaFrag
        # is not a processed fragment (which _processed_frags finds by an exception).
        if (style.endDots or hasattr(frag, "cbDefn") or hasattr(frag, "backColor")
                or (type(frag) is not ParaFrag and _processed_frags(frags))
                or not hasattr(frag, "text")):
            return None
        breaker = _breaker(style)
        if breaker is None:
            return None
        lines = breaker.lines(frag.text, widths[0])
        if lines is None:
            return None
        ascent, descent = breaker.ascent_descent(frag.fontName, frag.fontSize)
        broken = _copy(frag, kind=0, lines=lines, ascent=ascent, descent=descent,
                       fontSize=frag.fontSize)
        return broken, breaker.width_max, 0, 0


def _copy(bag: ABag, **changes: Any) -> Any:
    """`bag.clone(**changes)` for reportlab's ParaFrag and ParaLines (their `__init__` is
    ABag's, which only sets the attributes given), without passing every attribute as a
    keyword argument (twice as slow; ~1,900 copies per course summary)."""
    new = bag.__class__.__new__(bag.__class__)
    new.__dict__.update(bag.__dict__)
    new.__dict__.update(changes)
    return new


_BREAKERS: WeakKeyDictionary[ParagraphStyle, LineBreaker | None] = WeakKeyDictionary()


def _breaker(style: ParagraphStyle) -> LineBreaker | None:
    """One line breaker per style (None: reportlab breaks this style's lines itself)."""
    try:
        return _BREAKERS[style]  # one look-up, not `in` and then another
    except KeyError:
        plain = (breaks_like_reportlab(style) and not style.shaping and not style.wordWrap)
        breaker = _BREAKERS[style] = LineBreaker(style) if plain else None
        return breaker


def simple_style(style: ParagraphStyle) -> bool:
    return (not style.leftIndent and not style.firstLineIndent and not style.rightIndent
            and style.wordWrap != "CJK" and getattr(style, "autoLeading", "") in ("", None))


# Per style: the parser's fragment for plain text in it, its cells' line breaking, and
# whether its cells wrap the plain way (`simple_style`).
_PLAIN: WeakKeyDictionary[ParagraphStyle, tuple[ParaFrag, LineCache, bool]] = (
    WeakKeyDictionary())


def _plain(style: ParagraphStyle) -> tuple[ParaFrag, LineCache, bool]:
    found = _PLAIN.get(style)
    if found is None:
        _style, frags, _bullet = ParaParser().parse("x", style)
        found = _PLAIN[style] = (frags[0], {}, simple_style(style))
    return found


class TextParagraph(CellParagraph):
    """A body paragraph or heading: built, broken into lines and drawn like a cell. Its
    operators (the cell's `q`/`cm` and one text object) differ from reportlab's for a body
    paragraph, its glyphs and their places do not (tests/export/test_pdf_same_text.py
    compares the text of every page; the pages were compared as images)."""


def text_paragraph(text: str, style: ParagraphStyle,
                   kind: type[CellParagraph] = TextParagraph) -> CellParagraph:
    """`Paragraph(to_markup(text), style)` for a body paragraph or heading, built like a plain
    cell when that draws the same: not for text with `&`, `<` or `>`, which the parser breaks
    into one fragment per escaped character (drawn as several runs, not one)."""
    if "&" in text or "<" in text or ">" in text:
        return kind(to_markup(text), style)
    return cell_paragraph(text, style, kind)


def cell_paragraph(text: str, style: ParagraphStyle,
                   kind: type[CellParagraph] = CellParagraph) -> CellParagraph:
    """The same Paragraph as `Paragraph(to_markup(text), style)`, built without parsing when
    the text is plain."""
    plain = clean(text)
    if needs_markup(plain):
        return kind(to_markup(text), style)
    template, lines, simple = _plain(style)
    cell = kind(plain, style, frags=[_copy(template, text=plain)])
    cell._lines = lines
    cell._text = plain
    cell._simple = simple
    return cell
