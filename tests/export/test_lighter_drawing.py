"""Drawing done more cheaply looks and reads exactly as reportlab's own drawing did.

- A plain table's rules (export/table_rules.py): one path per line command instead of one per
  segment. Rendered with and without it, every page is the same image and the same text, and
  the rules really were merged (fewer stroke operators).
- Body paragraphs and headings drawn the way plain cells are (export/cells.py,
  `TextParagraph`): rendered beside reportlab's own Paragraph of the same text, every page is
  the same image and the same text, Latin, Greek, Cyrillic and Vietnamese alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from helpers.pdf_images import differing_pixels, page_images
from helpers.pdf_text import page_texts, read_pdf

from kapnotes.export import cells, pdf, plain_table, table_rules
from kapnotes.export.markup import to_markup
from kapnotes.export.report import Heading, KeyValues, Paragraph, Report, Table

NAMES = "Nguyễn Thị Hương · Σοφία Παπαδοπούλου · Анна Кузнецова ≥ ≤ ✓"


def _report(make_report: Callable[..., Report]) -> Report:
    rows = tuple((f"{i + 1}", f"{i % 28 + 1} Nov 2026", "Dosing" if i % 3 else "Integration",
                  "Arrived settled and talked about the week at work " * (i % 4),
                  NAMES if i % 7 == 0 else "Calm") for i in range(90))
    sections: list[Any] = []
    for n in range(6):
        sections += [
            Heading(f"Session {n + 1} — {NAMES if n % 2 else 'Dosing'}", 1 + n % 3),
            Paragraph("A body paragraph long enough to be broken over several lines, "
                      f"with the client's words: {NAMES}. " * 3),
            Paragraph("A muted note & its <angle> brackets stay reportlab's.", "muted"),
            KeyValues((("Intention", "To rest. " * 12), ("Mood", "Settled"))),
        ]
    sections.append(Table(("#", "Planned", "Kind", "Note", "Who"), rows,
                          highlight_rows=frozenset({3, 40}),
                          highlight_cells=frozenset({(5, 3)})))
    return make_report(sections)


def _assert_looks_and_reads_the_same(ours: bytes, theirs: bytes) -> None:
    assert page_texts(ours) == page_texts(theirs)
    images = zip(page_images(ours, dpi=72), page_images(theirs, dpi=72), strict=True)
    for number, (a, b) in enumerate(images, 1):
        assert differing_pixels(a, b) == 0, f"page {number} looks different"


def _strokes(data: bytes) -> int:
    total = 0
    for page in read_pdf(data).pages:
        content = page.get_contents()
        assert content is not None
        total += content.get_data().split().count(b"S")
    return total


def _rules_per_segment(table: Any, number: Callable[[float], str], _drawn: Any = None) -> None:
    """reportlab's way (`Table._drawLines`): the same rules, each segment its own path."""
    code = table.canv._code
    start = len(code)
    real_draw_rules(table, number)
    code[start:] = [re.sub(r" l (?=\S+ \S+ m )", " l S n ", c) for c in code[start:]]


real_draw_rules = table_rules.draw_rules


def test_merged_table_rules_paint_the_same_pages(make_report: Callable[..., Report],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    report = _report(make_report)
    merged = pdf.render_pdf(report)
    monkeypatch.setattr(plain_table, "draw_rules", _rules_per_segment)
    reportlabs = pdf.render_pdf(report)
    _assert_looks_and_reads_the_same(merged, reportlabs)
    assert len(page_texts(merged)) >= 3
    assert _strokes(merged) < _strokes(reportlabs) / 2  # a path per command, not per row


def test_paragraphs_and_headings_drawn_like_cells_look_like_reportlabs(
        make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch) -> None:
    report = _report(make_report)
    ours = pdf.render_pdf(report)

    def reportlabs(text: str, style: Any, kind: type[cells.CellParagraph] =
                   cells.TextParagraph) -> cells.CellParagraph:
        return kind(to_markup(text), style)  # parsed, no line cache: reportlab draws it

    monkeypatch.setattr(pdf, "text_paragraph", reportlabs)
    theirs = pdf.render_pdf(report)
    _assert_looks_and_reads_the_same(ours, theirs)
    # The outline still finds every heading (headings are still recognised as such).
    assert len(read_pdf(ours).outline) == len(read_pdf(theirs).outline) > 0
