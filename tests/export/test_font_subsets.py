"""`fonts.SubsetFont.splitString` gives reportlab's answer, and places characters in the
same subsets in the same order, for any sequence of texts drawn into one document."""

from __future__ import annotations

import random

from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfbase.ttfonts import TTFont

from kapnotes.export import fonts
from kapnotes.export.font_subsets import SubsetFont
from kapnotes.paths import resource_path

ALPHABET = ("abcdefghijklmnopqrstuvwxyz ABCDEFG 0123456789 .,;:-–—'\"()"
            "\u00a0éèüßøå ΑΒΓαβγ Жжщ ơưđ ✓⚠😀" + "".join(map(chr, range(0x400, 0x4ff))))


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    # Mostly text already seen (what the shortcut is for), sometimes new characters.
    common = [" ".join(rng.choice(["session", "dose", "Yes", "No", "12:30", "BP 120/80"])
                       for _ in range(rng.randint(1, 6))) for _ in range(30)]
    out = []
    for _ in range(count):
        if rng.random() < 0.7:
            out.append(rng.choice(common))
        else:
            out.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40))))
    return out


def test_split_strings_and_subsets_match_reportlab() -> None:
    path = str(resource_path("fonts", "DejaVuSans.ttf"))
    plain, fast = TTFont("plain-dejavu", path), SubsetFont("fast-dejavu", path)
    doc_plain, doc_fast = PDFDocument(), PDFDocument()
    texts = _texts(7, 3000)
    for text in texts:
        assert fast.splitString(text, doc_fast) == plain.splitString(text, doc_plain), text
    assert fast.state[doc_fast].assignments == plain.state[doc_plain].assignments
    assert fast.state[doc_fast].subsets == plain.state[doc_plain].subsets
    assert len(plain.state[doc_plain].subsets) > 1  # later subsets were exercised too


def test_registered_fonts_use_the_shortcut() -> None:
    from reportlab.pdfbase.pdfmetrics import getFont

    fonts.register_fonts()
    assert all(isinstance(getFont(name), SubsetFont)
               for name in (fonts.REGULAR, fonts.BOLD, fonts.ITALIC, fonts.BOLD_ITALIC))
