"""The PDF's paragraph styles and ink colours (one place for the renderer and table cells)."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle

from kapnotes.export import fonts

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5F6B7A")
DRAFT_RED = colors.HexColor("#B42318")


def paragraph_styles() -> dict[str, ParagraphStyle]:
    # The styles name our fonts: registered first, so a table or paragraph made from them
    # measures and maps <b>/<i> whoever asks first (a render, a table built on its own).
    fonts.register_fonts()
    base = ParagraphStyle("normal", fontName=fonts.REGULAR, fontSize=9.5, leading=13,
                          textColor=INK, spaceAfter=4)

    def derive(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "normal": base,
        "muted": derive("muted", fontSize=8.5, leading=11.5, textColor=MUTED),
        "warning": derive("warning", fontName=fonts.BOLD, textColor=colors.HexColor("#8A4B00")),
        "draft": derive("draft", fontName=fonts.ITALIC, textColor=MUTED),
        "title": derive("title", fontName=fonts.BOLD, fontSize=18, leading=22, spaceAfter=2),
        "subtitle": derive("subtitle", fontSize=11, leading=14, textColor=MUTED, spaceAfter=8),
        "h1": derive("h1", fontName=fonts.BOLD, fontSize=14, leading=18, spaceBefore=10,
                     spaceAfter=5),
        "h2": derive("h2", fontName=fonts.BOLD, fontSize=11.5, leading=15, spaceBefore=8,
                     spaceAfter=4),
        "h3": derive("h3", fontName=fonts.BOLD, fontSize=10, leading=13, spaceBefore=6,
                     spaceAfter=3),
        "cell": derive("cell", fontSize=8.5, leading=11, spaceAfter=0),
        "head": derive("head", fontName=fonts.BOLD, fontSize=8.5, leading=11, spaceAfter=0,
                       textColor=colors.white),
        "label": derive("label", fontName=fonts.BOLD, fontSize=8.5, leading=11, spaceAfter=0,
                        textColor=MUTED),
        "caption": derive("caption", fontName=fonts.ITALIC, fontSize=7.5, leading=10,
                          textColor=MUTED, spaceAfter=1),
        "draftmark": derive("draftmark", fontName=fonts.BOLD, fontSize=12, leading=15,
                            textColor=DRAFT_RED, alignment=TA_CENTER, spaceAfter=0),
        "toc1": derive("toc1", fontSize=10.5, leading=16),
    }


