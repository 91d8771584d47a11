"""Line breaking of one run of text in one font, as reportlab's Paragraph breaks it.

`Paragraph.breakLines` for a paragraph of one fragment (kind 0) is a greedy fill: words
measured with the font's widths, a space between them that may shrink by `spaceShrinkage`,
each line recorded with the width it leaves unused. Doing the same here, with the same
arithmetic in the same order, gives the same lines (and so the same PDF) without a Paragraph
per distinct cell, and measures each distinct word once per render.

Where reportlab takes another branch this returns None and the caller asks reportlab: a word
wider than the line (reportlab splits it across lines), soft hyphens and non-breaking spaces,
styles that hyphenate, shape or set text right to left. tests/export/test_line_break.py
compares the lines with reportlab's own for many texts and widths.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont
from reportlab.platypus.paragraph import _wsc

Lines = list[tuple[float, list[str]]]


class PlainLines:
    """What the drawing needs of reportlab's broken lines (`ParaLines`, kind 0)."""

    kind = 0
    __slots__ = ("fontName", "fontSize", "lines", "textColor")

    def __init__(self, like: Any, lines: Lines) -> None:
        self.fontName, self.fontSize, self.textColor = like.fontName, like.fontSize, like.textColor
        self.lines = lines


def breaks_like_reportlab(style: ParagraphStyle) -> bool:
    """Whether `break_plain` follows reportlab's path for this style."""
    font = getFont(style.fontName)
    return (not style.endDots and not getattr(style, "hyphenationLang", "")
            and style.spaceShrinkage >= 0  # LineBreaker refuses less
            and not getattr(style, "uriWasteReduce", 0)
            and not getattr(style, "embeddedHyphenation", 0)
            and not (style.shaping and getattr(font, "shapable", False))
            and not style.wordWrap and bool(font._dynamicFont))


class LineBreaker:
    """Breaks plain text of one style; word widths are measured once per breaker."""

    def __init__(self, style: ParagraphStyle) -> None:
        if style.spaceShrinkage < 0:
            # `lines` keeps any line no wider than `width`: with spaces that must stretch,
            # reportlab would break some of those lines earlier.
            raise ValueError("LineBreaker follows reportlab only for spaceShrinkage >= 0")
        self._font = getFont(style.fontName)
        self._size = style.fontSize
        self._widths: dict[str, float] = {}
        self._space = self._font.stringWidth(" ", self._size)
        self._shrink = style.spaceShrinkage * self._space
        self._split_long = bool(style.splitLongWords)
        # The widest line of the last `lines` call, as reportlab's breakLines records it.
        self.width_max = 0.0
        self._ascents: dict[tuple[str, float], tuple[float, float]] = {}

    def ascent_descent(self, font_name: str, size: float) -> tuple[float, float]:
        """`getAscentDescent`, once per font and size (for a TTFont it finds them through
        an exception)."""
        key = (font_name, size)
        found = self._ascents.get(key)
        if found is None:
            found = self._ascents[key] = getAscentDescent(font_name, size)
        return found

    def lines(self, text: str, width: float) -> Lines | None:
        """reportlab's lines for `text` in a line `width` wide, or None (ask reportlab)."""
        if "\xa0" in text or "\xad" in text:
            return None
        text = text.strip(_wsc)  # reportlab's `strip`, for text that is a str
        if not text:
            return None
        widths, font, size = self._widths, self._font, self._size
        space, shrink, split_long = self._space, self._shrink, self._split_long
        lines: Lines = []
        line: list[str] = []
        words = 0  # len(line)
        current = -space  # no space before the first word (reportlab's own start)
        widest = 0.0
        for word in text.split():
            word_width = widths.get(word)
            if word_width is None:
                word_width = widths[word] = font.stringWidth(word, size)
            new = current + space + word_width
            # reportlab's test is against width + shrink * words, never less than width.
            if new <= width or new <= width + shrink * words:
                line.append(word)
                words += 1
                current = new
            elif split_long and word_width > width:
                return None  # reportlab splits a word longer than the line
            elif not words:
                line.append(word)
                words = 1
                current = new
            else:
                if current > widest:
                    widest = current
                lines.append((width - current, line))
                line = [word]
                words = 1
                current = word_width
        if line:
            if current > widest:
                widest = current
            lines.append((width - current, line))
        self.width_max = widest
        return lines
