"""A finished render leaves nothing for the garbage collector: its document, canvas, pages,
cells and the report itself are freed by reference counting as soon as the bytes are
returned. Left in a reference cycle (~17,000 objects a course summary), they were promoted
through the collector's generations and, every few exports, made it run a full collection
over the whole heap. With nothing to collect, the render runs with a larger young generation
(export/collector.py), and only while it runs."""

from __future__ import annotations

import gc
from collections import Counter
from contextlib import ExitStack

import pytest
from golden_pdf import load_reports

from kapnotes.export.collector import RENDER_GEN0, fewer_young_collections
from kapnotes.export.pdf import render_pdf
from kapnotes.export.report import Paragraph

REPORTS = load_reports()


def _left_in_cycles() -> Counter[str]:
    """What a full collection finds now (kapnotes' and reportlab's objects), by class."""
    gc.set_debug(gc.DEBUG_SAVEALL)  # the found objects kept in gc.garbage to be named
    try:
        gc.collect()
        found = Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    return Counter({name: n for name, n in found.items()
                    if name.startswith(("kapnotes.", "reportlab."))})


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_a_rendered_report_is_freed_without_the_collector(name: str) -> None:
    report = REPORTS[name]  # the course summaries and a packet with a contents page
    gc.collect()  # what earlier tests left
    data = render_pdf(report)
    assert data.startswith(b"%PDF")
    assert _left_in_cycles() == Counter()


class _Stop(Exception):
    pass


def test_the_young_generation_is_larger_only_while_rendering(make_report) -> None:
    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    render_pdf(make_report([Paragraph("Calm and settled.")]),
               progress=lambda _f: during.append(gc.get_threshold()))
    assert during and all(t == (RENDER_GEN0, *before[1:]) for t in during)
    assert gc.get_threshold() == before

    def cancel(_fraction: float) -> None:
        raise _Stop  # as a cancelled export's progress callback does

    with pytest.raises(_Stop):
        render_pdf(make_report([Paragraph("Calm and settled.")]), progress=cancel)
    assert gc.get_threshold() == before


def test_overlapping_renders_restore_the_thresholds_when_the_last_ends() -> None:
    # Renders overlap on worker threads: the first to end must not restore the thresholds
    # under the other, an exception in one must not leave them raised, and a collector
    # whose young threshold is 0 (collection off) is left so.
    before = gc.get_threshold()
    with ExitStack() as first:
        first.enter_context(fewer_young_collections())
        with pytest.raises(_Stop), fewer_young_collections():
            assert gc.get_threshold() == (RENDER_GEN0, *before[1:])
            raise _Stop
        assert gc.get_threshold() == (RENDER_GEN0, *before[1:])
    assert gc.get_threshold() == before
    try:
        gc.set_threshold(0, *before[1:])
        with fewer_young_collections():
            assert gc.get_threshold() == (0, *before[1:])
        assert gc.get_threshold() == (0, *before[1:])
    finally:
        gc.set_threshold(*before)
