"""`fonts.SubsetFont.splitString` gives reportlab's answer, and places characters in the
same subsets in the same order, for any sequence of texts drawn into one document."""

from __future__ import annotations

import io
import random
import threading
import time

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.pdfgen.canvas import Canvas

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


def test_ascii_texts_placing_new_characters_match_reportlab() -> None:
    # The ASCII shortcut (bytes) must place nothing and answer as reportlab does, also when
    # a text brings an ASCII character not placed yet (printable ASCII is placed at codes of
    # its own from the start; control characters such as a tab get the next free code when
    # first drawn), or a no-break space beside ASCII.
    path = str(resource_path("fonts", "DejaVuSans.ttf"))
    plain, fast = TTFont("plain-ascii", path), SubsetFont("fast-ascii", path)
    doc_plain, doc_fast = PDFDocument(), PDFDocument()
    rng = random.Random(11)
    letters = [chr(c) for c in range(32, 127)]
    controls = [chr(c) for c in range(1, 32)]
    for n in range(2000):
        # The alphabet grows: new characters keep coming, a control character now and then.
        pool = letters[: 10 + n // 25] + controls[: n // 65]
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
        if n % 97 == 0:
            text += "\u00a0x"
        assert fast.splitString(text, doc_fast) == plain.splitString(text, doc_plain), text
    assert fast.state[doc_fast].assignments == plain.state[doc_plain].assignments


def _one_page(font: TTFont, texts: list[str], monkeypatch: pytest.MonkeyPatch) -> bytes:
    # pdfmetrics.registerFont keeps the first font of a face: put this one under its name.
    monkeypatch.setitem(pdfmetrics._fonts, font.fontName, font)
    buf = io.BytesIO()
    canvas = Canvas(buf, invariant=1)
    canvas.setFont(font.fontName, 11)
    for n, text in enumerate(texts):
        canvas.drawString(40, 800 - 14 * n, text)
    canvas.save()
    return buf.getvalue()


def test_embedded_subsets_are_reportlabs_in_every_document_one_after_another(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The font files and compressed streams kept from one document (font_subsets.Kept) must
    # be what reportlab makes for the next: the same characters, other characters (a new
    # subset to make), two subsets, and the first again.
    path = str(resource_path("fonts", "DejaVuSans.ttf"))
    plain, kept = TTFont("embed-test", path), SubsetFont("embed-test", path)
    first = ["Calm and settled", "BP 120/80 ✓"]
    runs = [first, first, ["Жжщ ơưđ other text"], _texts(3, 40), first]
    for texts in runs:
        assert _one_page(kept, texts, monkeypatch) == _one_page(plain, texts, monkeypatch)


def test_a_subset_kept_is_not_made_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # The kept path must actually serve the next document: reportlab's own makeSubset runs
    # for the first document and not for the same characters again.
    made: list[tuple[int, ...]] = []
    original = TTFontFace.makeSubset

    def counting(face: TTFontFace, subset: list[int]) -> bytes:
        made.append(tuple(subset))
        return original(face, subset)

    monkeypatch.setattr(TTFontFace, "makeSubset", counting)
    kept = SubsetFont("embed-count", str(resource_path("fonts", "DejaVuSans.ttf")))
    texts = ["A subset made once", "then kept ✓"]
    _one_page(kept, texts, monkeypatch)
    first = len(made)
    assert first >= 1
    for _ in range(3):
        _one_page(kept, texts, monkeypatch)
    assert len(made) == first


def test_subsets_are_made_one_at_a_time_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    # reportlab's face reads the font file through one seek position: two renders on two
    # threads (the export worker, a review request) must not make subsets at the same time.
    inside, most = 0, 0
    guard = threading.Lock()
    original = TTFontFace.makeSubset

    def slow(face: TTFontFace, subset: list[int]) -> bytes:
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)  # long enough for the other thread to arrive
        try:
            return original(face, subset)
        finally:
            with guard:
                inside -= 1

    monkeypatch.setattr(TTFontFace, "makeSubset", slow)
    kept = SubsetFont("embed-threads", str(resource_path("fonts", "DejaVuSans.ttf")))
    threads = [threading.Thread(target=kept.face.makeSubset, args=(list(range(32 + n, 90)),))
               for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1
