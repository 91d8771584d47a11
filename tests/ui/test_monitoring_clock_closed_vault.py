"""The monitoring clock ticks on a timer: a tick against a vault that cannot be read (closed,
busy) skips that tick instead of raising into Qt's event loop, and keeps the last text."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.ui.monitoring_panel import MonitoringPanel


def test_a_tick_on_a_closed_vault_keeps_the_last_status(qtbot: Any, services: Any,
                                                        clock: Any) -> None:
    client = services.clients.create(Client(code="KAP-503", full_name="Sam Fictional"))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 11, 2)))
    session = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                            starts_at=datetime(2026, 11, 20, 9, 0))
    panel = MonitoringPanel(services, session.id, clock=clock)
    qtbot.addWidget(panel)
    shown = panel.clock_label.text()
    assert shown
    services.vault.conn.close()  # as after the window closed the vault, with a tick pending
    clock.advance(minutes=10)
    panel.clock_label.refresh()  # pytest-qt fails the test on an exception in a slot
    panel.clock_label.timer.timeout.emit()
    assert panel.clock_label.text() == shown


def test_a_tick_that_changes_the_level_recolours_the_clock(qtbot: Any) -> None:
    """A tick sets the clock's style sheet only when its colours change: a reading falling due
    (or late) must still recolour the line, and a quiet tick must leave it as it was."""
    from kapnotes.services.monitoring_views import ClockLevel, ClockStatus
    from kapnotes.ui.widgets.monitoring_clock import MonitoringClockLabel

    level = [ClockLevel.RUNNING]
    label = MonitoringClockLabel(lambda now: ClockStatus(12, f"{now:%H:%M}", level[0]),
                                 lambda: datetime(2026, 11, 20, 9, 12))
    qtbot.addWidget(label)
    label.timer.stop()
    running = label.styleSheet()
    assert running and label.text() == "09:12"
    label.refresh()
    assert label.styleSheet() == running
    level[0] = ClockLevel.LATE
    label.refresh()
    assert label.styleSheet() not in ("", running)  # the alert colours
    level[0] = ClockLevel.RUNNING
    label.refresh()
    assert label.styleSheet() == running
