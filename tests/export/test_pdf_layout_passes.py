"""Renderer edits made for the summaries: fresh flowables each layout pass, headings never
alone at a page foot, captions on free-text tables, progress reported and cancellable."""

from __future__ import annotations

import pytest
from helpers.pdf_text import page_texts

from kapnotes.export.pdf import IDENTIFYING_CAPTION, render_pdf
from kapnotes.export.report import Heading, KeyValues, Paragraph, Table


def test_a_line_moved_to_the_next_page_renders_in_every_pass(make_report) -> None:
    # reportlab marks a postponed flowable and raised "too large" when the same flowable
    # object was laid out again in the second ("Page X of Y") pass.
    blocks = [Paragraph(f"Line {i}: settled and calm.") for i in range(160)]
    texts = page_texts(render_pdf(make_report(blocks)))
    assert len(texts) >= 3
    assert "Line 159" in texts[-1]


def test_heading_is_not_left_alone_at_the_foot_of_a_page(make_report) -> None:
    filler = [Paragraph(f"Line {i}") for i in range(43)]
    texts = page_texts(render_pdf(make_report([*filler, Heading("Vitals"),
                                               Paragraph("First reading")])))
    page = next(t for t in texts if "Vitals" in t)
    assert "First reading" in page


def test_free_text_tables_carry_the_caption_when_deidentified(make_report) -> None:
    blocks = [KeyValues([("Narrative", "Calm")], possibly_identifying=True),
              Table(("Note",), (("Calm",),), possibly_identifying=True)]
    text = "".join(page_texts(render_pdf(make_report(blocks, deidentified=True))))
    assert text.count(IDENTIFYING_CAPTION) == 2
    plain = "".join(page_texts(render_pdf(make_report(blocks))))
    assert IDENTIFYING_CAPTION not in plain


def test_progress_rises_and_an_exception_stops_rendering(make_report) -> None:
    seen: list[float] = []
    render_pdf(make_report([Paragraph(f"Line {i}") for i in range(100)]), progress=seen.append)
    assert seen and 0 < max(seen) < 1

    class Stop(Exception):
        pass

    def stop(_fraction: float) -> None:
        raise Stop

    with pytest.raises(Stop):
        render_pdf(make_report([Paragraph("x")]), progress=stop)
