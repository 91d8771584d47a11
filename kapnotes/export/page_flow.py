"""reportlab's page flow with a short path for the flowables a report is mostly made of.

`BaseDocTemplate.build` hands every flowable to `handle_flowable`, which first asks it about
page and frame breaks before it, keep-with-next runs and filters, then to `Frame.add`, which
asks it about frame actions, zero size, space transfer and frame backgrounds, and afterwards
takes its canvas and frame off again with `hasattr`/`delattr`. A 60-session course has
~2,400 flowables; almost all are paragraphs, headings, tables, spacers and conditional page
breaks for which every one of those answers is "no", and asking cost ~10 % of a render.

`FlowTemplate` answers them once per kind (and per paragraph style) instead: a flowable of a
kind in `PLAIN_KINDS` with none of those attributes of its own is laid out by `add_plain`,
`Frame._add`'s own arithmetic (space before less the space left after the previous one, wrap
in what is left, fit with reportlab's fuzz, draw, space after) in the same order, so it lands
at the same place and the pages break where they broke. Anything else, and a flowable that
does not fit (split or moved to the next page), goes through reportlab's code as before.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, Frame, Spacer
from reportlab.platypus.doctemplate import (
    BaseDocTemplate,
    NextPageTemplate,
    PageBegin,
    PageBreakIfNotEmpty,
    _addGeneratedContent,
)
from reportlab.platypus.flowables import NullDraw

from kapnotes.export.cells import CellParagraph
from kapnotes.export.plain_table import PlainTable

# Flowables that ask nothing of the frame beyond reportlab's plain fit-and-draw.
PLAIN_KINDS: tuple[type[Flowable], ...] = (CellParagraph, PlainTable, Spacer, CondPageBreak)
# What `handle_flowable` and `Frame._add` look for on a flowable (or its style) before they
# lay it out; a flowable carrying any of them goes the long way.
_ASKED = frozenset({
    "pageBreakBefore", "frameBreakBefore", "keepWithNext", "_skipMeNextTime", "frameAction",
    "_ZEROSIZE", "_SPACETRANSFER",
})
_STYLE_ASKED = ("pageBreakBefore", "frameBreakBefore", "keepWithNext")
# The doc template's steps the short path does not call for a plain flowable.
_SKIPPED_STEPS = ("filterFlowables", "handle_breakBefore", "handle_keepWithNext",
                  "handle_flowable")


def _class_asks(kind: type) -> bool:
    return any(getattr(kind, name, False) for name in _ASKED)


class FlowTemplate(BaseDocTemplate):
    """A doc template whose build loop lays plain flowables out without the questions."""

    # Off: reportlab's own build loop for everything (the tests compare the two).
    plain_path = True

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._plain_kinds: dict[type, bool] = {}
        self._plain_styles: dict[ParagraphStyle, bool] = {}

    def build(self, flowables: list[Flowable], filename: Any = None,
              canvasmaker: Any = Canvas) -> None:
        # BaseDocTemplate.build (reportlab 5.1) with the plain path; its traceback decoration
        # (`_traceInfo`, set only by reportlab's own markup tools) is left out.
        if not self.plain_path or self._steps_overridden():
            super().build(flowables, filename, canvasmaker)
            return
        progress = self._onProgress
        count = len(flowables)
        if progress:
            progress("STARTED", 0)
            progress("SIZE_EST", count)
        self._startBuild(filename, canvasmaker)
        canv = self.canv
        self._savedInfo = canv._doc.info
        try:
            canv._doctemplate = self
            head = list.__getitem__
            while len(flowables):  # a streamed story (story_stream.py) fills up here
                if self._hanging:  # reportlab's postponed actions: its own steps
                    if (self._hanging[-1] is PageBegin
                            and isinstance(flowables[0], PageBreakIfNotEmpty)):
                        # (reports make no such break)
                        npt = flowables[0].nextTemplate
                        if npt and not self._samePT(npt):
                            NextPageTemplate(npt).apply(self)
                            self._setPageTemplate()
                        del flowables[0]
                    self.clean_hanging()
                    first = flowables[0]
                else:  # nothing to clean up, and the story's head is there: `len` filled it
                    first = head(flowables, 0)
                if self._is_plain(first):
                    self._handle_plain(flowables, first)
                else:
                    self.handle_flowable(flowables)
                if progress:
                    progress("PROGRESS", count - len(flowables))
        finally:
            del canv._doctemplate
        canv._doc.info = self._savedInfo
        self._endBuild()
        if progress:
            progress("FINISHED", 0)

    def _steps_overridden(self) -> bool:
        """A template that changes a step the short path skips gets reportlab's loop."""
        kind = type(self)
        return any(getattr(kind, step) is not getattr(BaseDocTemplate, step)
                   for step in _SKIPPED_STEPS)

    def _is_plain(self, f: Flowable) -> bool:
        kind = type(f)
        plain = self._plain_kinds.get(kind)
        if plain is None:
            plain = self._plain_kinds[kind] = (issubclass(kind, PLAIN_KINDS)
                                               and not _class_asks(kind))
        if not plain:
            return False
        own = f.__dict__
        if not _ASKED.isdisjoint(own):
            return False
        style = own.get("style")
        return style is None or self._plain_style(style)

    def _plain_style(self, style: ParagraphStyle) -> bool:
        known = self._plain_styles.get(style)  # a style is its own key (hashed by identity)
        if known is None:
            known = self._plain_styles[style] = not any(getattr(style, name, 0)
                                                        for name in _STYLE_ASKED)
        return known

    def _handle_plain(self, flowables: list[Flowable], f: Flowable) -> None:
        """handle_flowable for a plain flowable: the fit-and-draw path by `add_plain`, the rest
        (a split, a move to the next frame) by reportlab's own steps."""
        frame = self.frame
        del flowables[0]
        if add_plain(frame, f, self.canv):
            self._curPageFlowableCount += 1
            self.afterFlowable(f)
            if frame.__dict__.get("_generated_content"):  # what getattr would find, without
                _addGeneratedContent(flowables, frame)  # Frame.__getattr__'s AttributeError
            return
        # It does not fit: reportlab's handle_flowable from its failed `frame.add` on.
        flowables.insert(0, f)
        self._did_not_fit(flowables, f, frame)

    def _did_not_fit(self, flowables: list[Flowable], f: Flowable, frame: Frame) -> None:
        # reportlab 5.1's handle_flowable, the branch after `frame.add` returned 0.
        from reportlab.platypus.doctemplate import (
            ActionFlowable,
            DDIndenter,
            LayoutError,
            PageBreak,
            SlowPageBreak,
        )

        del flowables[0]
        canv = self.canv
        split = frame.split(f, canv) if self.allowSplitting else []
        if split:
            if not isinstance(split[0], (PageBreak, SlowPageBreak, ActionFlowable, DDIndenter)):
                if not frame.add(split[0], canv, trySplit=0):
                    raise LayoutError(
                        f"Splitting error(n=={len(split)}) on page {self.page} in\n"
                        f"{self._fIdent(f, 60, frame)}\nS[0]={self._fIdent(split[0], 60, frame)}")
                self._curPageFlowableCount += 1
                self.afterFlowable(split[0])
                flowables[0:0] = split[1:]
                _addGeneratedContent(flowables, frame)
            else:
                flowables[0:0] = split
            return
        if hasattr(f, "_postponed"):
            raise LayoutError(
                f"Flowable {self._fIdent(f, 60, frame)} too large on page {self.page} in "
                f"frame {self.frame.id!r}{self.frame._aSpaceString()} of template "
                f"{self.pageTemplate.id!r}")
        f._postponed = 1
        edits = getattr(self, "_multiBuildEdits", None)
        if edits:
            edits((delattr, f, "_postponed"))
        flowables.insert(0, f)
        self.handle_frameEnd()


def add_plain(frame: Frame, flowable: Flowable, canv: Canvas) -> bool:
    """`Frame._add` for a plain flowable in a frame without backgrounds or extra indents:
    True when it fitted and was drawn, False when it does not fit what is left."""
    state = frame.__dict__
    if (type(frame).add is not Frame.add or state.get("_frameBGs")
            or state["_leftExtraIndent"] or state["_rightExtraIndent"] or not frame._oASpace):
        return bool(frame.add(flowable, canv, trySplit=1))
    own = flowable.__dict__
    own["_frame"] = frame
    own["canv"] = canv
    try:
        y = state["_y"]
        bottom = state["_y1p"]
        space = 0
        if not state["_atTop"]:
            space = max(flowable.getSpaceBefore() - state["_prevASpace"], 0)
        height = y - bottom - space
        if height <= 0:
            return False
        width = state["_aW"]
        w, height = flowable.wrap(width, height)
        height += space
        y -= height
        if y < bottom - _FUZZ:
            return False
        after = flowable.getSpaceAfter()
        if not _draws_nothing(flowable):
            flowable.drawOn(canv, state["_x"], y, _sW=width - w)
        y -= after
        state["_prevASpace"] = after
        if y != state["_y"]:
            state["_atTop"] = 0
        state["_y"] = y
        return True
    finally:
        own.pop("canv", None)
        own.pop("_frame", None)


_FUZZ = rl_config._FUZZ
_NOTHING: dict[type, bool] = {}


def _draws_nothing(flowable: Flowable) -> bool:
    """A spacer or conditional break: `Flowable.drawOn` would write only an empty
    `q 1 0 0 1 x y cm Q` (~900 per course summary), which paints nothing."""
    kind = type(flowable)
    nothing = _NOTHING.get(kind)
    if nothing is None:
        nothing = _NOTHING[kind] = (kind.draw is NullDraw.draw
                                    and kind.drawOn is Flowable.drawOn)
    return nothing and not getattr(flowable, "_showBoundary", False)
