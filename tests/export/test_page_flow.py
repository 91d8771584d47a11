"""The short page flow (export/page_flow.py) lays every page out as reportlab's own did.

Reports made to put headings at the foot of pages (the conditional page break before each),
long paragraphs and tables split over pages, empty sections, page breaks in a row and at
the top of a page, a chart kept with its heading, are rendered with the short path and with
reportlab's build loop: every page must read the same, look the same, and draw the same
operators in the same order once the empty `q … cm Q` reportlab writes for a spacer (which
paints nothing, and the short path leaves out) are taken away from both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from helpers.pdf_images import differing_pixels, page_images
from helpers.pdf_text import page_texts, read_pdf

from kapnotes.export import page_flow, pdf
from kapnotes.export.report import (
    Banner,
    DraftMark,
    Heading,
    KeyValues,
    LineChart,
    PageBreak,
    Paragraph,
    Report,
    Series,
    SignatureLine,
    Table,
)

WORDS = "settled calm Nguyễn Σοφία Анна integration breath held week talked ≥ ✓".split()
EMPTY_DRAW = re.compile(rb"q\n1 0 0 1 \S+ \S+ cm\nQ\n")


def _text(n: int, seed: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(n))


def _sections(lines_before: int) -> list[Any]:
    """Paragraphs of growing length between headings, so the headings fall at every height
    of a page, one of them at its foot; a paragraph longer than a page; empty sections."""
    out: list[Any] = [Paragraph(_text(14 * lines_before, lines_before))]
    for n in range(1, 26):
        out += [Heading(f"Session {n}", 1 + n % 3), Paragraph(_text(9 * n, n))]
        if n % 5 == 0:
            out += [Heading(f"Empty section {n}", 2), Heading(f"Next {n}", 2)]
        if n % 6 == 0:
            out.append(KeyValues((("Intention", _text(40, n)), ("Mood", "Settled"))))
        if n % 8 == 0:
            out += [PageBreak(), PageBreak()]
    out += [Paragraph(_text(1200, 3)),  # longer than a page: split over three
            Heading("Vitals", 2),
            Table(("Time", "Role", "Note"), tuple(
                (f"{i:02d}:00", "Sitter" if i % 2 else "Lead", _text(i % 9, i))
                for i in range(120)), possibly_identifying=True),
            Banner("Blood pressure above threshold twice.", "warning"),
            Heading("Outcomes", 1),
            LineChart("PHQ-9", "Date", "Total", (Series("PHQ-9", tuple(
                (dt.date(2026, 1, 1) + dt.timedelta(days=7 * i), float(20 - i))
                for i in range(12))),)),
            DraftMark("Draft: not signed"),
            PageBreak(),
            SignatureLine("Signed: clinician")]
    return out


def _watch(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts, on the short path, conditional breaks that moved what follows to the next
    page and flowables that did not fit where they stood (split or moved)."""
    from collections import Counter

    from reportlab.platypus import CondPageBreak

    seen: Counter[str] = Counter()
    did_not_fit = page_flow.FlowTemplate._did_not_fit
    cond_wrap = CondPageBreak.wrap

    def watched(self: Any, flowables: Any, f: Any, frame: Any) -> None:
        if self.plain_path:
            seen[f"{type(f).__name__} split"] += 1
        did_not_fit(self, flowables, f, frame)

    def wrap(self: Any, width: float, height: float) -> Any:
        if height < self.height:
            seen["heading moved"] += 1
        return cond_wrap(self, width, height)

    monkeypatch.setattr(page_flow.FlowTemplate, "_did_not_fit", watched)
    monkeypatch.setattr(CondPageBreak, "wrap", wrap)
    return seen


def _streams(data: bytes) -> list[bytes]:
    out = []
    for page in read_pdf(data).pages:
        content = page.get_contents()
        assert content is not None
        out.append(EMPTY_DRAW.sub(b"", content.get_data()))
    return out


def _both(report: Report, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "invariant", 1)
    short = pdf.render_pdf(report)
    monkeypatch.setattr(page_flow.FlowTemplate, "plain_path", False)
    reportlabs = pdf.render_pdf(report)
    return short, reportlabs


@pytest.mark.parametrize("lines_before", [0, 3, 7, 11])
def test_short_flow_lays_out_every_page_as_reportlab(
        lines_before: int, make_report: Callable[..., Report],
        monkeypatch: pytest.MonkeyPatch) -> None:
    report = make_report(_sections(lines_before), deidentified=True,
                         audit_head="12 entries, head 0a1b2c3d4e5f")
    seen = _watch(monkeypatch)
    short, reportlabs = _both(report, monkeypatch)
    texts = page_texts(short)
    assert len(texts) > 12
    assert texts == page_texts(reportlabs)
    assert _streams(short) == _streams(reportlabs)
    # What the comparison is worth: on the short path, headings moved to the next page by
    # their conditional break, and paragraphs and tables that did not fit were split.
    assert seen["heading moved"] >= 3
    assert seen["TextParagraph split"] >= 2
    assert seen["PlainTable split"] >= 1


def test_short_flow_pages_look_the_same(make_report: Callable[..., Report],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    short, reportlabs = _both(make_report(_sections(5)), monkeypatch)
    images = zip(page_images(short, dpi=60), page_images(reportlabs, dpi=60), strict=True)
    for number, (a, b) in enumerate(images, 1):
        assert differing_pixels(a, b) == 0, f"page {number} looks different"


def test_spacers_write_nothing(make_report: Callable[..., Report],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    short, reportlabs = _both(make_report(_sections(2)), monkeypatch)

    def empty_draws(data: bytes) -> int:
        return sum(len(EMPTY_DRAW.findall(page.get_contents().get_data()))  # type: ignore[union-attr]
                   for page in read_pdf(data).pages)

    # reportlab writes one per spacer and conditional break; the short path none (those
    # left are reportlab's own, e.g. a spacer inside a KeepTogether, drawn on both paths)
    assert empty_draws(reportlabs) - empty_draws(short) > 40


def test_headings_at_the_foot_of_a_page_move_to_the_next(
        make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch) -> None:
    # Body text filling a page to every height near its foot, then a heading: with less
    # than HEADING_ROOM below it the heading starts the next page, on both paths alike.
    sections: list[Any] = []
    for words in range(600, 800, 6):
        sections += [PageBreak(), Paragraph(_text(words, words)),
                     Heading(f"Foot heading {words}", 2), Paragraph(_text(20, 1))]
    seen = _watch(monkeypatch)
    short, reportlabs = _both(make_report(sections), monkeypatch)
    texts = page_texts(short)
    assert texts == page_texts(reportlabs)
    assert _streams(short) == _streams(reportlabs)
    assert seen["heading moved"] >= 3
    for page in texts:  # a heading always has its paragraph's first line below it
        lines = page.splitlines()  # (the header and footer read first: drawn first)
        for n, line in enumerate(lines):
            if line.startswith("Foot heading"):
                assert n + 1 < len(lines) and lines[n + 1].startswith("held")


def test_a_template_that_changes_a_skipped_step_gets_reportlabs_loop(
        make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def filtering(self: Any, flowables: Any) -> None:
        seen.append(type(flowables[0]).__name__)

    monkeypatch.setattr(pdf._DocTemplate, "filterFlowables", filtering)
    pdf.render_pdf(make_report(_sections(1)))
    assert "TextParagraph" in seen and "PlainTable" in seen  # asked of every flowable
