"""Issue 13, "Monitoring and discharge", through the monitoring panel: heart-rate alerts in
the banner, no green "ended" for an early discharge with open alerts, a reading's role that
does not fit its time refused with its window, 180/110 alerting, a true extreme reading
recorded after confirming, the clock across a daylight-saving start, correcting, striking and
backdating a reading, and the dose held until screen and pre-dose vitals exist. Real vault,
real widgets, a hand-moved clock; all data fictional."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.domain.vitals import ReadingRole
from kapnotes.services.clock import aware
from kapnotes.services.monitoring_views import ClockLevel
from kapnotes.ui.monitoring_panel import MonitoringPanel

START = datetime(2026, 11, 20, 9, 0)
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def new_dose(services: object, code: str = "KAP-520", starts_at: datetime = START) -> int:
    client = services.clients.create(Client(code=code, full_name="Jamie Fictional"))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=starts_at.date() - timedelta(days=7)))
    return services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                         starts_at=starts_at, clinician="Dr Kim Sample").id


def screened(services: object, dose_id: int) -> None:
    services.monitoring.save_screen(
        services.notes.client_id_of(dose_id),
        Screen(date(2026, 9, 1), tuple(ScreenAnswer(i, Answer.NO) for i in ScreenItem)),
        screened_by="Dr Kim Sample")
    services.monitoring.acknowledge(dose_id, by="Dr Kim Sample")


@pytest.fixture
def dose_id(services: object) -> int:
    sid = new_dose(services)
    screened(services, sid)
    return sid


def make_panel(qtbot: object, services: object, session_id: int, clock: object) -> MonitoringPanel:
    panel = MonitoringPanel(services, session_id, clock=clock)
    qtbot.addWidget(panel)
    panel.resize(1366, 900)
    panel.show()
    qtbot.waitExposed(panel)
    with qtbot.waitActive(panel, timeout=2000):
        panel.activateWindow()
    return panel


def type_reading(qtbot: object, panel: MonitoringPanel, values: tuple[str, ...],
                 at: str = "") -> None:
    for field, text in zip(("systolic", "diastolic", "heart_rate", "spo2"), values, strict=True):
        edit = panel.vitals.edits[field]
        edit.clear()
        qtbot.keyClicks(edit, text)
    panel.vitals.time_edit.clear()
    if at:
        qtbot.keyClicks(panel.vitals.time_edit, at)
    qtbot.keyClick(panel.vitals.edits["spo2"], Qt.Key.Key_V, CTRL_SHIFT)


def choose_role(panel: MonitoringPanel, role: ReadingRole) -> None:
    panel.vitals.role_combo.setCurrentIndex(panel.vitals.role_combo.findData(role))
    panel.vitals.role_combo.activated.emit(panel.vitals.role_combo.currentIndex())


def dose_given(qtbot: object, panel: MonitoringPanel, clock: object) -> None:
    """Pre-dose vitals typed at 09:00, the device given at 09:05."""
    type_reading(qtbot, panel, ("128", "82", "72", "98"))
    clock.advance(minutes=5)
    qtbot.mouseClick(panel.dose.device_button, Qt.MouseButton.LeftButton)


def test_heart_rate_44_shows_an_alert_in_the_banner(qtbot: object, services: object,
                                                    dose_id: int, clock: object) -> None:
    clock.now = START
    panel = make_panel(qtbot, services, dose_id, clock)
    type_reading(qtbot, panel, ("128", "82", "44", "98"))
    assert "ALERT" in panel.banner_text() and "Heart rate 44/min is below 50/min" in (
        panel.banner_text())
    assert panel.vitals.table.item(0, 6).text().startswith("ALERT")


def test_discharged_now_at_minute_1_with_open_alerts_is_not_green(
        qtbot: object, services: object, dose_id: int, clock: object) -> None:
    clock.now = START
    panel = make_panel(qtbot, services, dose_id, clock)
    dose_given(qtbot, panel, clock)
    clock.advance(minutes=1)
    choose_role(panel, ReadingRole.EXTRA)
    type_reading(qtbot, panel, ("200", "120", "72", "90"))
    qtbot.mouseClick(panel.discharge_button, Qt.MouseButton.LeftButton)
    # Not ready: the discharge waits for a written reason; nothing is stored yet.
    row = panel.readiness_box.override
    assert row.isVisible() and "Unresolved alert: Blood pressure 200/120" in row.message.text()
    assert services.monitoring.details(dose_id).ended_at is None
    assert panel.clock_label.status.level != ClockLevel.DONE
    qtbot.keyClicks(row.reason, "Client insisted on leaving; GP informed")
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert not row.isVisible()
    assert services.monitoring.details(dose_id).ended_at is not None
    status = panel.clock_label.status
    assert status.level != ClockLevel.DONE and status.level == ClockLevel.LATE
    assert panel.clock_label.text().startswith("Discharged at minute 1 before discharge")
    text = panel.readiness.text()
    assert text.startswith("Discharged before the discharge criteria were met, with a "
                           "written reason")
    assert "Unresolved alert: Blood pressure 200/120" in text and "SpO2 90%" in text
    assert "#b3261e" in panel.readiness.styleSheet()  # the alert colour, not green
    kept = services.monitoring.doses.overrides(dose_id)
    assert {o.given_by for o in kept} == {"Dr Kim Sample"}
    assert "Client insisted on leaving" in kept[0].reason


def test_a_40_minute_reading_at_minute_0_is_refused_with_its_window(
        qtbot: object, services: object, dose_id: int, clock: object) -> None:
    clock.now = START
    panel = make_panel(qtbot, services, dose_id, clock)
    dose_given(qtbot, panel, clock)
    choose_role(panel, ReadingRole.FORTY_MINUTES)
    type_reading(qtbot, panel, ("130", "84", "72", "98"))
    assert "fits minutes 30–60 after the first device; this one is at minute 0" in (
        panel.vitals.error.text())
    assert len(services.monitoring.readings(dose_id)) == 1


def test_180_over_110_alerts_and_a_true_extreme_is_recorded_after_confirming(
        qtbot: object, services: object, dose_id: int, clock: object) -> None:
    clock.now = START
    panel = make_panel(qtbot, services, dose_id, clock)
    type_reading(qtbot, panel, ("180", "110", "72", "98"))
    assert "Blood pressure 180/110 is at or above 180/110" in panel.banner_text()
    clock.advance(minutes=2)
    type_reading(qtbot, panel, ("272", "140", "96", "97"))
    assert "outside the usual 50–260" in panel.vitals.error.text()
    assert panel.vitals.confirm_button.isVisible()
    assert len(services.monitoring.readings(dose_id)) == 1
    qtbot.mouseClick(panel.vitals.confirm_button, Qt.MouseButton.LeftButton)
    assert not panel.vitals.confirm_button.isVisible()
    stored = services.monitoring.readings(dose_id)[-1].reading
    assert (stored.systolic, stored.confirmed_unusual) == (272, True)
    assert "Unusual value confirmed" in panel.vitals.table.item(1, 6).text()


def test_the_clock_counts_one_real_hour_across_the_daylight_saving_start(
        qtbot: object, services: object, clock: object, sydney: None) -> None:
    night = datetime(2026, 10, 4, 1, 20)
    sid = new_dose(services, "KAP-521", night)
    clock.now = night
    screened(services, sid)
    panel = make_panel(qtbot, services, sid, clock)
    type_reading(qtbot, panel, ("128", "82", "72", "98"))
    clock.now = datetime(2026, 10, 4, 1, 30)
    qtbot.mouseClick(panel.dose.device_button, Qt.MouseButton.LeftButton)
    assert not panel.dose.error.isVisible(), panel.dose.error.text()
    clock.now = datetime(2026, 10, 4, 3, 30)  # the wall clock jumped 02:00 → 03:00
    panel.clock_label.refresh()
    assert panel.clock_label.text().startswith("Minute 60 since first device")


def test_a_reading_is_corrected_struck_and_backdated_in_the_window(
        qtbot: object, services: object, dose_id: int, clock: object) -> None:
    clock.now = START
    panel = make_panel(qtbot, services, dose_id, clock)
    dose_given(qtbot, panel, clock)
    clock.advance(minutes=80)  # 10:25, writing up the 40-minute reading taken at 09:45
    choose_role(panel, ReadingRole.FORTY_MINUTES)
    type_reading(qtbot, panel, ("218", "88", "80", "97"), at="09:45")
    (typo,) = [r for r in services.monitoring.readings(dose_id)
               if r.reading.role is ReadingRole.FORTY_MINUTES]
    assert typo.reading.taken_at == aware(START + timedelta(minutes=45))
    assert "(entered 10:25)" in panel.vitals.table.item(1, 0).text()

    panel.vitals.table.selectRow(1)
    qtbot.keyClicks(panel.vitals.changes.reason, "typed 218 for 128")
    qtbot.mouseClick(panel.vitals.changes.correct_button, Qt.MouseButton.LeftButton)
    assert panel.vitals.edits["systolic"].text() == "218"
    assert panel.vitals.time_edit.text() == "09:45"
    panel.vitals.edits["systolic"].clear()
    qtbot.keyClicks(panel.vitals.edits["systolic"], "128")
    qtbot.mouseClick(panel.vitals.add_button, Qt.MouseButton.LeftButton)
    assert not panel.vitals.error.isVisible(), panel.vitals.error.text()
    current = services.monitoring.readings(dose_id)
    assert [r.reading.systolic for r in current] == [128, 128]
    assert panel.vitals.table.rowCount() == 3  # the original stays, struck through
    struck_row = next(r for r in range(3)
                      if panel.vitals.table.item(r, 6).text().startswith("Corrected:"))
    assert panel.vitals.table.item(struck_row, 3).font().strikeOut()
    assert panel.vitals.table.item(struck_row, 3).text() == "218/88"
    assert not panel.banner_text()

    panel.vitals.table.selectRow(0)
    qtbot.mouseClick(panel.vitals.changes.strike_button, Qt.MouseButton.LeftButton)
    assert "Reason for striking" in panel.vitals.changes.error.text()
    qtbot.keyClicks(panel.vitals.changes.reason, "cuff on the wrong arm")
    qtbot.mouseClick(panel.vitals.changes.strike_button, Qt.MouseButton.LeftButton)
    assert len(services.monitoring.readings(dose_id)) == 1
    assert panel.vitals.table.rowCount() == 3


def test_the_dose_waits_for_a_screen_and_pre_dose_vitals_or_a_written_reason(
        qtbot: object, services: object, clock: object) -> None:
    sid = new_dose(services, "KAP-522")
    services.monitoring.acknowledge(sid, by="Dr Kim Sample")  # the one click, no screen
    clock.now = START
    panel = make_panel(qtbot, services, sid, clock)
    assert panel.recording_enabled
    qtbot.mouseClick(panel.dose.device_button, Qt.MouseButton.LeftButton)
    row = panel.dose.override
    assert row.isVisible() and services.monitoring.devices(sid) == []
    assert "No contraindication screen" in row.message.text()
    assert "No pre-dose blood pressure" in row.message.text()
    assert not row.button.isEnabled()  # no reason, no dose
    qtbot.keyClicks(row.reason, "Screen done on paper at the GP; cuff broken")
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    # A named clinician gives the reason: the monitoring clinician field is empty yet.
    assert "Clinician giving the reason" in panel.dose.error.text()
    assert services.monitoring.devices(sid) == []
    qtbot.keyClicks(panel.dose.clinician, "Dr Kim Sample")
    qtbot.keyClick(panel.dose.clinician, Qt.Key.Key_Return)
    qtbot.mouseClick(panel.dose.device_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(row.reason, "Screen done on paper at the GP; cuff broken")
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert len(services.monitoring.devices(sid)) == 1 and not row.isVisible()
    assert "Minute 0 since first device" in panel.clock_label.text()
    (override,) = services.monitoring.doses.overrides(sid)
    assert (override.rule_id, override.given_by) == ("dose_needs_screen_and_predose_bp",
                                                     "Dr Kim Sample")
    assert "cuff broken" in panel.dose.overrides.text()


def test_settings_show_the_heart_rate_thresholds_and_save_a_tighter_one(
        qtbot: object, open_vault: object, settings: object, tmp_path: object,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from kapnotes import policy
    from kapnotes.services.settings_service import SettingsService
    from kapnotes.ui.dialogs.settings_dialog import SettingsDialog

    monkeypatch.setenv(policy.POLICY_ENV, str(tmp_path / "no-policy.json"))
    dialog = SettingsDialog(SettingsService(open_vault), settings)
    qtbot.addWidget(dialog)
    spins = dialog.threshold_spins
    assert (spins["alert_heart_rate_above"].value(), spins["alert_heart_rate_below"].value(),
            spins["delay_heart_rate_above"].value()) == (120, 50, 100)
    assert spins["alert_heart_rate_above"].accessibleName() == "Alert: heart rate at or above"
    spins["alert_heart_rate_above"].setValue(110)
    assert dialog.save()
    assert SettingsService(open_vault).vitals_thresholds().alert_heart_rate_above == 110
    dialog = SettingsDialog(SettingsService(open_vault), settings)
    qtbot.addWidget(dialog)
    assert dialog.threshold_spins["alert_heart_rate_above"].value() == 110
    # The rule's own level is as loose as the box goes: a looser alert cannot be typed.
    dialog.threshold_spins["alert_heart_rate_above"].setValue(140)
    assert dialog.threshold_spins["alert_heart_rate_above"].value() == 120


def test_the_confirm_button_does_not_widen_the_panel(qtbot: object, services: object,
                                                     dose_id: int, clock: object) -> None:
    """Seen on a real X server at 1366×768: "Record as typed: it is the real reading" in the
    entry row pushed the panel wider than the page; the route and the weight unit were cut
    off behind a sideways scroll bar."""
    clock.now = START
    panel = make_panel(qtbot, services, dose_id, clock)
    before = panel.vitals.minimumSizeHint().width()
    type_reading(qtbot, panel, ("272", "140", "96", "97"))
    assert panel.vitals.confirm_button.isVisible()
    assert panel.vitals.minimumSizeHint().width() <= before
    button, message = panel.vitals.confirm_button, panel.vitals.error
    assert abs(button.geometry().center().y() - message.geometry().center().y()) < (
        message.height())  # beside the message that asks for it
