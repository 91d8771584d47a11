"""Page dictionaries written with their shared parts formatted once, spliced page streams
written without a dictionary object and outline entries written without one (export/
page_canvas.py `_PlainPage`, `_DeflatedStream`, `_PlainOutlineEntry`), are byte for byte
reportlab's own.

reportlab's `invariant` mode (no timestamps or random ids) makes two renders of one report
comparable as bytes: with the short page formatting and with reportlab's `PDFPage` for
every page. The reports have plain pages and pages the short path leaves to reportlab
(a DRAFT watermark's transparency, a contents page's links), so both ways are exercised.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers.pdf_text import page_texts, read_pdf
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from kapnotes.export import page_canvas, pdf
from kapnotes.export.report import DraftMark, Heading, PageBreak, Paragraph, Report, Table

NAMES = "Nguyễn Thị Hương · Σοφία Παπαδοπούλου · Анна Кузнецова"


def _sections() -> list[object]:
    sections: list[object] = []
    for n in range(12):
        sections += [Heading(f"Session {n + 1} — {NAMES[: n * 3]}", 1 + n % 2),
                     Paragraph(f"Body {n} {NAMES} " * 20),
                     Table(("When", "What"), tuple((f"{h}:00", f"Reading {h} {NAMES}")
                                                   for h in range(n + 2)))]
        if n % 4 == 1:
            sections += [DraftMark("Draft: not signed"), PageBreak()]
    return sections


def _counted(monkeypatch: pytest.MonkeyPatch, kind: type) -> list[object]:
    """The objects `kind.format` is called on from now on (it still formats them)."""
    called: list[object] = []
    own_format = kind.format  # type: ignore[attr-defined]

    def counted(obj: object, document: pdfdoc.PDFDocument) -> bytes:
        called.append(obj)
        return own_format(obj, document)  # type: ignore[no-any-return]

    monkeypatch.setattr(kind, "format", counted)
    return called


def _both(report: Report, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes, int, int]:
    """(short path's PDF, reportlab's PDF, pages, pages the short path left to reportlab)."""
    monkeypatch.setattr(rl_config, "invariant", 1)
    by_reportlab = _counted(monkeypatch, pdfdoc.PDFPage)
    entries = _counted(monkeypatch, page_canvas._PlainOutlineEntry)
    short = pdf.render_pdf(report)
    assert len(entries) >= 12  # a heading's outline entry each, written the short way
    left_to_reportlab = len(by_reportlab)
    monkeypatch.setattr(page_canvas.DeferredPageCanvas, "plain_pages", False)
    reportlabs = pdf.render_pdf(report)
    return short, reportlabs, len(read_pdf(short).pages), left_to_reportlab


@pytest.mark.parametrize("contents", [False, True])
def test_page_dictionaries_are_reportlabs_bytes(
        contents: bool, make_report: Callable[..., Report],
        monkeypatch: pytest.MonkeyPatch) -> None:
    report = make_report(_sections(), contents=contents, deidentified=True,
                         audit_head="7 entries, head 00ff00ff00ff")
    short, reportlabs, pages, left = _both(report, monkeypatch)
    assert short == reportlabs
    assert page_texts(short) == page_texts(reportlabs)
    # Both ways were taken: the watermarked pages (and the contents page, with its links)
    # by reportlab, the other pages the short way.
    assert pages >= 8
    assert 0 < left < pages
