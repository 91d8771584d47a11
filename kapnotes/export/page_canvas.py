"""A reportlab canvas that holds every page until the layout is finished.

"Page X of Y" and the DRAFT watermark need facts only a finished layout knows (the page count,
the pages a DraftMark landed on). Laying the document out twice to learn them doubled the
cost of every export (a 100-page course summary: ~1.2 s per layout). This canvas keeps each
finished page's drawing, then at `save` draws the page furniture *under* it and emits the
pages for real.

A held page's drawing is compressed on a worker thread as soon as it is held, while the
layout goes on (page_deflate.py), and spliced with its header and footer at `save`; a page
reportlab would not compress, or that carries PostScript commands, is written its way.

Bookmarks need care: `bookmarkPage` points the destination at the page the PDF document is
on when it is called, and with held pages that is still page 1 (why an earlier attempt at
this was dropped). They are recorded with the page they belong to and replayed when that
page is emitted. Outline entries and links name a bookmark key, so they need nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase.pdfdoc import (
    OutlineEntryObject,
    PDFArray,
    PDFDictionary,
    PDFDocument,
    PDFName,
    PDFObjectReference,
    PDFOutlines,
    PDFPage,
    PDFResourceDictionary,
    PDFStream,
    PDFString,
    format,
)
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from kapnotes.export.page_deflate import BATCH, Deflated, deflate_later, splice

# (canvas, page number, page count): draws the header, footer and watermark of one page.
Furniture = Callable[[Canvas, int, int], None]


# What the canvas holds that is not a page's state, so a held page does not hold it: the
# held pages themselves and those to compress (a page holding the list it is in, on the
# canvas of a layout pass never saved, was a cycle), and the layout's link to its doc
# template (reportlab's build deletes it when the layout ends; put back by `save` with a
# page, it tied the canvas and the document together). Each a cycle that left the whole
# document to the garbage collector's full collections (tests/export/test_pdf_cycles.py).
_NOT_PAGE_STATE = ("_held_pages", "_to_deflate", "_doctemplate")


class DeferredPageCanvas(Canvas):
    """Pages are held at `showPage` and emitted at `save`, each with `furniture` under it."""

    _code: list[str]  # reportlab's drawing operators of the page being drawn
    # Page dictionaries written with their shared parts formatted once (`_PlainPage`), and
    # spliced page streams without a dictionary object (`_DeflatedStream`); off, by
    # reportlab's PDFPage and PDFStream (the tests compare the two).
    plain_pages = True

    def __init__(self, *args: Any, furniture: Furniture, deflate: bool = False,
                 **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._furniture = furniture
        self._deflate = deflate and bool(self._pageCompression)
        self._to_deflate: list[dict[str, Any]] = []  # held pages not yet handed over
        self._held_pages: list[dict[str, Any]] = []
        self._page_bookmarks: list[tuple[str, dict[str, Any]]] = []

    def drawText(self, aTextObject: PDFTextObject) -> None:
        Canvas.drawText(self, aTextObject)
        # Drawn, the text object is done with. reportlab's Paragraph gives the text object
        # of a line with mixed fonts, a link or an underline a method bound to itself
        # (`_do_line`, reportlab 5.1 `Paragraph.drawPara`): a cycle, and the object holds this
        # canvas, so everything the canvas holds waited for the garbage collector too.
        aTextObject.__dict__.pop("_do_line", None)

    def bookmarkPage(self, key: str, **kw: Any) -> None:
        self._page_bookmarks.append((key, kw))

    def showPage(self) -> None:
        # The canvas state is the page: its drawing code, annotations, fonts and images used.
        state = dict(self.__dict__)
        for name in _NOT_PAGE_STATE:
            state.pop(name, None)
        # Held as one string (~500 strings of operators → one of ~8.5 KB): reportlab joins a
        # page's code with newlines, so joined early it is the same stream; and compressed
        # on the worker thread meanwhile (to ~2 KB), when it is to be compressed at all.
        content = "\n".join(self._code)
        state["_code"] = content
        state["_deflated"] = None
        self._held_pages.append(state)
        if content and self._deflate:
            self._to_deflate.append(state)
            if len(self._to_deflate) >= BATCH:
                self._hand_over()
        self._page_bookmarks = []
        self._startPage()

    def _hand_over(self) -> None:
        pages, self._to_deflate = self._to_deflate, []
        batch = deflate_later([state["_code"] for state in pages])
        for n, state in enumerate(pages):
            state["_deflated"] = (batch, n)

    def save(self) -> None:
        if len(self._code):
            self.showPage()
        if self._to_deflate:
            self._hand_over()
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            content, self._code = state["_code"], []
            deflated = state["_deflated"]
            # Drawn first so the watermark sits under the page's text; saveState/restoreState
            # leave the graphics state as the content expects it.
            self._furniture(self, number, total)
            spliced = deflated is not None and self._plain_stream()
            if content and not spliced:
                self._code.append(content)
            for key, kw in state["_page_bookmarks"]:
                Canvas.bookmarkPage(self, key, **kw)
            Canvas.showPage(self)
            page = self._doc.Pages.pages[-1]
            if self.plain_pages and type(page) is PDFPage:
                page.__class__ = _PlainPage
            if spliced:
                batch, n = deflated
                self._splice_last_page(batch.result()[n])
            state.clear()  # the page is out: let its drawing go
        self._held_pages = []
        outlines = self._doc.Outlines
        if self.plain_pages and type(outlines) is PDFOutlines:
            outlines.__class__ = _PlainOutlines
        Canvas.save(self)

    def _plain_stream(self) -> bool:
        # Nothing reportlab adds around a page's code but its preamble and closing space.
        return not self._psCommandsBeforePage and not self._psCommandsAfterPage

    def _splice_last_page(self, drawing: Deflated) -> None:
        """The page just emitted without its drawing gets its whole stream, compressed:
        reportlab's stream is `preamble + furniture + "\n"`, then the drawing, then
        `"\n \n"`; without the drawing it is the same with `" \n"` at the end."""
        page = self._doc.Pages.pages[-1]
        stream = page.stream
        assert stream.endswith(" \n")
        kind = _DeflatedStream if self.plain_pages else PDFStream
        contents = kind(PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])}),
                        splice(stream[:-2], drawing, "\n \n"))
        contents.__Comment__ = "page stream"
        page.Contents = contents


def deferred_canvas_maker(furniture: Furniture, *,
                          deflate: bool = False) -> Callable[..., DeferredPageCanvas]:
    """What `BaseDocTemplate.build(canvasmaker=…)` calls to make each pass's canvas;
    `deflate`: compress held pages as they are held (for a layout in one pass: a pass that
    is laid out again is never written)."""

    def make(*args: Any, **kw: Any) -> DeferredPageCanvas:
        return DeferredPageCanvas(*args, furniture=furniture, deflate=deflate, **kw)

    return make


class _DeflatedStream(PDFStream):
    """A page's content stream compressed here (`_splice_last_page`), written as
    `PDFStream.format` writes it, byte for byte, without copying, filling and formatting its
    dictionary (the filter and the length) object by object for each of ~100 pages."""

    def format(self, document: PDFDocument) -> bytes:
        if rl_config.pdfMultiLine or self.filters is not None \
                or list(self.dictionary.dict) != ["Filter"]:
            return PDFStream.format(self, document)
        content = document.encrypt.encode(self.content)
        return (b"<<\n/Filter [ /FlateDecode ] /Length %d\n>>\nstream\n" % len(content)
                + content + b"endstream\n")


class _PlainPage(PDFPage):
    """A page dictionary written as `PDFPage.format` writes it, byte for byte, but with what
    every page of a document shares formatted once: the resources (the same font list and
    procedure sets on a page without images or transparency) and the media box. reportlab
    builds, sorts and formats that dictionary afresh for each of ~100 pages (~4 ms).

    A page with anything else (annotations, images, transparency, colour spaces, a crop box
    or other key reportlab's canvas does not set, `Override_default_compilation`) is
    formatted by reportlab's code."""

    def format(self, document: PDFDocument) -> bytes:
        own = self.__dict__
        if (self.Override_default_compilation
                or any(own[name] is not None for name in own.keys() - _PLAIN_KEYS)
                or own.get("Annots") or own.get("Resources") is not None
                or own.get("XObjects") or own.get("ExtGState")
                or own.get("_colorsUsed") or own.get("_shadingUsed")):
            return PDFPage.format(self, document)
        self.check_format(document)
        shared = _shared(document)
        resources = self.Resources
        key = _resources_key(resources)
        media = tuple(self.MediaBox.sequence) if type(self.MediaBox) is PDFArray else None
        if key is None or media is None or any(type(v) not in (int, float) for v in media):
            return PDFPage.format(self, document)
        # PDFCatalog.format's order: every key present, the references made in __Refs__
        # order (Contents, Parent), then formatted with the keys sorted.
        values: dict[str, bytes] = {}
        contents = document.Reference(self.Contents)
        parent = document.Reference(self.Parent)
        for name in _SORTED_KEYS:
            if name == "Contents":
                values[name] = format(contents, document)
            elif name == "Parent":
                values[name] = format(parent, document)
            elif name == "MediaBox":
                found = shared.get(media)
                if found is None:
                    found = shared[media] = format(self.MediaBox, document)
                values[name] = found
            elif name == "Resources":
                found = shared.get(key)
                if found is None:
                    found = shared[key] = format(resources, document)
                values[name] = found
            elif name == "Type":
                values[name] = b"/Page"
            else:
                value = getattr(self, name, None)
                if value is not None:
                    values[name] = format(value, document)
        items = [b"/" + name.encode("ascii") + b" " + value for name, value in values.items()]
        # PDFDictionary.format, one line: a break before every sixth item
        for i in reversed(range(6, len(items), 6)):
            items.insert(i, b"\n ")
        return b"<<\n" + b" ".join(items) + b"\n>>"


# What reportlab's canvas sets on a page it makes (reportlab 5.1 `Canvas.showPage`); any
# other page key (a crop box, a duration, an ID …) is None, or reportlab formats the page.
_PLAIN_KEYS = frozenset({
    "pagewidth", "pageheight", "Rotate", "Trans", "hasImages", "compression", "_colorsUsed",
    "_shadingUsed", "stream", "Contents", "Annots", "MediaBox", "Resources", "Parent",
    "XObjects", "ExtGState", "__InternalName__", "__Comment__",
})
# PDFPage's keys (`__Defaults__` and `__NoDefault__`) as PDFDictionary.format sorts them
_SORTED_KEYS = sorted({*PDFPage.__Defaults__, *PDFPage.__NoDefault__})


_OTHER_RESOURCES = tuple(name for name in PDFResourceDictionary.dict_attributes
                         if name != "Font")


def _shared(document: PDFDocument) -> dict[object, bytes]:
    """This document's formatted media boxes and resources (references in them are the
    document's own, so never shared between documents)."""
    shared: dict[object, bytes] | None = getattr(document, "_kapnotes_page_parts", None)
    if shared is None:
        shared = document._kapnotes_page_parts = {}
    return shared


def _resources_key(resources: object) -> tuple[object, ...] | None:
    """What a page's resources are, when they are only the document's font list and
    procedure sets (what text and lines use); None for anything else."""
    if type(resources) is not PDFResourceDictionary:
        return None
    own = resources.__dict__
    if any(own.get(name) for name in _OTHER_RESOURCES):
        return None
    font, procs = own.get("Font"), own.get("ProcSet")
    if not isinstance(font, PDFObjectReference) or type(font) is not PDFObjectReference \
            or type(procs) is not list or not all(type(p) is str for p in procs):
        return None
    return ("resources", font.name, *procs)


class _PlainOutlines(PDFOutlines):
    """reportlab's outline tree, its entries (one per section: ~100 in a course summary)
    written by `_PlainOutlineEntry`."""

    def prepare(self, document: PDFDocument, canvas: Canvas) -> None:
        super().prepare(document, canvas)
        for obj in document.idToObject.values():
            if type(obj) is OutlineEntryObject:
                obj.__class__ = _PlainOutlineEntry


# OutlineEntryObject.format's keys as PDFDictionary.format sorts them, each formatted as
# `format(PDFName(key))` formats it (through reportlab's PDFDocEncoding codec, per entry).
_OUTLINE_KEYS = tuple((name, b"/" + name.encode("ascii") + b" ") for name in sorted(
    ("Title", "Parent", "Dest", "Prev", "Next", "First", "Last", "Count")))
_ALWAYS = frozenset({"Title", "Parent", "Dest"})  # in the dictionary even when None


class _PlainOutlineEntry(OutlineEntryObject):
    """An outline entry written as `OutlineEntryObject.format` writes it, byte for byte (its
    values by reportlab's `format`, in the same order), without building a PDFDictionary
    and encoding its key names afresh for each entry."""

    def format(self, document: PDFDocument) -> bytes:
        if rl_config.pdfMultiLine:
            return OutlineEntryObject.format(self, document)
        items = []
        for name, key in _OUTLINE_KEYS:
            value = PDFString(self.Title) if name == "Title" else getattr(self, name)
            if value is None and name not in _ALWAYS:
                continue
            items.append(key + format(value, document))
        # PDFDictionary.format, one line: a break before every sixth item
        for i in reversed(range(6, len(items), 6)):
            items.insert(i, b"\n ")
        return b"<<\n" + b" ".join(items) + b"\n>>"
