"""A client opened is painted once: the timeline's and the sessions list's column widths are
set before the first paint, and nothing repaints their rows a turn later (each view answered a
column resize with a zero timer that repainted the resized columns after the first paint: a
second paint of the page at every client open; the time is measured in bench/, not here).
That holds for the stretched columns too (the timeline's Phase and Details, the sessions
list's Note), which the header resizes itself as the page is laid out at the window's width."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QEvent, QObject
from test_client_page_painted import qt_fitted_widths
from test_client_view import START, hold, kap_client
from test_workspace import make_workspace

from kapnotes.domain.models import SessionKind
from kapnotes.ui.widgets.course_sessions import FITTED


class PaintCounter(QObject):
    def __init__(self, *widgets) -> None:
        super().__init__()
        self.counts = dict.fromkeys(widgets, 0)
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched in self.counts:
            self.counts[watched] += 1
        return False


def test_the_schedule_and_sessions_are_painted_once_per_client_opened(
        qtbot, services, settings):
    client, course = kap_client(services)
    hold(services, course, date(2026, 10, 30), SessionKind.PREPARATION)
    for day in (START, date(2026, 11, 13)):
        hold(services, course, day, SessionKind.DOSING)
    _window, ws = make_workspace(qtbot, services, settings)
    ws.prepare_first_open_soon(delay_ms=10)
    qtbot.waitUntil(lambda: ws._client_view is not None)
    qtbot.wait(20)
    view = ws.client_view
    timeline, sessions = view.timeline_view.viewport(), view.sessions_list.viewport()
    painted = PaintCounter(timeline, sessions)
    ws.open_client(client.id)  # the first open after start-up
    qtbot.waitUntil(lambda: all(painted.counts.values()))
    qtbot.wait(100)  # any later turn of the event loop that would paint them again
    assert painted.counts == {timeline: 1, sessions: 1}
    # The widths are those Qt's own fit gives (tests/ui/test_client_page_painted.py), and
    # the views' scroll ranges are those they work out from them themselves.
    for table in (view.timeline_view, view.sessions_list):
        ranges = [(bar.minimum(), bar.maximum()) for bar in
                  (table.horizontalScrollBar(), table.verticalScrollBar())]
        table.updateGeometries()
        assert ranges == [(bar.minimum(), bar.maximum()) for bar in
                          (table.horizontalScrollBar(), table.verticalScrollBar())]
    tree = view.sessions_list
    ours = [tree.header().sectionSize(col) for col in FITTED]
    assert ours == qt_fitted_widths(tree)


# The bench's window (bench/probes_ops.py: 95 % of its 800×800 offscreen screen), where the
# timeline is narrower than its columns (Phase cut to what Details' room leaves it), and the
# window's first size on a desktop (kapnotes/ui/main_window.py DEFAULT_SIZE); at both the
# sessions list is below the schedule (kapnotes/ui/widgets/shared_row.py), and Phase and
# Details widen as the page, built at another width, is laid out.
@pytest.mark.parametrize("size", [(760, 760), (1280, 760)])
def test_the_stretched_columns_are_laid_out_before_the_first_paint(
        qtbot, services, settings, clock, size):
    clock.now = datetime(2026, 11, 15, 9, 0)  # a Sunday: no slot today, as in the bench
    client, course = kap_client(services)
    hold(services, course, date(2026, 10, 30), SessionKind.PREPARATION)
    for day in (START, date(2026, 11, 13)):
        hold(services, course, day, SessionKind.DOSING)
    window, ws = make_workspace(qtbot, services, settings)
    window.resize(*size)
    ws.prepare_first_open_soon(delay_ms=10)  # the page built at another width, as at start-up
    qtbot.waitUntil(lambda: ws._client_view is not None)
    qtbot.wait(20)
    view = ws.client_view
    timeline, sessions = view.timeline_view.viewport(), view.sessions_list.viewport()
    painted = PaintCounter(timeline, sessions)
    ws.open_client(client.id)
    qtbot.waitUntil(lambda: all(painted.counts.values()))
    qtbot.wait(100)
    assert {"timeline": painted.counts[timeline], "sessions": painted.counts[sessions]} == {
        "timeline": 1, "sessions": 1}
    # What was painted is the stretched columns' final layout: the header's own fit of them
    # to the viewport leaves them as they are, and the scroll ranges are worked out from it.
    for table, header in ((view.timeline_view, view.timeline_view.horizontalHeader()),
                          (view.sessions_list, view.sessions_list.header())):
        sizes = [header.sectionSize(col) for col in range(header.count())]
        ranges = [(bar.minimum(), bar.maximum()) for bar in
                  (table.horizontalScrollBar(), table.verticalScrollBar())]
        header.resizeSections()
        table.updateGeometries()
        assert sizes == [header.sectionSize(col) for col in range(header.count())]
        assert ranges == [(bar.minimum(), bar.maximum()) for bar in
                          (table.horizontalScrollBar(), table.verticalScrollBar())]
