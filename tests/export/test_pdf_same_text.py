"""Renderer speed and memory work keeps every page saying the same thing.

Three frozen reports (tests/export/golden_pdf.py) are rendered and read back with pypdf; each
page's text must equal what the renderer produced before the work began, header and footer
("Page X of Y") included, so a line broken elsewhere, a row moved to another page or a page
more or less shows up as a failure.
"""

from __future__ import annotations

import pytest
from golden_pdf import load_pages, load_reports
from helpers.pdf_text import page_texts

from kapnotes.export.pdf import render_pdf

REPORTS = load_reports()
PAGES = load_pages()


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_each_page_has_the_reference_text(name: str) -> None:
    texts = page_texts(render_pdf(REPORTS[name]))
    expected = PAGES[name]
    assert len(texts) == len(expected)
    for number, (got, want) in enumerate(zip(texts, expected, strict=True), start=1):
        assert got == want, f"{name}: page {number} differs"


def test_the_reference_covers_long_tables_contents_and_drafts() -> None:
    # What the comparison is worth: tables split over pages, a contents page, a DRAFT page.
    long_course = PAGES["long_course"]
    assert len(long_course) > 60
    assert "Contents" in PAGES["packet"][0] + PAGES["packet"][1]
    assert any("DRAFT" in page for page in PAGES["demo_course"])
