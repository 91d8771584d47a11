"""Table and KeyValues blocks → reportlab Tables that split across pages cleanly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from kapnotes.export.cell_book import CellBook
from kapnotes.export.cells import cell_paragraph
from kapnotes.export.plain_table import PlainTable
from kapnotes.export.report import KeyValues, Table
from kapnotes.export.table_rules import rule

HEADER_BG = colors.HexColor("#34495E")
STRIPE = colors.HexColor("#F4F6F8")
GRID = colors.HexColor("#C9D1D9")
HIGHLIGHT_ROW = colors.HexColor("#FDE2E1")
HIGHLIGHT_CELL = colors.HexColor("#F8B4B0")


NO_ENTRIES = "No entries"


def _empty_fits(first_column: float, muted: ParagraphStyle) -> bool:
    """Whether "No entries" fits on one line in the first column, inside its padding."""
    return stringWidth(NO_ENTRIES, muted.fontName, muted.fontSize) <= first_column - 8


def column_widths(table: Table, total: float) -> list[float]:
    """Absolute widths from the hint, or from content length (capped so one long note
    cannot squeeze the other columns to nothing)."""
    if table.widths is not None:
        weights = list(table.widths)
    else:
        weights = []
        for c, header in enumerate(table.columns):
            longest = max([len(header)] + [len(row[c]) for row in table.rows])
            weights.append(float(min(max(longest, 5), 32)))
    scale = total / sum(weights)
    return [w * scale for w in weights]


def _plain_table(table: Table, widths: list[float], styles: dict[str, ParagraphStyle],
                 book: CellBook, commands: list[tuple[Any, ...]]) -> PlainTable:
    """build_table's table as a PlainTable (plain_table.py): its cells as text, measured and
    drawn through the book."""
    head_style = book.cell_style(styles["head"], 3, 3, 4, 4)
    columns = len(table.columns)
    texts: list[Sequence[str]] = [table.columns]
    cell_styles = [[head_style] * columns]
    lines = [rule(*c) for c in commands if c[0] in ("LINEBELOW", "BOX")]
    fills = [c for c in commands if c[0] in ("BACKGROUND", "ROWBACKGROUNDS")]
    if len(lines) + len(fills) != len(commands):  # a new command would vanish from the PDF
        unknown = sorted({str(c[0]) for c in commands} - {"LINEBELOW", "BOX", "BACKGROUND",
                                                          "ROWBACKGROUNDS"})
        raise ValueError(f"PlainTable cannot draw table commands {unknown}")
    if not table.rows:
        # "No entries" spans the row in reportlab's table; where it fits the first column
        # it draws the same there, so the table is plain (a span would make it reportlab's).
        # The row is as tall as reportlab makes the spanned one: its empty text cells count
        # as one line of the cell style's leading each, beside the paragraph's own height.
        muted = book.cell_style(styles["muted"], 3, 3, 4, 4)
        text = book.measure(NO_ENTRIES, styles["muted"], widths[0] - 8, 6).total
        return PlainTable(book, [*texts, [NO_ENTRIES] + [""] * (columns - 1)],
                          [*cell_styles, [muted] * columns], widths, repeat=1, lines=lines,
                          fills=fills, heights=[None, max(text, muted.leading) + 6])
    bold_cell = book.derived_style("cell-bold", styles["cell"], styles["label"].fontName)
    normal = book.cell_style(styles["cell"], 3, 3, 4, 4)
    emphasis = book.cell_style(bold_cell, 3, 3, 4, 4)
    marks, cells = table.highlight_rows, table.highlight_cells
    for r, row in enumerate(table.rows):
        texts.append(row)
        if r in marks:
            cell_styles.append([emphasis] * len(row))
        elif cells:
            cell_styles.append([emphasis if (r, c) in cells else normal
                                for c in range(len(row))])
        else:
            cell_styles.append([normal] * len(row))
    return PlainTable(book, texts, cell_styles, widths, repeat=1, lines=lines, fills=fills)


def build_table(table: Table, width: float, styles: dict[str, ParagraphStyle],
                book: CellBook | None = None) -> Flowable:
    """A striped table; header row repeats on every page, highlighted rows are tinted and bold.
    With a `book`, plain cells are measured and drawn through it (plain_table.py)."""
    cell, bold, head = styles["cell"], styles["label"], styles["head"]
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
        ("BOX", (0, 0), (-1, -1), 0.6, GRID),
    ]
    if table.rows:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, STRIPE]))
    for r in sorted(table.highlight_rows):
        if 0 <= r < len(table.rows):
            commands.append(("BACKGROUND", (0, r + 1), (-1, r + 1), HIGHLIGHT_ROW))
    for r, c in sorted(table.highlight_cells):
        if 0 <= r < len(table.rows) and 0 <= c < len(table.columns):
            commands.append(("BACKGROUND", (c, r + 1), (c, r + 1), HIGHLIGHT_CELL))
    widths = column_widths(table, width)
    if book is not None and (table.rows or _empty_fits(widths[0], styles["muted"])):
        return _plain_table(table, widths, styles, book, commands)
    bold_cell = ParagraphStyle("cell-bold", parent=cell, fontName=bold.fontName)
    data = [[cell_paragraph(c, head) for c in table.columns]]
    for r, row in enumerate(table.rows):
        emphasised = r in table.highlight_rows
        data.append([
            cell_paragraph(v, bold_cell if emphasised or (r, c) in table.highlight_cells
                           else cell)
            for c, v in enumerate(row)
        ])
    commands += [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if not table.rows:
        data.append([RLParagraph(NO_ENTRIES, styles["muted"])] + [""] * (len(table.columns) - 1))
        commands.append(("SPAN", (0, 1), (-1, 1)))
    # splitInRow: a very long note in one cell may continue on the next page instead of
    # failing the whole export with a LayoutError.
    rl = RLTable(data, colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
    rl.setStyle(commands)
    return rl


def build_key_values(block: KeyValues, width: float, styles: dict[str, ParagraphStyle],
                     book: CellBook | None = None) -> Flowable:
    """Two columns, label muted and bold, value as normal text."""
    widths = [width * 0.3, width * 0.7]
    lines = [("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID)]
    if book is not None and block.rows:
        label_style = book.cell_style(styles["label"], 2.5, 2.5, 0, 6)
        value_style = book.cell_style(styles["cell"], 2.5, 2.5, 0, 6)
        return PlainTable(book, block.rows, [[label_style, value_style]] * len(block.rows),
                          widths, lines=[rule(*lines[0])], fills=[])
    data: list[list[object]] = [
        [cell_paragraph(k, styles["label"]), cell_paragraph(v, styles["cell"])]
        for k, v in block.rows]
    if not data:
        data = [[RLParagraph("—", styles["label"]), ""]]
    rl = RLTable(data, colWidths=widths, splitInRow=1, hAlign="LEFT")
    rl.setStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *lines,
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ])
    return rl
