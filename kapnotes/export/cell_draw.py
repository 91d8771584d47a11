"""Drawing a plain table cell: the same PDF operators reportlab's Paragraph writes, without
its general machinery.

A course summary draws ~7,000 cells. For each, `Flowable.drawOn` and `Paragraph.drawPara`
save the canvas state twice, build a text object, look the font up per line and restore the
state twice: ~40 % of a render, for a few short strings of operators. A plain cell (one
style, left aligned, broken into simple lines: `cells.CellParagraph`) needs none of that
generality, so `draw_plain` appends exactly the strings reportlab would:

    q / 1 0 0 1 x y cm / q / r g b rg
    BT 1 0 0 1 0 y Tm /Font+n size Tf leading TL (…) Tj T* … ET / Q / Q

Everything it skips is undone by the two `Q`s in reportlab too (graphics state, colour,
matrix), so the canvas is left as reportlab leaves it. What lasts beyond the cell is done
the same way: the font subset each character goes into (`splitString`, cached per document
and text, as its result never changes once the characters are placed), the font resource
(`getSubsetInternalName`) and the PDF version transparency needs (`ensureMinPdfVersion`,
which `setFillColor` asks for). Anything outside that case returns False and the caller
draws the reportlab way. tests/export/test_pdf_same_text.py compares every page's text with
the renderer before this, and the bytes were compared while writing it.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.lib.colors import CMYKColor, Color
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont

from kapnotes.export.doc_cache import doc_cache

_COLOUR_CODES: dict[tuple[float, float, float, str], str] = {}


def colour_operator(colour: Color, operator: str = "rg") -> str:
    """The colour operator reportlab writes, worked out once: fill (`r g b rg`, a cell's
    text) or stroke (`r g b RG`, a table's rules)."""
    key = (colour.red, colour.green, colour.blue, operator)
    code = _COLOUR_CODES.get(key)
    if code is None:
        code = _COLOUR_CODES[key] = f"{fp_str(key[:3])} {operator}"
    return code


def can_draw_plain(para: Any, canvas: Any) -> bool:
    """Whether `para` (a wrapped plain cell) is the simple case `draw_plain` writes."""
    return plain_para(para) and plain_canvas(canvas, para.blPara.textColor)


def plain_para(para: Any) -> bool:
    """The cell's half of `can_draw_plain`: what its style and broken lines allow."""
    style = para.style
    bl = para.__dict__.get("blPara")
    if bl is None or bl.kind != 0 or not bl.lines:
        return False
    colour = bl.textColor
    return (style.alignment == TA_LEFT and not para.bulletText and not style.backColor
            and not (style.borderColor and style.borderWidth) and not para.debug
            and not style.leftIndent and not style.firstLineIndent
            and not getattr(para, "_offsets", None) and not getattr(style, "autoLeading", "")
            and not getattr(para, "autoLeading", "")
            and not getattr(para, "_showBoundary", False)
            and not bl.us_lines and not bl.link
            and type(colour) is Color and not isinstance(colour, CMYKColor)
            and bool(rl_config.paraFontSizeHeightOffset)
            and getFont(bl.fontName)._dynamicFont and not getFont(bl.fontName).shapable)


def plain_canvas(canvas: Any, colour: Color) -> bool:
    """The canvas's half: drawn upright, no colour-space rule, no fill alpha to change."""
    return (bool(canvas.bottomup) and not canvas._enforceColorSpace
            and canvas._extgstate._d.get("ca", 1) == colour.alpha)


def draw_plain(para: Any, canvas: Any, x: float, y: float) -> None:
    """Append the cell's operators; `can_draw_plain(para, canvas)` must hold."""
    bl = para.blPara
    code = canvas._code
    code.append("q")
    code.append(f"{fp_str(1, 0, 0, 1, x, y)} cm")
    code.append("q")
    code.append(colour_operator(bl.textColor))
    if bl.textColor.alpha is not None:
        canvas._doc.ensureMinPdfVersion("transparency")
    code.append(text_block(bl, para.style.leading, para.height, canvas))
    code.append("Q")
    code.append("Q")


def text_block(bl: Any, leading: float, height: float, canvas: Any) -> str:
    """The cell's `BT … ET`: its lines in their font subsets, relative to the cell's origin."""
    return (f"BT 1 0 0 1 {fp_str(0, height - bl.fontSize)} Tm "
            f"{text_lines(bl, leading, canvas)} ET")


class _LineFont:
    """What every line of one font, size and leading writes in one document: the font, its
    `Tf`/`TL` operators, each subset's name (`getSubsetInternalName`, which also puts the
    font in the document, asked once per subset) and the font's lines shown (`shown`)."""

    __slots__ = ("font", "names", "shown", "tf")

    def __init__(self, font_name: str, size: float, leading: float, doc: Any) -> None:
        self.font = getFont(font_name)
        self.tf = f"{fp_str(size)} Tf {fp_str(leading)} TL"
        self.names: dict[int, str] = {}
        shown: dict[str, dict[str, _Shown]] = doc_cache(doc, "_kapnotes_shown")
        self.shown = shown.setdefault(self.font.fontName, {})

    def name(self, subset: int, doc: Any) -> str:
        name = self.names.get(subset)
        if name is None:
            name = self.names[subset] = self.font.getSubsetInternalName(subset, doc)
        return name


# A line as shown in one font and document: (its subset, `(…) Tj T*`, None) when its codes
# are all in one subset, else (_MIXED, "", each subset's codes as `(…) Tj`).
_Shown = tuple[int, str, list[tuple[int, str]] | None]
_MIXED = -2  # never the subset in use (-1 before the first line)


def _show(font: Any, line: str, doc: Any, escape: Any) -> _Shown:
    """The line's codes in the font's subsets (`splitString`, which places its new
    characters), escaped: they never change once its characters are placed."""
    parts = font.splitString(line, doc)
    if len(parts) == 1:
        subset, chunk = parts[0]
        return subset, f"({escape(chunk)}) Tj T*", None
    return _MIXED, "", [(subset, f"({escape(chunk)}) Tj") for subset, chunk in parts]


def _line_font(bl: Any, leading: float, doc: Any) -> _LineFont:
    fonts: dict[tuple[str, float, float], _LineFont] = doc_cache(doc, "_kapnotes_line_fonts")
    key = (bl.fontName, bl.fontSize, leading)
    found = fonts.get(key)
    if found is None:
        found = fonts[key] = _LineFont(bl.fontName, bl.fontSize, leading, doc)
    return found


def text_lines(bl: Any, leading: float, canvas: Any) -> str:
    """A cell's lines from wherever the text matrix stands: font, leading, each line shown
    and `T*` after it (and word spacing for a stretched line, set back after it)."""
    doc = canvas._doc
    setup = _line_font(bl, leading, doc)
    # Each line's operators in the font's subsets, kept per document and font (a line is
    # shown in several cells; ~1 in 3 lines of a course summary is one shown before).
    shown = setup.shown
    text: list[str] = []
    subset_now = -1
    for extra, words in bl.lines:
        line = " ".join(words)
        stretched = False
        if extra <= -1e-8:
            spaces = len(words) + line.count("\xa0") - 1
            if spaces > 0:
                stretched = True
                text.append(f"{fp_str(extra / float(spaces))} Tw")
        found = shown.get(line)
        if found is None:
            found = shown[line] = _show(setup.font, line, doc, canvas._escape)
        subset, tj, chunks = found
        if subset == subset_now:
            text.append(tj)
        elif chunks is None:
            text.append(f"{setup.name(subset, doc)} {setup.tf} {tj}")
            subset_now = subset
        else:
            out = []
            for part, chunk_tj in chunks:
                if part != subset_now:
                    out.append(f"{setup.name(part, doc)} {setup.tf}")
                    subset_now = part
                out.append(chunk_tj)
            text.append(" ".join(out) + " T*")
        if stretched:
            text.append("0 Tw")
    return " ".join(text)
