"""export/line_break.py breaks plain text into the lines reportlab's Paragraph makes of it
(the same words per line, the same unused width to the last bit), and hands back None where
reportlab would take a branch it does not follow."""

from __future__ import annotations

import random

import pytest
from reportlab.lib.styles import ParagraphStyle

from kapnotes.export import fonts
from kapnotes.export.cells import cell_paragraph
from kapnotes.export.line_break import LineBreaker, breaks_like_reportlab
from kapnotes.export.styles import paragraph_styles

WORDS = ("calm", "settled", "Arrived", "talked", "about", "the", "week", "at", "work", "and",
         "drive", "in;", "118/76", "—", "Nguyễn", "Thị", "Hương", "Σοφία", "Анна", "≥", "⚠",
         "a", "I", "mm", "breathing", "slowly,", "(reliable)", "W", "iiii", "MMMM")


def _reportlab_lines(text: str, style_name: str | ParagraphStyle,
                     width: float) -> list[tuple[float, list[str]]]:
    style = paragraph_styles()[style_name] if isinstance(style_name, str) else style_name
    para = cell_paragraph(text, style)
    para._lines = None  # reportlab's own breakLines, no cache
    para.wrap(width, 10_000)
    return [(extra, list(words)) for extra, words in para.blPara.lines]


def _compared_with_reportlab(style: ParagraphStyle, seed: int, texts: int, most_words: int,
                             widths: list[float]) -> int:
    """Random texts broken by a LineBreaker and by reportlab: equal each time; how many were
    compared (a word wider than the line is reportlab's to split)."""
    breaker = LineBreaker(style)
    rng = random.Random(seed)
    compared = 0
    for _ in range(texts):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, most_words)))
        width = rng.choice(widths)
        ours = breaker.lines(text, width)
        if ours is None:
            assert any(breaker.lines(w, width) is None for w in text.split())
            continue
        assert ours == _reportlab_lines(text, style, width), (text, width)
        compared += 1
    return compared


@pytest.mark.parametrize("style_name", ["cell", "label", "head", "muted", "normal"])
def test_lines_equal_reportlabs_for_many_texts_and_widths(style_name: str) -> None:
    fonts.register_fonts()
    style = paragraph_styles()[style_name]
    assert breaks_like_reportlab(style)
    assert _compared_with_reportlab(style, 16, 400, 40,
                                    [30.0, 47.3, 61.2, 90.0, 117.55, 200.0, 351.6]) > 300


def test_lines_that_fit_only_by_shrinking_spaces_match() -> None:
    fonts.register_fonts()
    style = paragraph_styles()["cell"]
    breaker = LineBreaker(style)
    text = "Trailing text that sits just over the width by a hair when spaces shrink a little"
    full = breaker.lines(text, 10_000)
    assert full is not None
    natural = 10_000 - full[0][0]
    for width in (natural - 0.5, natural - 1.5, natural - 3):
        ours = breaker.lines(text, width)
        assert ours == _reportlab_lines(text, "cell", width)
    assert any(extra < 0 for extra, _ in breaker.lines(text, natural - 0.5) or [])


@pytest.mark.parametrize("text", ["Supercalifragilisticexpialidociousandthensome", "a\xa0b c",
                                  "soft\xadhyphen here", "   "])
def test_what_reportlab_breaks_another_way_is_left_to_it(text: str) -> None:
    fonts.register_fonts()
    assert LineBreaker(paragraph_styles()["cell"]).lines(text, 60) is None


@pytest.mark.parametrize("style_name", ["normal", "muted", "caption", "h1", "h2", "cell"])
def test_a_plain_paragraphs_broken_lines_are_reportlabs_whole(style_name: str) -> None:
    """Body paragraphs and headings (cells.TextParagraph) break plain text with LineBreaker:
    the bag handed to drawing and splitting is the one reportlab's breakLines returns (kind,
    lines, font, size, colour, ascent, descent) and so is the widest line it records."""
    from kapnotes.export.cells import text_paragraph

    fonts.register_fonts()
    styles = paragraph_styles()
    style = styles[style_name]
    rng = random.Random(1616)
    for n in range(300):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 60)))
        width = rng.choice([61.2, 117.55, 200.0, 351.6, 493.2])
        ours = text_paragraph(text, style)
        theirs = text_paragraph(text, style)
        theirs._lines = None  # reportlab's own breakLines
        ours.wrap(width, 10_000)
        theirs.wrap(width, 10_000)
        a, b = ours.blPara, theirs.blPara
        assert (a.kind, a.fontName, a.fontSize, a.textColor, a.ascent, a.descent) == (
            b.kind, b.fontName, b.fontSize, b.textColor, b.ascent, b.descent), n
        assert [(e, list(w)) for e, w in a.lines] == [(e, list(w)) for e, w in b.lines], n
        assert ours._width_max == theirs._width_max, n


def test_without_shrinking_spaces_lines_match_and_stretching_ones_are_refused() -> None:
    # `lines` keeps a line that fits `width` before asking about shrinking: right for any
    # spaceShrinkage >= 0, so 0 is compared with reportlab, and less is refused.
    fonts.register_fonts()
    style = ParagraphStyle("no-shrink", parent=paragraph_styles()["cell"], spaceShrinkage=0)
    assert breaks_like_reportlab(style)
    assert _compared_with_reportlab(style, 3, 200, 30, [47.3, 90.0, 117.55, 200.0]) > 150
    stretching = ParagraphStyle("stretch", parent=style, spaceShrinkage=-0.05)
    assert not breaks_like_reportlab(stretching)
    with pytest.raises(ValueError, match="spaceShrinkage"):
        LineBreaker(stretching)
