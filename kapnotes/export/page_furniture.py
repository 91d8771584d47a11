"""Every page's header, footer and DRAFT watermark (drawn under the page's content).

The practice name and title (each shortened to fit) and the footer's stamp are the same on
every page, so they are worked out once per render, not measured again per page; and the
operators that draw them (and the rules) are the same on every page, so they are written by
reportlab on the first page and repeated on the others (`_Repeat`). Only "Page X of Y", the
logo and the watermark are drawn by reportlab on every page.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kapnotes.domain.dates import human_date
from kapnotes.export import fonts
from kapnotes.export.markup import clean
from kapnotes.export.page_logo import HeaderLogo
from kapnotes.export.report import Report
from kapnotes.export.styles import DRAFT_RED, INK, MUTED

RULE = colors.HexColor("#B8C2CC")


class PageFurniture:
    """Draws one report's header and footer on a page of the given size and margins."""

    def __init__(self, report: Report, page_size: tuple[float, float], left: float,
                 right: float) -> None:
        self.report = report
        self.width, self.height = page_size
        self.left, self.right = left, self.width - right
        self.frame_width = self.right - self.left
        self._logo = HeaderLogo(report.practice_logo)
        self._texts: dict[float, tuple[str, str, str]] = {}
        self._repeat = _Repeat()

    def draw(self, canv: Canvas, page: int, total: str, *, draft: bool) -> None:
        r = self.report
        left, right = self.left, self.right
        same = self._repeat.bind(canv)
        canv.saveState()
        top = self.height - 13 * mm
        canv.setFont(fonts.BOLD, 8.5)
        canv.setFillColor(INK)
        name_left = left + self._logo.draw(canv, left, top, self.frame_width * 0.2)
        practice, title, stamp = self._texts_for(name_left - left)
        same(canv.drawString, name_left, top, practice)
        canv.setFont(fonts.REGULAR, 8.5)
        canv.setFillColor(MUTED)
        same(canv.drawRightString, right, top, title)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        same(canv.line, left, top - 2.5 * mm, right, top - 2.5 * mm)

        bottom = 11 * mm
        same(canv.line, left, bottom + 4 * mm, right, bottom + 4 * mm)
        canv.setFont(fonts.REGULAR, 7.5)
        same(canv.drawString, left, bottom, stamp)
        canv.drawCentredString(self.width / 2, bottom, f"Page {page} of {total}")
        same(canv.drawRightString, right, bottom, f"KAP Notes {clean(r.app_version)}")
        if r.audit_head:
            canv.setFont(fonts.REGULAR, 6.5)
            same(canv.drawCentredString, self.width / 2, bottom - 3.5 * mm,
                 f"Audit log at export: {clean(r.audit_head)}")
        if draft:
            canv.setFillColor(DRAFT_RED, alpha=0.12)
            canv.setFont(fonts.BOLD, 110)
            canv.translate(self.width / 2, self.height / 2)
            canv.rotate(45)
            canv.drawCentredString(0, -40, "DRAFT")
        canv.restoreState()

    def _texts_for(self, logo_width: float) -> tuple[str, str, str]:
        found = self._texts.get(logo_width)
        if found is None:
            r = self.report
            practice = fit(clean(r.practice_name), fonts.BOLD, 8.5,
                           self.frame_width * 0.45 - logo_width)
            title = fit(clean(r.title), fonts.REGULAR, 8.5, self.frame_width * 0.5)
            stamp = f"Exported {human_date(r.export_date)} · Confidential"
            if r.deidentified:
                stamp += " · De-identified"
            found = self._texts[logo_width] = (practice, title, stamp)
        return found


class _Repeat:
    """A drawing call's operators written by reportlab the first time and repeated after.

    Text and lines leave nothing on the canvas but their operators (the characters' places
    in the font subsets are made the first time and never change), so the same call in the
    same font on the same document writes the same operators again. Keyed by the call, its
    arguments and the canvas's font and size; one document at a time."""

    def __init__(self) -> None:
        self._doc: object = None
        self._ops: dict[tuple[object, ...], list[str]] = {}

    def bind(self, canv: Canvas) -> Callable[..., None]:
        if canv._doc is not self._doc:  # a new document (another pass, another render)
            self._doc, self._ops = canv._doc, {}
        ops, code = self._ops, canv._code

        def same(call: Callable[..., None], *args: object) -> None:
            key = (call.__name__, canv._fontname, canv._fontsize, *args)
            done = ops.get(key)
            if done is None:
                start = len(code)
                call(*args)
                ops[key] = code[start:]
            else:
                code.extend(done)

        return same


def fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten `text` with an ellipsis so a header line never runs into its neighbour."""
    text = text.replace("\n", " ")
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
