"""The monitoring panel of a dosing note whose first device time is ahead of the workstation's
clock (a pump or monitor clock running fast): it opens, keeps the time as recorded, asks to
check it, and shows the monitoring time as unknown instead of a count. Real vault, real
widgets, a hand-moved clock; all data fictional."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.vitals import ReadingRole
from kapnotes.services.monitoring_views import ClockLevel
from kapnotes.ui.monitoring_panel import MonitoringPanel

START = datetime(2026, 11, 20, 9, 0)


def test_panel_opens_with_a_device_time_ahead_of_the_clock(
        qtbot: object, services: object, clock: object) -> None:
    clock.now = START
    client = services.clients.create(Client(code="KAP-732", full_name="Jamie Fictional"))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 11, 13)))
    sid = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                        starts_at=START, clinician="Dr Kim Sample").id
    services.monitoring.add_device(sid, at=START + timedelta(minutes=7),
                                   reason="Screened on paper", by="Dr Kim Sample")
    panel = MonitoringPanel(services, sid, clock=clock)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.clock_label.text() == "First device time is in the future: check it."
    assert panel.clock_label.status.level == ClockLevel.LATE
    assert ("First device time (09:07) is after the time of this check, so the monitoring "
            "time is unknown") in panel.readiness.text()
    assert panel.vitals.role_combo.currentData() == ReadingRole.PRE_DOSE
    clock.advance(minutes=10)  # the workstation catches up: minutes count again
    panel.clock_label.refresh()
    assert panel.clock_label.text().startswith("Minute 3 since first device")
