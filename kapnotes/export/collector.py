"""The garbage collector's young generation made larger while a PDF is rendered.

A render makes tens of thousands of container objects (cells, lines, flowables, held pages,
PDF objects) that live until it returns and are then freed by reference counting: it leaves
no cycles (tests/export/test_pdf_cycles.py). At CPython's default threshold (a young
collection every 700 new objects) the collector still ran ~25 young collections a course
summary that found nothing to free, and the ~3 that reached the middle generation promoted
the render's live objects to the oldest, which made CPython run a full collection of the
whole heap every ~4 exports (measured with gc.callbacks; docs/BENCHMARKS.md, issue 16).

With the larger young generation the render runs none of them. Memory stays bounded: a young
collection still comes after `RENDER_GEN0` new objects, so garbage in cycles (none of ours;
a library's, say) is still collected.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Young objects between collections while rendering: about twice what a 60-session course
# summary makes alive at once (~25,000).
RENDER_GEN0 = 50_000

_lock = threading.Lock()
_depth = 0  # renders running now (on worker threads they may overlap)
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_young_collections() -> Iterator[None]:
    """The collector's thresholds with the young generation `RENDER_GEN0` for the duration,
    restored when the last render running ends; a young threshold of 0 (collection off) is
    left so. The thresholds are the process's: the GUI thread has the larger young
    generation too while an export runs, and a `gc.set_threshold` made by anyone else during
    a render is undone at its end. `gc.disable()` leaves the thresholds as they are, and so
    does not show here; the collector stays off all the same."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            gen0, gen1, gen2 = gc.get_threshold()
            if gen0:  # 0: collection turned off, left so
                _saved = (gen0, gen1, gen2)
                gc.set_threshold(max(gen0, RENDER_GEN0), gen1, gen2)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
