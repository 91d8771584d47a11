"""The client page's sessions list in a 1280×800 window (the demo vault): every column within
the list, no horizontal scroll bar, and the schedule beside it not pushed into one either; a
note's mark too long for the Note column is cut short with the whole of it in the tooltip."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle

from kapnotes.domain.review_model import ReviewStatus
from kapnotes.ui.client_view import ClientView
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.widgets.course_sessions import DATE, FLAGS, NOTE, CourseSessionsList
from kapnotes.ui.workspace import Workspace


def open_demo_client(qtbot, services, ids, settings) -> ClientView:
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    workspace = Workspace(window, services, signer_name="Dr Demo Clinician")
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    workspace.open_client(ids[0])  # 12 sessions, one with a monitoring alert
    view = workspace.client_view
    qtbot.wait(50)  # the turns of the event loop that lay the page out and show scroll bars
    return view


def text_room(tree: CourseSessionsList) -> int:
    """What a cell's text margins take (the item delegate's: the focus frame's, plus one)."""
    return 2 * (tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree)
                + 1)


def fits(tree: CourseSessionsList, col: int, text: str) -> bool:
    return (QFontMetrics(tree.font()).horizontalAdvance(text) + text_room(tree)
            <= tree.header().sectionSize(col))


def test_every_column_fits_at_1280_px(qtbot, open_demo, settings) -> None:
    services, ids = open_demo(datetime(2026, 11, 20, 9, 0))  # tests/ui/conftest.py
    view = open_demo_client(qtbot, services, ids, settings)
    tree, header = view.sessions_list, view.sessions_list.header()
    assert view.window().width() == 1280
    assert tree.topLevelItemCount() == 12
    assert tree.horizontalScrollBar().maximum() == 0
    assert not tree.horizontalScrollBar().isVisible()
    for col in range(tree.columnCount()):
        right = header.sectionViewportPosition(col) + header.sectionSize(col)
        assert 0 < right <= tree.viewport().width(), f"column {col} ends at {right}px"
    rows = [tree.topLevelItem(r) for r in range(tree.topLevelItemCount())]
    assert all(fits(tree, NOTE, row.text(NOTE)) for row in rows)  # "✓ Signed" whole
    assert any(row.text(FLAGS) == "⚠ alert" for row in rows)
    assert all(fits(tree, FLAGS, row.text(FLAGS)) for row in rows)
    # The weekday the date column leaves out is in its tooltip.
    assert rows[0].text(DATE) == "17 Nov 2026, 14:00"
    assert rows[0].toolTip(DATE) == "Tue 17 Nov 2026, 14:00"
    # The schedule beside it kept the room for its own columns.
    assert view.timeline_view.horizontalScrollBar().maximum() == 0

    # A longer mark (a note sent back by the supervisor) is cut short, whole in its tooltip.
    sessions = services.notes.sessions_for_course(view.course_id)
    newest = max(sessions, key=lambda s: s.starts_at)
    tree.set_sessions(sessions, reviews={newest.id: ReviewStatus.CHANGES_REQUESTED})
    row = tree.topLevelItem(0)
    assert row.text(NOTE) == "✎ Changes requested"
    assert row.toolTip(NOTE).startswith("✎ Changes requested")
    assert "supervision: changes requested" in row.toolTip(NOTE)
    assert tree.horizontalScrollBar().maximum() == 0
