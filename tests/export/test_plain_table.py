"""Plain summary tables (export/plain_table.py, export/table_text.py) lay out exactly as
reportlab's own Table and look the same: the same text on every page and the same page count
read back with pypdf, and every page the same as an image (poppler at 50 dpi). They no longer
write the same bytes: a run of plain cells is one text object at absolute positions instead
of a saved state per cell. Where no PlainTable is involved the bytes are still reportlab's
(reportlab's `invariant` mode: no timestamps or random ids). Each way out of the plain path
is exercised: markup cells (runs of spaces, empty, blank lines), a row split inside itself
across pages, bold highlighted rows and cells, tables with no rows (plain where "No entries"
fits the first column, else a span: reportlab's Table), and the frozen reference reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from golden_pdf import load_reports
from helpers.pdf_images import differing_pixels, page_images
from helpers.pdf_text import page_texts
from reportlab import rl_config
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from kapnotes.export import plain_table
from kapnotes.export.markup import to_markup
from kapnotes.export.pdf import PdfRenderer, render_pdf
from kapnotes.export.plain_table import PlainTable
from kapnotes.export.report import Heading, KeyValues, Paragraph, Report, Table
from kapnotes.export.styles import paragraph_styles
from kapnotes.export.tables import build_key_values, build_table

LONG_NOTE = " ".join(f"Sentence {i} of a long integration note about the week." for i in range(260))


@pytest.fixture
def invariant() -> Iterator[None]:
    saved = rl_config.invariant
    rl_config.invariant = 1
    yield
    rl_config.invariant = saved


def _both(report: Report, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    """(plain tables, reportlab's tables) for the same report."""
    fast = render_pdf(report)
    monkeypatch.setattr(PdfRenderer, "plain_tables", False)
    slow = render_pdf(report)
    monkeypatch.setattr(PdfRenderer, "plain_tables", True)
    return fast, slow


def _assert_same(report: Report, monkeypatch: pytest.MonkeyPatch,
                 same_bytes: bool = False) -> list[str]:
    """Same page count, same text per page, pages that look the same; with `same_bytes`
    (no PlainTable in the report) the very bytes."""
    fast, slow = _both(report, monkeypatch)
    fast_pages, slow_pages = page_texts(fast), page_texts(slow)
    assert len(fast_pages) == len(slow_pages)
    for number, (ours, theirs) in enumerate(zip(fast_pages, slow_pages, strict=True), 1):
        assert ours == theirs, f"page {number} differs"
    if same_bytes:
        assert fast == slow
        return fast_pages
    assert fast != slow  # the plain cells were drawn the new way
    for number, (ours, theirs) in enumerate(zip(page_images(fast), page_images(slow),
                                                strict=True), 1):
        # Anti-aliasing may shift a shade here and there; a moved or missing word is
        # hundreds of pixels.
        assert differing_pixels(ours, theirs) <= 20, f"page {number} looks different"
    return fast_pages


def _text_objects(data: bytes, page: int) -> tuple[int, int]:
    """(text objects, saved graphics states) in one page's content stream."""
    from helpers.pdf_text import read_pdf

    content = read_pdf(data).pages[page].get_contents()
    assert content is not None
    ops = content.get_data().split()
    return ops.count(b"BT"), ops.count(b"q")


def _rows(n: int) -> tuple[tuple[str, ...], ...]:
    return tuple((f"{i + 1}", f"{i % 28 + 1} Nov 2026", "Dosing" if i % 3 else "Integration",
                  "Arrived settled, talked about the week at work and the drive in" * (i % 4),
                  "Nguyễn Thị Hương · Σοφία · Анна ≥ ≤ ⚠ ✓" if i % 7 == 0 else "Calm",
                  "Said <b>not bold</b> & \"AT&T\"" if i % 11 == 0 else "—")
                 for i in range(n))


def test_long_striped_tables_with_highlights_are_byte_identical(
        invariant: None, make_report: Callable[..., Report],
        monkeypatch: pytest.MonkeyPatch) -> None:
    table = Table(("#", "Planned", "Kind", "Note", "Who", "Detail"), _rows(140),
                  widths=(0.5, 1.4, 1.3, 3, 1.5, 1.5),
                  highlight_rows=frozenset({2, 3, 50}),
                  highlight_cells=frozenset({(5, 3), (70, 0)}))
    pages = _assert_same(make_report([Heading("Schedule"), table]), monkeypatch)
    assert len(pages) >= 4 and all("Planned" in page for page in pages)  # header repeats


def test_a_tables_plain_cells_are_one_text_object_not_a_state_per_cell(
        make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch) -> None:
    table = Table(("Time", "Role", "BP"), tuple((f"09:{i:02}", "Post-dose", "118/76")
                                                for i in range(40)))
    fast, slow = _both(make_report([table]), monkeypatch)
    fast_bt, fast_q = _text_objects(fast, 0)
    slow_bt, slow_q = _text_objects(slow, 0)
    # Over 100 cells on the page: reportlab writes a text object and two saved states for
    # each; drawn the plain way the table's cells are one of each.
    assert slow_bt > 100 and slow_q > 200
    assert fast_bt < 10 and fast_q < 10, (fast_bt, fast_q)


@pytest.mark.parametrize("width", [60.0, 110.0, 200.0, 400.0])
def test_cells_with_typed_line_breaks_measure_as_reportlabs_paragraph(width: float) -> None:
    styles, book = paragraph_styles(), plain_table.CellBook()
    style = styles["cell"]
    book.measure("Calm", style, width, 5)  # the style's first plain cell
    texts = ["Sertraline 100 mg\nLithium 450 mg",
             "Arrived settled, talked about the week at work\nand the drive in, then\nslept",
             "one\ntwo\nthree\nfour", "Nguyễn Thị Hương · Σοφία\nАнна ≥ ≤ ⚠ ✓ & <b>x</b>"]
    for text in texts:
        cell = book.measure(text, style, width, 5)
        assert cell.bl is not None, text  # lines of its own, no Paragraph
        para = RLParagraph(to_markup(text), style)
        _w, height = para.wrap(width, 72000)
        assert cell.height == height, text
        # reportlab's lines here are runs of fragments (an escaped `&` is one of its own):
        # the same words on each line, read without the spaces between them.
        theirs = ["".join(frag.text for frag in line.words).replace(" ", "")
                  for line in para.blPara.lines]
        assert ["".join(words) for _extra, words in cell.bl.lines] == theirs, text


def test_markup_cells_are_measured_and_drawn_as_paragraphs_and_match(
        invariant: None, make_report: Callable[..., Report],
        monkeypatch: pytest.MonkeyPatch) -> None:
    rows = (("Current medicines", "Sertraline 100 mg\nLithium 450 mg"),
            ("Indented", "two  spaces  kept"), ("Empty", ""), ("Plain", "Calm and settled"))
    block = KeyValues(rows)
    styles, book = paragraph_styles(), plain_table.CellBook()
    built = build_key_values(block, 480, styles, book)
    assert isinstance(built, PlainTable)
    built.wrap(480, 800)
    measured = [cell for row in built._rows for cell in row]
    # Labels, the plain value and the typed line breaks as lines drawn directly; runs of
    # spaces and the empty value as Paragraphs.
    assert [m.bl is not None for m in measured] == [True, True, True, False, True, False,
                                                     True, True]
    table = Table(("When", "What"), (("09:00", "first\nsecond"), ("09:05", ""),
                                     ("09:10", "blank\n\nline")))
    # The same markup cells again: drawn once by reportlab, then its operators repeated.
    _assert_same(make_report([block, table, block, table]), monkeypatch)


def test_a_row_taller_than_the_page_left_is_split_inside_it_the_reportlab_way(
        invariant: None, make_report: Callable[..., Report],
        monkeypatch: pytest.MonkeyPatch) -> None:
    split_rows: list[int] = []
    real = PlainTable._split_row

    def spy(self: PlainTable, n: int, available: float) -> PlainTable | None:
        table = real(self, n, available)
        if table is not None:
            split_rows.append(n)
        return table

    monkeypatch.setattr(PlainTable, "_split_row", spy)
    filler = KeyValues(tuple((f"Field {i}", "Short answer") for i in range(40)))
    notes = KeyValues((("Clinician", "Dr Demo"), ("Integration note", LONG_NOTE),
                       ("Plan", "Review in two weeks")))
    grid = Table(("Session", "Note"), (("1 Nov", "Calm"), ("2 Nov", LONG_NOTE), ("3 Nov", "Yes")))
    pages = _assert_same(make_report([filler, notes, filler, grid]), monkeypatch)
    assert split_rows, "no row was split inside itself: that split went untested"
    assert sum("Sentence 259" in page for page in pages) == 2


def test_tables_without_rows_are_reportlabs_own_and_match(
        invariant: None, make_report: Callable[..., Report],
        monkeypatch: pytest.MonkeyPatch) -> None:
    styles, book = paragraph_styles(), plain_table.CellBook()
    narrow = Table(("Date", "Alert"), (), widths=(0.02, 1))  # "No entries" needs its span
    assert type(build_table(narrow, 480, styles, book)) is RLTable
    assert type(build_key_values(KeyValues(()), 480, styles, book)) is RLTable
    pages = _assert_same(make_report([narrow, KeyValues(()), Paragraph("After & <end>")]),
                         monkeypatch, same_bytes=True)
    assert "No entries" in pages[0]


def test_a_table_without_rows_whose_first_column_fits_the_notice_is_plain_and_matches(
        make_report: Callable[..., Report], monkeypatch: pytest.MonkeyPatch) -> None:
    # reportlab spans "No entries" over the row; where it fits the first column it is drawn
    # there, in a row as tall as reportlab's (the same pages as images, the same text).
    styles, book = paragraph_styles(), plain_table.CellBook()
    empty = Table(("Effect", "Severity", "Serious", "Note"), ())
    assert type(build_table(empty, 480, styles, book)) is PlainTable
    filler = [Paragraph(f"Line {i} of the notes before the table.") for i in range(52)]
    report = make_report([*filler, empty, Table(("Date", "Alert"), ()), empty,
                          Paragraph("After it.")])
    pages = _assert_same(report, monkeypatch)
    assert sum(page.count("No entries") for page in pages) == 3


@pytest.mark.parametrize("name", ["demo_course", "long_course", "packet"])
def test_the_reference_reports_read_and_look_the_same(
        name: str, invariant: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every kind of block, a DRAFT page, captions of a de-identified packet, a contents page
    # (laid out more than once, each time on a new document).
    _assert_same(load_reports()[name], monkeypatch)
