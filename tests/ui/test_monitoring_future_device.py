"""The monitoring panel of a dosing note whose first device time is ahead of the workstation's
clock (a pump or monitor clock running fast): it opens, keeps the time as recorded, asks to
check it, and shows the monitoring time as unknown instead of a count. Real vault, real
widgets, a hand-moved clock; all data fictional."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from helpers import dosing
from PySide6.QtCore import Qt

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


def test_a_reading_time_typed_ahead_of_the_clock_is_kept_with_a_word_to_check_the_clocks(
        qtbot: object, services: object, clock: object) -> None:
    """The one monitoring time typed by hand is a reading's (a device time is stamped by
    "Device given now"): a monitor running a minute fast gives a time just ahead of the
    workstation's. It is kept as typed (docs/DATES.md, "Clocks that disagree"), and the
    entry row says so, naming both times, instead of storing it without a word."""
    clock.now = START + timedelta(minutes=7, seconds=30)  # 09:07:30 on the workstation
    client = services.clients.create(Client(code="KAP-733", full_name="Alex Madeup"))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 11, 13)))
    sid = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                        starts_at=START, clinician="Dr Kim Sample").id
    dosing.screen_client(services, sid, START.date())  # recording opens once screened
    panel = MonitoringPanel(services, sid, clock=clock)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    vitals = panel.vitals
    assert vitals.isEnabled()
    for field, text in (("systolic", "128"), ("diastolic", "82"), ("heart_rate", "71"),
                        ("spo2", "98")):
        qtbot.keyClicks(vitals.edits[field], text)
    qtbot.keyClicks(vitals.time_edit, "09:08")  # the monitor's time, a minute ahead
    qtbot.keyClick(vitals.time_edit, Qt.Key.Key_Return)
    (stored,) = services.monitoring.readings(sid)
    assert stored.reading.taken_at.strftime("%H:%M") == "09:08"  # kept as typed
    assert not vitals.error.isVisible()  # not a refusal
    assert vitals.time_note.isVisible()
    assert vitals.time_note.text() == (
        "Reading time 09:08 is later than this computer's clock (09:07); it is kept as "
        "typed. Check the monitor's and the computer's clocks.")
    # The next reading, at the clock's time, clears the note.
    for field, text in (("systolic", "126"), ("diastolic", "80")):
        qtbot.keyClicks(vitals.edits[field], text)
    qtbot.keyClick(vitals.edits["diastolic"], Qt.Key.Key_Return)
    assert len(services.monitoring.readings(sid)) == 2
    assert not vitals.time_note.isVisible()
