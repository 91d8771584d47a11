"""Summary tables drawn the plain way (export/plain_table.py: rows measured once and kept with
the row, cells written as one text object, rules as one path per command) read and look
exactly like reportlab's own Table for the same content: varied text (long notes split across
pages, markup, Greek, Vietnamese, emoji, `&` and `<`), empty tables, repeated header rows,
highlighted rows and cells, the same table twice, and a table split over many pages whose
pieces reuse the rows' measurements. Each case renders the report with plain tables and with
reportlab's (`PdfRenderer.plain_tables` off) and compares every page's text (pypdf) and every
page as an image (poppler)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from helpers.pdf_images import differing_pixels, page_images
from helpers.pdf_text import page_texts
from reportlab.lib import colors
from reportlab.lib.colors import CMYKColor, Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table as RLTable

from kapnotes.export import fonts, plain_table, table_fills, table_rules
from kapnotes.export.pdf import PdfRenderer, render_pdf
from kapnotes.export.report import Heading, KeyValues, Paragraph, Report, Table
from kapnotes.export.styles import paragraph_styles
from kapnotes.export.tables import build_table

LONG = " ".join(f"Part {i} of a long reflection on the session and the week after it."
                for i in range(180))
MIXED = ("Nguyễn Thị Hương · Σοφία Παπαδοπούλου · Анна 😊 ≥ ≤ ⚠ ✓",
         "Said <b>not bold</b> & \"AT&T\" < 3 > 1",
         "Two  spaces kept", "Line one\nLine two\n\nafter a blank line", "", "Calm",
         "ένα δύο τρία τέσσερα πέντε έξι επτά οκτώ εννέα δέκα " * 6)


def _same(report: Report, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    plain = render_pdf(report)
    monkeypatch.setattr(PdfRenderer, "plain_tables", False)
    reportlabs = render_pdf(report)
    monkeypatch.setattr(PdfRenderer, "plain_tables", True)
    ours, theirs = page_texts(plain), page_texts(reportlabs)
    assert len(ours) == len(theirs)
    for number, (a, b) in enumerate(zip(ours, theirs, strict=True), 1):
        assert a == b, f"page {number} reads differently"
    for number, (a, b) in enumerate(zip(page_images(plain), page_images(reportlabs),
                                        strict=True), 1):
        assert differing_pixels(a, b) <= 20, f"page {number} looks different"
    return ours


def test_varied_cells_in_striped_tables_and_label_lists_match_reportlabs(
        make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch) -> None:
    rows = tuple((f"{i:02}:00", MIXED[i % len(MIXED)], LONG[: 40 * (i % 9)], "✓" if i % 2 else "")
                 for i in range(60))
    table = Table(("Time", "Said", "Note", "Done"), rows, widths=(0.7, 2, 3, 0.5),
                  highlight_rows=frozenset({1, 7, 30}), highlight_cells=frozenset({(4, 2)}))
    pairs = KeyValues(tuple((f"Field {i} · Πεδίο", MIXED[(i + 3) % len(MIXED)])
                            for i in range(30)))
    pages = _same(make_report([Heading("Mixed"), table, pairs, table, pairs]), monkeypatch)
    assert len(pages) >= 4
    assert sum("Σοφία" in page for page in pages) >= 2


def test_long_notes_split_inside_their_row_across_pages_match_reportlabs(
        make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch) -> None:
    notes = KeyValues((("Clinician", "Dr Demo"), ("Integration note", LONG),
                       ("Greek note", MIXED[-1] * 8), ("Plan", "Review in two weeks")))
    grid = Table(("Session", "Note"), (("1 Nov", "Calm"), ("2 Nov", LONG),
                                       ("3 Nov", MIXED[0]), ("4 Nov", LONG), ("5 Nov", "Yes")))
    filler = [Paragraph(f"Line {i} before the tables.") for i in range(30)]
    pages = _same(make_report([*filler, notes, grid, notes]), monkeypatch)
    assert sum("Part 179" in page for page in pages) == 4  # every long note ends once
    assert all("Session" in page for page in pages if "2 Nov" in page or "4 Nov" in page)


def test_long_markup_notes_split_inside_their_row_across_pages_match_reportlabs(
        make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch) -> None:
    # Typed line breaks, blank lines and runs of spaces: reportlab's Paragraph splits these
    # cells, and a part that does not fit whole is split again on the next page.
    typed = "\n".join(f"Line {i} of a typed list, kept on its own line." for i in range(120))
    blank = "\n\n".join(LONG[i * 400:(i + 1) * 400] for i in range(12))
    spaced = "Two  spaces  kept.  " * 300
    notes = KeyValues((("Typed", typed), ("Blank lines", blank), ("Spaced", spaced)))
    grid = Table(("Session", "Note"), (("1 Nov", typed), ("2 Nov", blank), ("3 Nov", "Yes")))
    filler = [Paragraph(f"Line {i} before the tables.") for i in range(25)]
    pages = _same(make_report([*filler, notes, grid]), monkeypatch)
    assert sum("Line 119 of a typed list" in page for page in pages) == 2
    assert len(pages) >= 8


def test_empty_tables_and_one_row_tables_match_reportlabs(
        make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = [Table(("Effect", "Severity", "Note"), ()),
              Table(("Date", "Alert"), (), widths=(0.02, 1)),  # "No entries" spans the row
              KeyValues(()), Table(("Only",), (("one",),)), KeyValues((("A", ""),)),
              Table(("A", "B"), (("", ""),))]
    pages = _same(make_report(blocks * 3), monkeypatch)
    assert sum(page.count("No entries") for page in pages) == 6


def test_a_long_table_repeats_its_header_and_measures_each_row_once(
        make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch) -> None:
    measured: list[int] = []
    real = plain_table.PlainTable._measured_rows

    def spy(*args: Any) -> Any:
        rows, heights = real(*args)
        measured.append(len(rows))
        return rows, heights

    monkeypatch.setattr(plain_table.PlainTable, "_measured_rows", staticmethod(spy))
    rows = tuple((f"Row {i}", f"{i % 28 + 1} Nov 2026", "Dosing" if i % 3 else "Integration",
                  f"Reading {i}: settled, talked about work " * (1 + i % 3)) for i in range(400))
    pages = _same(make_report([Table(("#", "Date", "Kind", "Note"), rows)]), monkeypatch)
    assert len(pages) >= 8
    assert all("Date" in page and "Row " in page for page in pages)  # the header repeats
    # The table is laid out again at each page break and split into a piece per page, and
    # each piece drawn: every row (the header too) is measured once, when the table is made,
    # its measured cells kept with the row for the pieces and the drawing.
    assert sum(measured) == len(rows) + 1


def _canvas() -> Canvas:
    canvas = Canvas(io.BytesIO())
    canvas.setFont("Helvetica", 9)
    return canvas


def test_fills_write_the_operators_reportlab_writes() -> None:
    fonts.register_fonts()
    styles, book = paragraph_styles(), plain_table.CellBook()
    table = Table(("Time", "Said", "Note"),
                  tuple((f"{i:02}:00", MIXED[i % len(MIXED)], "Calm") for i in range(9)),
                  highlight_rows=frozenset({2, 5}), highlight_cells=frozenset({(4, 1)}))
    built, reportlabs = build_table(table, 480, styles, book), build_table(table, 480, styles)
    assert isinstance(built, plain_table.PlainTable) and isinstance(reportlabs, RLTable)
    assert built.wrap(480, 800) == reportlabs.wrap(480, 800)
    ours, theirs = _canvas(), _canvas()
    built.canv = ours
    table_fills.draw_backgrounds(built, book.number)
    reportlabs.canv = theirs
    reportlabs._drawBkgrnd()
    assert "\n".join(ours._code) == "\n".join(theirs._code)
    assert ours._fillColorObj == theirs._fillColorObj


def test_fills_and_rules_outside_the_plain_case_are_refused() -> None:
    styles, book = paragraph_styles(), plain_table.CellBook()
    cell = book.cell_style(styles["cell"], 3, 3, 4, 4)
    for arg in (CMYKColor(0, 0.2, 0.4, 0), ["VERTICAL", colors.white, colors.grey],
                Color(1, 0, 0, alpha=0.5)):
        fills = [("BACKGROUND", (0, 0), (-1, 0), arg)]
        assert not table_fills.plain_fills(fills)
        with pytest.raises(ValueError):
            plain_table.PlainTable(book, [["a", "b"]], [[cell, cell]], [50, 50], lines=[],
                                   fills=fills)
    dashed = ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.black, 1, (2, 2), 1, 1, 0.4)
    double = ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.black, 1, None, 1, 2, 0.4)
    for line in (dashed, double):
        assert not table_rules.plain_rules([line])
        with pytest.raises(ValueError):
            plain_table.PlainTable(book, [["a", "b"]], [[cell, cell]], [50, 50], lines=[line],
                                   fills=[])


def test_a_table_command_the_plain_table_cannot_draw_is_refused_not_dropped() -> None:
    """build_table's commands reach the PlainTable as rules and fills; one of any other kind
    (say a grid added to build_table later) is refused, where it would otherwise vanish from
    the PDF while reportlab's path still drew it."""
    from kapnotes.export.tables import _plain_table

    table = Table(("When", "What"), (("09:00", "BP 120/80"),))
    commands: list[tuple[Any, ...]] = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.grey),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]
    with pytest.raises(ValueError, match="GRID"):
        _plain_table(table, [60.0, 60.0], paragraph_styles(), plain_table.CellBook(), commands)
