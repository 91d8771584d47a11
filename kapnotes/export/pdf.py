"""Report data → PDF bytes, with reportlab platypus.

Layout: A4, header (practice, title) and footer (export date, "Page X of Y", app version) on
every page, DejaVu fonts so Latin, Greek, Cyrillic and Vietnamese names render. Every user
string is escaped (markup.to_markup) before it reaches a Paragraph.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageTemplate,
    Spacer,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus.doctemplate import FrameActionFlowable
from reportlab.platypus.tableofcontents import TableOfContents

from kapnotes.export import fonts
from kapnotes.export.cells import CellParagraph, TextParagraph, text_paragraph
from kapnotes.export.charts import build_chart
from kapnotes.export.collector import fewer_young_collections
from kapnotes.export.markup import clean, to_markup
from kapnotes.export.page_canvas import deferred_canvas_maker
from kapnotes.export.page_flow import FlowTemplate
from kapnotes.export.page_furniture import PageFurniture
from kapnotes.export.plain_table import CellBook
from kapnotes.export.report import (
    Banner,
    Block,
    DraftMark,
    Heading,
    KeyValues,
    LineChart,
    PageBreak,
    Paragraph,
    Report,
    SignatureLine,
    Table,
)
from kapnotes.export.story_stream import StreamedStory
from kapnotes.export.styles import DRAFT_RED, INK, paragraph_styles
from kapnotes.export.tables import build_key_values, build_table

BANNERS = {  # severity → (label printed in the box, background, border)
    "info": ("Note", colors.HexColor("#EAF2FB"), colors.HexColor("#0072B2")),
    "warning": ("Warning", colors.HexColor("#FFF4DD"), colors.HexColor("#B7791F")),
    "alert": ("Alert", colors.HexColor("#FDE2E1"), colors.HexColor("#B42318")),
}
DEIDENTIFIED_NOTICE = "De-identified export: client names and identifying details are left out."
IDENTIFYING_CAPTION = "⚠ Free text: may contain identifying details"
HEADING_ROOM = 24 * mm  # a heading needs this much space below it, or it goes to a new page


Progress = Callable[[float], None]


def render_pdf(report: Report, *, password: str | None = None,
               progress: Progress | None = None) -> bytes:
    """The report as PDF bytes; AES-256 encrypted when a password is given.

    `progress` gets the fraction laid out (0–1) as rendering goes; an exception it raises
    (e.g. the user cancelled) stops rendering and propagates.
    """
    with fewer_young_collections():  # a render leaves no cycles to collect (collector.py)
        data = PdfRenderer(report, progress=progress).render()
    if report.attachments:  # pypdf only for the few reports that embed files
        from kapnotes.export.attachments import attach_files
        data = attach_files(data, report.attachments)
    if password is None:
        return data
    # pypdf (~75 ms to import) only for a password-protected export.
    from kapnotes.export.encrypt import encrypt_pdf

    return encrypt_pdf(data, password)


class _HeadingPara(TextParagraph):
    """A heading Paragraph that remembers its block for the outline and contents."""

    block: Heading
    key: str


def _heading(block: Heading, style: ParagraphStyle, key: str) -> _HeadingPara:
    para = text_paragraph(block.text, style, _HeadingPara)
    assert isinstance(para, _HeadingPara)
    para.block, para.key = block, key
    return para


class _DraftFlag(Flowable):
    """Zero-size marker: the page it lands on gets a DRAFT watermark."""

    def __init__(self, pages: set[int]) -> None:
        super().__init__()
        self.pages = pages

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.pages.add(self.canv.getPageNumber())


class _NewPage(FrameActionFlowable):
    """A page break that never leaves a blank page: when only the gap after a block that
    filled the previous page stands at the top of this one, the break does nothing."""

    locChanger = 1
    GAP = 8.5  # points: more than any Spacer drawn after a block, less than a line of text

    def __init__(self) -> None:  # the base class refuses to be made; nothing to keep
        pass

    def frameAction(self, frame: Frame) -> None:
        used = frame._y2 - frame._topPadding - frame._y
        if not frame._atTop and used > self.GAP:
            frame.add_generated_content(RLPageBreak())


class _DocTemplate(FlowTemplate):
    """Feeds level-1 headings to the contents page and every heading to the PDF outline."""

    def __init__(self, buf: io.BytesIO, renderer: PdfRenderer, **kw: Any) -> None:
        super().__init__(buf, **kw)
        self.renderer = renderer

    def beforeDocument(self) -> None:
        self._outline_level = -1
        self.renderer._pass += 1
        self.renderer.seen_drafts.clear()

    def release(self) -> None:
        """Once the document is written (or its render failed): reportlab's doc template
        holds itself in its namespace for doc expressions (`{'doc': self}`, which reports
        never use), a cycle that left the document with its canvas, pages, cells and report
        (~17,000 objects a course summary) to the garbage collector's full collections."""
        self._nameSpace.clear()

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, _HeadingPara):
            return
        block = flowable.block
        if block.level == 1:
            self.notify("TOCEntry", (0, to_markup(block.text), self.page, flowable.key))
        if block.bookmark:
            # Outline levels may not skip (reportlab raises); clamp to one below the last.
            level = min(block.level - 1, self._outline_level + 1)
            self._outline_level = level
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(clean(block.text), flowable.key, level=level)


class PdfRenderer:
    """Draws one Report; page size, margins and fonts are attributes so they are easy to change."""

    page_size = A4
    margin_left = margin_right = 18 * mm
    margin_top = 24 * mm  # room for the header
    margin_bottom = 20 * mm  # room for the footer
    # Plain table cells measured and drawn without a Paragraph each (plain_table.py); off,
    # every table is reportlab's own (the tests compare the two).
    plain_tables = True

    def __init__(self, report: Report, *, progress: Progress | None = None) -> None:
        fonts.register_fonts()
        self.report = report
        self.progress = progress
        self._pass = 0
        self.styles = paragraph_styles()
        self.width, self.height = self.page_size
        self.frame_width = self.width - self.margin_left - self.margin_right
        self._keys = self._blocks_done = 0
        self._reported = -1  # blocks made when progress was last reported
        self.seen_drafts: set[int] = set()
        self._page_furniture = PageFurniture(report, self.page_size, self.margin_left,
                                             self.margin_right)
        self.cell_book = CellBook() if self.plain_tables else None

    def render(self) -> bytes:
        # One layout: "Page X of Y" and the watermark are drawn when the layout is finished,
        # by the deferred canvas (page_canvas.py), not by laying the document out again.
        if self.report.contents:
            # Passes until the contents page numbers settle: multiBuild needs the whole story.
            return self._build([f for chunk in self._chunks() for f in chunk])
        # Flowables made as the layout reaches them and dropped once drawn (story_stream.py).
        return self._build(StreamedStory(self._chunks()))

    def _build(self, story: list[Flowable]) -> bytes:
        buf = io.BytesIO()
        r = self.report
        doc = _DocTemplate(
            buf,
            self,
            pagesize=self.page_size,
            leftMargin=self.margin_left,
            rightMargin=self.margin_right,
            topMargin=self.margin_top,
            bottomMargin=self.margin_bottom,
            title=clean(r.title),
            author=clean(r.metadata_author),
            # De-identified: nothing in metadata beyond the title and author we were given.
            subject="" if r.deidentified else clean(r.subtitle),
            creator=f"KAP Notes {clean(r.app_version)}",
            lang="en",
        )
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        if self.progress is not None:
            doc.setProgressCallBack(self._on_progress)
        maker = deferred_canvas_maker(self._furniture, deflate=not r.contents)
        try:
            if r.contents:
                doc.multiBuild(story, canvasmaker=maker)
            else:
                doc.build(story, canvasmaker=maker)
        finally:
            doc.release()
        return buf.getvalue()

    def _on_progress(self, kind: str, value: int) -> None:
        # reportlab reports flowables laid out per pass. One pass without a contents page; with
        # one, each pass fills half of what is left. Never reaches 1: writing the file remains.
        if kind == "SIZE_EST":
            self._size = max(1, value)
        elif kind == "PROGRESS" and self.progress is not None:
            if not self.report.contents:  # one pass, streamed: by blocks made
                made = self._blocks_done
                if made != self._reported:  # once per block, not per flowable (~2.5 each)
                    self._reported = made
                    self.progress(0.95 * made / max(1, len(self.report.sections)))
                return
            done = min(1.0, value / getattr(self, "_size", 1))
            start = 1 - 0.5 ** max(0, self._pass - 1)
            self.progress(start + (1 - start) * 0.5 * done)

    # --- page furniture -------------------------------------------------------------------

    def _furniture(self, canv: Canvas, page: int, total: int) -> None:
        self.decorate_page(canv, page, str(total), draft=page in self.seen_drafts)

    def decorate_page(self, canv: Canvas, page: int, total: str, *, draft: bool) -> None:
        """Header, footer and (under the page's content) the DRAFT watermark."""
        self._page_furniture.draw(canv, page, total, draft=draft)

    # --- story --------------------------------------------------------------------------

    def _chunks(self) -> Iterator[list[Flowable]]:
        """The story, one list of flowables per report block (headings go with the block
        after them); `_blocks_done` counts the blocks made, for progress."""
        r, st = self.report, self.styles
        self._keys = self._blocks_done = 0
        head: list[Flowable] = [RLParagraph(to_markup(r.title), st["title"])]
        if r.subtitle:
            head.append(RLParagraph(to_markup(r.subtitle), st["subtitle"]))
        notices = ([DEIDENTIFIED_NOTICE] if r.deidentified else []) + list(r.notices)
        for notice in notices:
            head.append(self._boxed(notice, "info"))
        if notices:
            head.append(Spacer(1, 4))
        yield head
        # A packet's cross-client overview comes before its contents page (report.lead).
        lead = r.lead if r.contents else 0
        yield from self._section_chunks(r.sections[:lead])
        if r.contents:
            toc = TableOfContents(dotsMinLevel=0, levelStyles=[st["toc1"]])
            yield [RLParagraph("Contents", st["h1"]), toc, RLPageBreak()]
        yield from self._section_chunks(r.sections[lead:])

    def _section_chunks(self, blocks: Sequence[Block]) -> Iterator[list[Flowable]]:
        pending: list[Flowable] = []
        for block in blocks:
            self._blocks_done += 1
            if isinstance(block, Heading):
                pending += self._block(block)
            elif isinstance(block, LineChart) and pending:
                # A chart moves to the next page whole; its heading goes with it.
                chart = build_chart(block, self.frame_width)
                yield [KeepTogether([*pending, chart]), Spacer(1, 8)]
                pending = []
            else:
                yield pending + self._block(block)
                pending = []
        if pending:
            yield pending

    def _block(self, block: Block) -> list[Flowable]:
        st = self.styles
        match block:
            case Heading():
                self._keys += 1
                # Start a new page rather than leave a heading alone at the foot of one
                # (keepWithNext would move a whole long table along with it).
                return [CondPageBreak(HEADING_ROOM),
                        _heading(block, st[f"h{block.level}"], f"h{self._keys}")]
            case Paragraph():
                # The same Paragraph as RLParagraph(to_markup(text)), without the markup
                # parser when the text is plain, its lines broken once (cells.py).
                para = text_paragraph(block.text, st[block.style])
                if block.possibly_identifying and self.report.deidentified:
                    return [KeepTogether([text_paragraph(IDENTIFYING_CAPTION, st["caption"]),
                                          para])]
                return [para]
            case KeyValues():
                return [*self._caption(block.possibly_identifying),
                        build_key_values(block, self.frame_width, st, self.cell_book), Spacer(1, 6)]
            case Table():
                return [*self._caption(block.possibly_identifying),
                        build_table(block, self.frame_width, st, self.cell_book), Spacer(1, 8)]
            case LineChart():
                return [KeepTogether([build_chart(block, self.frame_width)]), Spacer(1, 8)]
            case Banner():
                return [self._boxed(block.text, block.severity), Spacer(1, 4)]
            case DraftMark():
                box = RLTable([[CellParagraph(to_markup(block.text), st["draftmark"])]],
                              colWidths=[self.frame_width])
                box.setStyle([("BOX", (0, 0), (-1, -1), 1.5, DRAFT_RED),
                              ("TOPPADDING", (0, 0), (-1, -1), 5),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 6)])
                return [KeepTogether([_DraftFlag(self.seen_drafts), box]), Spacer(1, 6)]
            case SignatureLine():
                return [KeepTogether([
                    Spacer(1, 30),
                    HRFlowable(width=80 * mm, thickness=0.8, color=INK, hAlign="LEFT",
                               spaceAfter=2),
                    RLParagraph(to_markup(block.text), st["muted"]),
                ])]
            case PageBreak():
                return [_NewPage()]
        raise TypeError(f"not a report block: {block!r}")

    def _caption(self, possibly_identifying: bool) -> list[Flowable]:
        # Tables and label/value lists of free text carry the same caption as a Paragraph,
        # never alone at the foot of a page (room for it and a row or two, else a new page).
        if possibly_identifying and self.report.deidentified:
            return [CondPageBreak(12 * mm),
                    text_paragraph(IDENTIFYING_CAPTION, self.styles["caption"])]
        return []

    def _boxed(self, text: str, severity: str) -> RLTable:
        label, background, border = BANNERS[severity]
        # A CellParagraph is reportlab's Paragraph that keeps its line breaking: the box's
        # table wraps it to size its row and again to draw it, at the same width.
        para = CellParagraph(f"<b>{label}:</b> {to_markup(text)}", self.styles["normal"])
        box = RLTable([[para]], colWidths=[self.frame_width])
        box.setStyle([
            ("BACKGROUND", (0, 0), (-1, -1), background),
            ("LINEBEFORE", (0, 0), (0, -1), 3, border),
            ("BOX", (0, 0), (-1, -1), 0.5, border),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ])
        return box

