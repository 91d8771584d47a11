"""A long report is laid out as a stream: the tables of pages already drawn are let go while
later pages are made, so memory does not grow with page count (the bench measures the bytes;
this checks the mechanism). The text per page is checked in test_pdf_same_text.py."""

from __future__ import annotations

import gc

from helpers.pdf_text import read_pdf
from reportlab.platypus import Table as RLTable

from kapnotes.export.cells import CellParagraph
from kapnotes.export.pdf import render_pdf
from kapnotes.export.plain_table import PlainTable
from kapnotes.export.report import Heading, KeyValues, Table


def _live_cells() -> int:
    """Cells still held: Paragraph cells, and the rows of tables (plain cells are text in a
    table's rows, export/plain_table.py)."""
    return sum(1 if isinstance(o, CellParagraph) else o._nrows * len(o._colWidths)
               for o in gc.get_objects() if isinstance(o, CellParagraph | RLTable | PlainTable))


def test_cells_of_drawn_pages_are_released_while_later_pages_are_laid_out(make_report) -> None:
    blocks = []
    for n in range(120):
        blocks += [Heading(f"Session {n}", level=2),
                   KeyValues(tuple((f"Field {i}", f"Calm, settled {n}.{i}") for i in range(6))),
                   Table(("Time", "Role", "BP"), tuple((f"09:{m:02d}", "extra", "120/80")
                                                       for m in range(8)))]
    total_cells = 120 * (6 * 2 + 8 * 3 + 3)
    live: list[int] = []
    calls = [0]

    def watch(_fraction: float) -> None:
        calls[0] += 1
        if calls[0] % 20 == 0:  # progress comes once per block (360 here)
            gc.collect()
            live.append(_live_cells())

    data = render_pdf(make_report(blocks), progress=watch)
    assert len(live) >= 5
    assert max(live) < total_cells / 10
    # Only the pages asserted on have their text extracted; every page is still parsed.
    pages = read_pdf(data).pages
    assert len(pages) > 40
    last_two = "".join(pages[n].extract_text() for n in (len(pages) - 2, len(pages) - 1))
    assert "Session 119" in last_two and "Page 1 of" in pages[0].extract_text()


def test_progress_still_rises_to_near_the_end_when_streamed(make_report) -> None:
    seen: list[float] = []
    render_pdf(make_report([Table(("A",), ((str(i),),)) for i in range(200)]),
               progress=seen.append)
    assert seen == sorted(seen) and 0.9 <= max(seen) < 1
