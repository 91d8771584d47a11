"""Page streams compressed while the layout goes on (export/page_deflate.py) inflate to
exactly what reportlab would have compressed at the end.

The splice is checked on its own (any prefix, drawing and suffix, in any characters; the
Adler-32 of two pieces against zlib's of the whole), then on whole reports: with it and
with reportlab compressing every page itself, every page's content stream is the same
bytes once inflated, every page reads and looks the same.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import pytest
from helpers.pdf_images import differing_pixels, page_images
from helpers.pdf_text import page_texts, read_pdf
from hypothesis import given, settings
from hypothesis import strategies as st

from kapnotes.export import page_canvas, pdf
from kapnotes.export.page_deflate import Deflated, adler32_combine, splice
from kapnotes.export.report import DraftMark, Heading, PageBreak, Paragraph, Report

NAMES = "Nguyễn Thị Hương · Σοφία Παπαδοπούλου · Анна Кузнецова"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=5000), st.text(max_size=40000), st.text(max_size=300))
def test_spliced_pieces_inflate_to_the_whole(prefix: str, middle: str, suffix: str) -> None:
    stream = splice(prefix, Deflated(middle.encode("utf-8")), suffix)
    assert zlib.decompress(stream) == (prefix + middle + suffix).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=70000), st.binary(max_size=70000))
def test_adler32_of_two_pieces(first: bytes, second: bytes) -> None:
    assert adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second)) == \
        zlib.adler32(first + second)


def test_a_long_prefix_and_an_empty_drawing() -> None:
    prefix = "".join(f"BT ({n}) Tj ET\n" for n in range(20000))  # beyond the small window
    assert zlib.decompress(splice(prefix, Deflated(b""), "\n \n")) == \
        (prefix + "\n \n").encode()


def _report(make_report: Callable[..., Report]) -> Report:
    sections: list[object] = []
    for n in range(14):
        sections += [Heading(f"Session {n + 1} — {NAMES[: n * 3]}", 1 + n % 2),
                     Paragraph(f"Body {n} {NAMES} " * 25)]
        if n % 5 == 2:
            sections += [DraftMark("Draft: not signed"), PageBreak()]
    return make_report(sections, audit_head="3 entries, head 00ff", deidentified=True)


@pytest.fixture
def both(make_report: Callable[..., Report],
         monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    report = _report(make_report)
    early = pdf.render_pdf(report)
    maker = page_canvas.deferred_canvas_maker

    def reportlab_compresses(furniture: page_canvas.Furniture, *, deflate: bool = False
                             ) -> Callable[..., page_canvas.DeferredPageCanvas]:
        return maker(furniture, deflate=False)

    monkeypatch.setattr(pdf, "deferred_canvas_maker", reportlab_compresses)
    return early, pdf.render_pdf(report)


def test_every_page_stream_inflates_to_reportlabs(both: tuple[bytes, bytes]) -> None:
    early, late = both
    early_pages, late_pages = read_pdf(early).pages, read_pdf(late).pages
    assert len(early_pages) == len(late_pages) >= 7
    for a, b in zip(early_pages, late_pages, strict=True):
        stream, theirs = a.get_contents(), b.get_contents()
        assert stream is not None and theirs is not None
        assert stream.get_data() == theirs.get_data()
        # spliced (one deflate filter), not reportlab's own (its ASCII85 on top, by default)
        assert str(a["/Contents"].get_object()["/Filter"]) == "['/FlateDecode']"
    assert page_texts(early) == page_texts(late)


def test_pages_look_the_same(both: tuple[bytes, bytes]) -> None:
    early, late = both
    for n, (a, b) in enumerate(zip(page_images(early, dpi=50), page_images(late, dpi=50),
                                   strict=True), 1):
        assert differing_pixels(a, b) == 0, f"page {n} looks different"
