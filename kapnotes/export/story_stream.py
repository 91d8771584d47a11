"""A story that reportlab's `build` consumes while it is being made, so memory stays flat in
page count.

`BaseDocTemplate.build(flowables)` takes a list and pops each flowable off its head as it lays
it out. Made up front, the list held every table of a long course summary at once, and each
of them kept its laid-out rows after it was drawn (~0.25 MB per page, all pages alive until
the end). `StreamedStory` is that list with only a short run ahead of the layout in it: when
reportlab asks how long it is or looks at its head, it pulls the next blocks' flowables from
a generator. A flowable once drawn is popped and nothing else holds it.

reportlab looks ahead of the head only for `keepWithNext` runs; the renderer uses none (it
keeps a heading with what follows by `CondPageBreak` and `KeepTogether`, made in one
block), so a run of `AHEAD` flowables is plenty. (reportlab's progress count, the list's
length at the start, no longer means the whole story: the renderer counts blocks instead.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, SupportsIndex

from reportlab.platypus import Flowable

AHEAD = 32


class StreamedStory(list[Flowable]):
    """A list of flowables filled from `chunks` (one list per report block) on demand."""

    def __init__(self, chunks: Iterator[list[Flowable]]) -> None:
        super().__init__()
        self._chunks: Iterator[list[Flowable]] | None = chunks

    def _fill(self) -> None:
        while self._chunks is not None and list.__len__(self) < AHEAD:
            try:
                self.extend(next(self._chunks))
            except StopIteration:
                self._chunks = None

    # reportlab's build loop asks for the length and the head of the story for each
    # flowable (~5,000 times a course summary): the run ahead is checked here, `_fill`
    # called only when it is short.
    def __len__(self) -> int:
        if self._chunks is not None and list.__len__(self) < AHEAD:
            self._fill()
        return list.__len__(self)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, index: SupportsIndex | slice) -> Any:
        if self._chunks is not None and list.__len__(self) < AHEAD:
            self._fill()
        return list.__getitem__(self, index)
