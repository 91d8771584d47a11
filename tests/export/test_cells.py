"""Plain table cells (export/cells.py, export/cell_draw.py): their shared line breaking, wrap
and direct drawing write the very bytes reportlab's own Paragraph code writes for the same
cell: wrapped lines, lines stretched by space shrinking, a word longer than the cell, several
scripts, repeated cells. The report's boxes (notices, banners, DRAFT) keep their paragraph's
line breaking between the two wraps their table asks for, and write reportlab's bytes."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate
from reportlab.platypus import Table as RLTable

from kapnotes.export import fonts, pdf
from kapnotes.export.cells import CellParagraph, _copy, cell_paragraph
from kapnotes.export.pdf import render_pdf
from kapnotes.export.report import Banner, DraftMark, Heading, Report
from kapnotes.export.styles import paragraph_styles

TEXTS = [
    "Calm", "Pre-dose", "Calm", "118/76", "Arrived settled, breathing slowly, talked about the "
    "week at work and the drive in", "Supercalifragilisticexpialidociousandthensomemoreletters",
    "Nguyễn Thị Hương · Σοφία · Анна ≥ ≤ ⚠ ✓ 😀", "Said <b>not bold</b> & \"AT&T\"",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k",
    "Trailing text that sits just over the width by a hair when spaces shrink a little bit",
    "Calm",
]


@pytest.fixture
def invariant() -> Iterator[None]:
    saved = rl_config.invariant
    rl_config.invariant = 1  # no timestamps or random ids: equal documents, equal bytes
    yield
    rl_config.invariant = saved


def _pdf(make: Callable[[str], Paragraph], widths: list[float],
         texts: list[str] = TEXTS) -> bytes:
    fonts.register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4)
    story = [RLTable([[make(t) for t in texts]], colWidths=[w] * len(texts))
             for w in widths] + [RLTable([[make(t)] for t in texts], colWidths=[90])]
    doc.build(story)
    return buf.getvalue()


def _reportlab_way(text: str, style: ParagraphStyle) -> CellParagraph:
    cell = cell_paragraph(text, style)
    cell._lines = None  # Paragraph's own wrap, breakLines and drawOn
    return cell


def test_plain_cells_write_the_same_bytes_as_reportlab(invariant: None) -> None:
    st = paragraph_styles()
    for style in (st["cell"], st["label"], st["head"]):
        widths = [40.0, 47.3, 90.0]
        ours = _pdf(lambda t, s=style: cell_paragraph(t, s), widths)
        theirs = _pdf(lambda t, s=style: _reportlab_way(t, s), widths)
        assert ours == theirs, style.name


def test_cells_whose_lines_span_two_font_subsets_write_the_same_bytes_as_reportlab(
        invariant: None) -> None:
    # 300 characters fill the font's first subset (256 codes) and start a second: later
    # lines mix the two, and repeat (each line's operators are kept per document).
    from reportlab.pdfbase.pdfmetrics import getFont

    fonts.register_fonts()
    glyphs = getFont(fonts.REGULAR).face.charToGlyph
    chars = [chr(c) for c in range(0x100, 0x2000) if c in glyphs][:300]
    assert len(chars) == 300
    many = " ".join("".join(chars[i:i + 10]) for i in range(0, 300, 10))
    mixed = f"{chars[290]} Calm {chars[3]} then 118/76 {chars[299]}{chars[2]}"
    texts = [many, mixed, "Calm", mixed, f"{chars[295]} Calm", mixed, many]
    style = paragraph_styles()["cell"]
    ours = _pdf(lambda t: cell_paragraph(t, style), [60.0, 200.0], texts)
    theirs = _pdf(lambda t: _reportlab_way(t, style), [60.0, 200.0], texts)
    assert ours == theirs


def test_plain_text_takes_the_plain_path_and_markup_does_not() -> None:
    style = paragraph_styles()["cell"]
    assert cell_paragraph("Calm and settled", style)._lines is not None
    two_lines = cell_paragraph("first\nsecond", style)
    assert isinstance(two_lines, CellParagraph) and two_lines._lines is None


def test_lines_of_placed_characters_split_into_subsets_as_reportlab_splits_them() -> None:
    # The registered font's shortcut (font_subsets) for a line whose characters are all in
    # the first font subset must give reportlab's own splitString answer, for every line it
    # takes (and leave the rest).
    import random

    from reportlab.pdfbase.pdfmetrics import getFont
    from reportlab.pdfbase.ttfonts import TTFont

    from kapnotes.export.font_subsets import first_subset

    fonts.register_fonts()
    font = getFont(fonts.REGULAR)

    class Doc:
        pass

    doc = Doc()
    chars = "abcKLM \xa0()\\ễịươΣοφίαАнна≥≤⚠✓09" + "".join(chr(0x4E00 + i) for i in range(40))
    rng = random.Random(7)
    taken = 0
    for _ in range(3000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 10)))
        fast = first_subset(font, text, doc)
        if fast is not None:
            taken += 1
            assert fast == TTFont.splitString(font, text, doc), text
        else:
            TTFont.splitString(font, text, doc)
    assert taken > 100


def test_a_broken_cells_copy_is_what_reportlabs_clone_makes() -> None:
    # cells._copy stands in for ABag.clone: it holds while their __init__ only sets attributes.
    fonts.register_fonts()
    para = cell_paragraph("Arrived settled, talked about the week", paragraph_styles()["cell"])
    para.wrap(60, 1000)
    for bag in (para.frags[0], para.blPara):
        copied, cloned = _copy(bag, lines=[]), bag.clone(lines=[])
        assert type(copied) is type(cloned) and copied.__dict__ == cloned.__dict__
        assert list(copied.__dict__) == list(cloned.__dict__)


def test_boxes_break_their_lines_once_and_write_reportlabs_bytes(
        invariant: None, make_report: Callable[..., Report],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A notice, banner or DRAFT box is a one-cell reportlab Table, which wraps its paragraph
    # to size the row and again to draw it: the second wrap reuses the first's lines
    # (pdf.py `_boxed`, a CellParagraph), and the PDF is the one reportlab's Paragraph makes.
    report = make_report(
        (Heading("Session 1", 2), Banner("Σοφία: PHQ-9 item 9 scored 2 " * 6, "alert"),
         Banner("Blood pressure above the threshold & rising <fast>", "warning"),
         DraftMark("DRAFT — not signed: this note may still change"),
         Banner("Seen with the support person.", "info")),
        deidentified=True, notices=("Private process notes are not included.",))
    broken: Counter[int] = Counter()
    kept: list[Paragraph] = []  # alive to the end: no id is reused within a render
    breaks = Paragraph.breakLines

    def counted(self: Paragraph, width: Any) -> Any:
        broken[id(self)] += 1
        kept.append(self)
        return breaks(self, width)

    monkeypatch.setattr(Paragraph, "breakLines", counted)
    ours = render_pdf(report)
    assert len(broken) >= 7 and set(broken.values()) == {1}  # title, 2 notices, 4 boxes
    monkeypatch.setattr(pdf, "CellParagraph", Paragraph)
    broken.clear()
    assert render_pdf(report) == ours
    assert max(broken.values()) >= 2  # reportlab's own: a box's paragraph broken again
