"""The client page paints what it did before it was made cheaper to open: the sessions list's
fitted columns are as wide as Qt's own fit-to-contents makes them (the Note column stretches
over the rest, tests/ui/test_sessions_list_width.py), and the timeline's rows, worked out
once when first painted, follow every refresh (the time is measured in bench/, not here)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from test_client_view import START, column, hold, kap_client, make_view

from kapnotes.domain.models import SessionKind
from kapnotes.ui.widgets.course_sessions import FITTED
from kapnotes.ui.widgets.timeline import TimelineModel


def qt_fitted_widths(tree) -> list[int]:
    widths = []
    for col in FITTED:
        tree.resizeColumnToContents(col)
        widths.append(tree.header().sectionSize(col))
    return widths


def test_session_columns_are_as_wide_as_qt_fits_them(qtbot, services):
    client, course = kap_client(services)
    hold(services, course, date(2026, 10, 30), SessionKind.PREPARATION)
    for day in (START, date(2026, 11, 13)):
        hold(services, course, day, SessionKind.DOSING)
    hold(services, course, date(2026, 11, 7), SessionKind.INTEGRATION)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    sessions = view.sessions_list
    assert sessions.topLevelItemCount() == 4
    ours = [sessions.header().sectionSize(col) for col in FITTED]
    assert ours == qt_fitted_widths(sessions)
    assert all(width > 0 for width in ours)


def test_an_empty_course_line_gives_the_columns_no_width(qtbot, services):
    client, _course = kap_client(services)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    sessions = view.sessions_list
    assert sessions.topLevelItem(0).text(0) == "No sessions yet"
    ours = [sessions.header().sectionSize(col) for col in FITTED]
    assert ours == qt_fitted_widths(sessions)


def test_painted_timeline_rows_follow_a_refresh(qtbot, services):
    client, _course = kap_client(services)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    qtbot.waitExposed(view)
    before = view.grab().toImage()  # every row on screen painted (and kept) once
    model = view.timeline_view.timeline_model
    row = 7  # dose 4, Fri 27 Nov
    assert column(view, TimelineModel.STATUS)[row] == "Upcoming"
    assert model.data(model.index(row, TimelineModel.STATUS),
                      Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(row, TimelineModel.DATE), Qt.ItemDataRole.FontRole) is None

    slot = model.entry(row).slot
    services.courses.skip_slot(slot.id, "End of course brought forward")
    view.refresh()
    assert column(view, TimelineModel.STATUS)[row] == "– Skipped"
    assert column(view, TimelineModel.DETAIL)[row] == "End of course brought forward"
    assert view.grab().toImage() != before

    today = column(view, TimelineModel.DATE).index("Today 20 Nov")
    index = model.index(today, TimelineModel.PHASE)
    assert model.data(index, Qt.ItemDataRole.FontRole).bold()
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(index, Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.data(index, Qt.ItemDataRole.UserRole + 1) is model.entry(today)
