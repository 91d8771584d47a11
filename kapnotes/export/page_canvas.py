"""A reportlab canvas that holds every page until the layout is finished.

"Page X of Y" and the DRAFT watermark need facts only a finished layout knows (the page count,
the pages a DraftMark landed on). Laying the document out twice to learn them doubled the
cost of every export (a 100-page course summary: ~1.2 s per layout). This canvas keeps each
finished page's drawing, then at `save` draws the page furniture *under* it and emits the
pages for real.

Bookmarks need care: `bookmarkPage` points the destination at the page the PDF document is
on when it is called, and with held pages that is still page 1 (why an earlier attempt at
this was dropped). They are recorded with the page they belong to and replayed when that
page is emitted. Outline entries and links name a bookmark key, so they need nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfgen.canvas import Canvas

# (canvas, page number, page count): draws the header, footer and watermark of one page.
Furniture = Callable[[Canvas, int, int], None]


class DeferredPageCanvas(Canvas):
    """Pages are held at `showPage` and emitted at `save`, each with `furniture` under it."""

    _code: list[str]  # reportlab's drawing operators of the page being drawn

    def __init__(self, *args: Any, furniture: Furniture, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._furniture = furniture
        self._held_pages: list[dict[str, Any]] = []
        self._page_bookmarks: list[tuple[str, dict[str, Any]]] = []

    def bookmarkPage(self, key: str, **kw: Any) -> None:
        self._page_bookmarks.append((key, kw))

    def showPage(self) -> None:
        # The canvas state is the page: its drawing code, annotations, fonts and images used.
        state = dict(self.__dict__)
        # Held as one string (~500 strings of operators → one of ~8.5 KB): reportlab joins a
        # page's code with newlines, so joined early it is the same stream. Compressing it
        # too (to ~2 KB) cost ~5 % of a render for ~2 MB less at 340 pages: not done.
        state["_code"] = "\n".join(self._code)
        self._held_pages.append(state)
        self._page_bookmarks = []
        self._startPage()

    def save(self) -> None:
        if len(self._code):
            self.showPage()
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            content, self._code = state["_code"], []
            # Drawn first so the watermark sits under the page's text; saveState/restoreState
            # leave the graphics state as the content expects it.
            self._furniture(self, number, total)
            if content:
                self._code.append(content)
            for key, kw in state["_page_bookmarks"]:
                Canvas.bookmarkPage(self, key, **kw)
            Canvas.showPage(self)
            state.clear()  # the page is out: let its drawing go
        self._held_pages = []
        Canvas.save(self)


def deferred_canvas_maker(furniture: Furniture) -> Callable[..., DeferredPageCanvas]:
    """What `BaseDocTemplate.build(canvasmaker=…)` calls to make each pass's canvas."""

    def make(*args: Any, **kw: Any) -> DeferredPageCanvas:
        return DeferredPageCanvas(*args, furniture=furniture, **kw)

    return make
