"""One render's plain table cells, measured once per distinct (text, style, width).

`CellBook` is what `PlainTable` (plain_table.py) asks for a plain cell's size and lines: each
distinct cell is broken into lines once per render, with reportlab's own line breaking (a
cell with typed line breaks, each line with words in it, is its lines broken one by one, as
reportlab breaks the text between `<br/>`s), or, where reportlab must (markup: runs of
spaces, blank lines, empty), made a Paragraph, measured and drawn by reportlab, its operators
repeated for an equal cell. A measured cell keeps what its drawing needs: its lines, and once
drawn in a PDF document their operators and fill colour (table_text.py).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.tables import CellStyle

from kapnotes.export.cell_draw import colour_operator, plain_para
from kapnotes.export.cells import cell_paragraph, simple_style
from kapnotes.export.line_break import LineBreaker, Lines, PlainLines, breaks_like_reportlab
from kapnotes.export.markup import clean, needs_markup

# What reportlab's Table passes as the height a cell may take when it measures a row.
_MEASURE_HEIGHT = 72000
_UNSEEN = ""  # a cell not yet drawn in this document (no drawing is empty: it has a `Q`)


class _Measured:
    """One distinct cell: its height, and either its broken lines (drawn directly) or the
    Paragraph itself (drawn by reportlab). A cell drawn directly keeps its lines' operators
    for the PDF document they were written for (`body`, `body_doc`: its font subsets are
    settled once its characters are placed) and its fill colour operator. A part of a cell
    split inside its row (plain_table.py) has no key: it is not one of the book's cells."""

    __slots__ = ("alpha", "bl", "body", "body_doc", "colour", "height", "key", "leading",
                 "para", "space", "total")

    def __init__(self, key: tuple[str, ParagraphStyle, float] | None, height: float,
                 space: tuple[float, float], leading: float, bl: Any, para: Any,
                 paint: tuple[str, float | None] | None = None) -> None:
        self.key, self.height, self.leading, self.space = key, height, leading, space
        sb, sa = space
        # reportlab's _listCellGeom for a one-flowable cell: (vh + sa + sb) - sb - sa.
        self.total = (height + sa + sb) - sb - sa
        self.bl, self.para = bl, para
        self.body = ""
        self.body_doc: object | None = None
        if paint is None:  # `paint`: the colour operator and alpha of `bl`, if known
            paint = _paint(bl)
        self.colour, self.alpha = paint


def _paint(bl: Any) -> tuple[str, float | None]:
    """The fill colour operator and alpha of a cell's lines (none drawn directly: none)."""
    return ("", None) if bl is None else (colour_operator(bl.textColor), bl.textColor.alpha)


class _StyleFacts:
    """What every plain cell of one paragraph style shares, read off one plain word."""

    def __init__(self, para: Any) -> None:
        self.space = (para.getSpaceBefore(), para.getSpaceAfter())
        self.leading = para.style.leading
        self.like = para.blPara  # font, size and colour of its lines
        self.paint = _paint(self.like)
        # Lines broken here only where reportlab's would be drawn directly too.
        simple = simple_style(para.style) and breaks_like_reportlab(para.style)
        self.breaker = LineBreaker(para.style) if simple else None


def _plain_lines(breaker: LineBreaker, text: str, width: float) -> Lines | None:
    """A cell's lines without a Paragraph: plain text, or text whose line breaks each end a
    run of plain text (every line typed has words; each is broken alone, as reportlab breaks
    the text between two `<br/>`s). Blank lines and runs of spaces go to reportlab."""
    if not needs_markup(text):
        return breaker.lines(text, width)
    if "  " in text:
        return None
    lines: Lines = []
    for typed in text.split("\n"):
        if not typed.strip():
            return None
        broken = breaker.lines(typed, width)
        if broken is None:
            return None
        lines += broken
    return lines


class CellBook:
    """One render's plain cells: measured once per distinct (text, style, width), drawn
    operators kept per PDF document (a contents page lays the document out more than once,
    each time on a new document)."""

    def __init__(self) -> None:
        # Per (style, width), the measured cells by text: a table's column asks its own
        # dict, by text alone (no key tuple made and hashed per cell).
        self._columns: dict[tuple[ParagraphStyle, float], dict[str, _Measured]] = {}
        self._drawn: dict[tuple[str, ParagraphStyle, float], str | None] = {}
        self._doc: object | None = None
        self._cell_styles: dict[tuple[ParagraphStyle, tuple[float, ...]], CellStyle] = {}
        self._derived: dict[tuple[str, ParagraphStyle, str], ParagraphStyle] = {}
        self._styles: dict[ParagraphStyle, _StyleFacts | None] = {}
        self.numbers: dict[float, str] = {}  # see `number`
        self.rules: dict[tuple[Any, ...], str] = {}  # table_rules.draw_rules' memo
        self.columns: dict[tuple[Any, ...], Any] = {}  # plain_table._columns' memo

    def measure(self, text: str, style: ParagraphStyle, width: float,
                padding: float) -> _Measured:
        column = self.column(style, width)
        found = column.get(text)
        if found is None:
            found = column[text] = self.measured((text, style, width), padding)
        return found

    def column(self, style: ParagraphStyle, width: float) -> dict[str, _Measured]:
        """The cells measured in `style` and `width`, by text (`measure` adds to it)."""
        key = (style, width)
        found = self._columns.get(key)
        if found is None:
            found = self._columns[key] = {}
        return found

    def measured(self, key: tuple[str, ParagraphStyle, float], padding: float) -> _Measured:
        """A cell not yet in its `column`, measured; the caller keeps it there (`measure`,
        and plain_table's row loop, which holds the column already)."""
        # The text as the PDF prints it (cells.cell_paragraph cleans it the same way).
        text, style, width = key
        facts = self._facts(style, width)
        if facts is not None and facts.breaker is not None:
            lines = _plain_lines(facts.breaker, clean(text), width)
            if lines is not None:
                return _Measured(key, len(lines) * facts.leading, facts.space, facts.leading,
                                 PlainLines(facts.like, lines), None, facts.paint)
        para = cell_paragraph(text, style)
        _w, height = para.wrap(width, _MEASURE_HEIGHT - padding)
        plain = plain_para(para)
        return _Measured(key, height, (para.getSpaceBefore(), para.getSpaceAfter()),
                         style.leading, para.blPara if plain else None,
                         None if plain else para)

    def _facts(self, style: ParagraphStyle, width: float) -> _StyleFacts | None:
        """What the style's plain cells share, read off one plain word in it (None: its
        cells are not plain lines, so each goes to reportlab)."""
        if style in self._styles:
            return self._styles[style]
        probe = cell_paragraph("x", style)
        probe.wrap(width, _MEASURE_HEIGHT)
        facts = self._styles[style] = _StyleFacts(probe) if plain_para(probe) else None
        return facts

    def _drawn_here(self, canvas: Any) -> dict[tuple[str, ParagraphStyle, float], str | None]:
        if canvas._doc is not self._doc:
            self._doc, self._drawn = canvas._doc, {}
        return self._drawn

    def draw_paragraph(self, cell: _Measured, canvas: Any, x: float, y: float) -> None:
        """A cell reportlab draws (markup: line breaks, runs of spaces, empty): drawn by
        reportlab the first time in this document, and what it wrote (after the `cm`, which
        places it) repeated for an equal cell. Inside a table every cell starts from the same
        canvas state (the table sets its font and colour first, each cell restores what it
        changes), so an equal cell writes the same operators. Once written, the Paragraph
        is let go (a long note's broken lines are held only until it is drawn)."""
        key = cell.key
        assert key is not None  # a part of a split cell is not one of the book's
        drawn = self._drawn_here(canvas)
        ops = drawn.get(key, _UNSEEN)
        cm = f"1 0 0 1 {fp_str(x, y)} cm"
        if ops is not _UNSEEN and ops is not None:
            canvas._code.append(f"q\n{cm}\n{ops}")
            return
        para = cell.para
        if para is None:  # drawn before in an earlier pass of the layout: made again
            text, style, width = key
            para = cell_paragraph(text, style)
            para.wrap(width, _MEASURE_HEIGHT)
        code = canvas._code
        start = len(code)
        para.drawOn(canvas, x, y)
        if ops is _UNSEEN:
            new = code[start:]
            fits = len(new) >= 3 and new[0] == "q" and new[1] == cm and new[-1] == "Q"
            drawn[key] = "\n".join(new[2:]) if fits else None
            # Not the usual shape (None): drawn reportlab's way every time, so kept.
            cell.para = para if not fits else None

    def number(self, value: float) -> str:
        """`fp_str(value)`, formatted once per render: a table's cells and rules stand at the
        same few offsets from its origin (columns, and rows counted from its foot)."""
        text = self.numbers.get(value)
        if text is None:
            text = self.numbers[value] = fp_str(value)
        return text

    def cell_style(self, para_style: ParagraphStyle, top: float, bottom: float, left: float,
                   right: float) -> CellStyle:
        """A table cell style (shared by the cells that have it) as reportlab's VALIGN TOP and
        padding commands leave one, carrying the paragraph style of the cell's text."""
        key = (para_style, (top, bottom, left, right))
        found = self._cell_styles.get(key)
        if found is None:
            found = self._cell_styles[key] = CellStyle(para_style.name)
            found.valign = "TOP"
            found.topPadding, found.bottomPadding = top, bottom
            found.leftPadding, found.rightPadding = left, right
            found.kap_style = para_style
        return found

    def derived_style(self, name: str, parent: ParagraphStyle, font_name: str) -> ParagraphStyle:
        """One derived paragraph style per render (so its cells share their measurements)."""
        key = (name, parent, font_name)
        found = self._derived.get(key)
        if found is None:
            found = self._derived[key] = ParagraphStyle(name, parent=parent, fontName=font_name)
        return found
