"""The dosing monitoring record through its widgets: a whole session recorded by keyboard and
mouse, then read back from the reopened vault. Real vault, real widgets, a hand-moved clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kapnotes.domain.dosing_record import Medication, Route
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.monitoring import AdverseEffect, Intensity
from kapnotes.domain.screening import Answer, ScreenItem
from kapnotes.domain.vitals import ReadingRole
from kapnotes.services.clock import aware
from kapnotes.services.container import build_services
from kapnotes.storage import lifecycle
from kapnotes.ui.monitoring_panel import MonitoringPanel
from kapnotes.ui.widgets.vitals_chart import VitalsChart

START = datetime(2026, 11, 20, 9, 0)
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def dose_id(services: object) -> int:
    client = services.clients.create(Client(code="KAP-502", full_name="Jordan Example",
                                            medicines=("sertraline 100 mg",)))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 11, 2)))
    return services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                         starts_at=START, clinician="Dr Kim Sample").id


def make_panel(qtbot: object, services: object, session_id: int, clock: object) -> MonitoringPanel:
    panel = MonitoringPanel(services, session_id, clock=clock)
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    panel.show()
    qtbot.waitExposed(panel)
    with qtbot.waitActive(panel, timeout=2000):  # window shortcuts need the active window
        panel.activateWindow()
    return panel


def type_reading(qtbot: object, panel: MonitoringPanel, values: tuple[str, ...]) -> None:
    """Type a reading into the entry row and press the one shortcut."""
    for field, text in zip(("systolic", "diastolic", "heart_rate", "spo2"), values, strict=True):
        edit = panel.vitals.edits[field]
        edit.clear()
        qtbot.keyClicks(edit, text)
    qtbot.keyClick(panel.vitals.edits["spo2"], Qt.Key.Key_V, CTRL_SHIFT)


def tick(qtbot: object, box: object) -> None:
    """Toggle a check box by keyboard (a click must land on its label, not the empty row)."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def choose(qtbot: object, combo: object, data: object) -> None:
    """Pick an item by keyboard, as a user would on a closed combo box."""
    combo.setFocus()
    target = combo.findData(data)
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def test_a_full_dosing_session_is_recorded_and_read_back(
    qtbot: object, services: object, dose_id: int, clock: object, vault_path: Path,
    passphrase: str, tmp_path: Path,
) -> None:
    clock.now = START
    panel = make_panel(qtbot, services, dose_id, clock)

    # No screen yet: recording waits for the warnings to be reviewed and acknowledged.
    assert panel.ack_banner.isVisible() and not panel.recording_enabled
    assert "No contraindication screen" in panel.ack_banner.warnings.text()
    dialog = panel.open_screening_dialog()
    assert dialog.medicines.toPlainText() == "sertraline 100 mg"
    for item in ScreenItem:
        dialog.set_answer(item, Answer.NO)
    qtbot.mouseClick(dialog.groups[ScreenItem.PREGNANCY].button(3), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.notes[ScreenItem.PREGNANCY], "Test result awaited")
    qtbot.keyClicks(dialog.screened_by, "Dr Kim Sample")
    with qtbot.waitSignal(dialog.saved, timeout=1000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Pregnancy: not known (Test result awaited)" in panel.ack_banner.warnings.text()
    assert not panel.recording_enabled
    with qtbot.waitSignal(panel.ack_banner.acknowledged, timeout=1000):
        qtbot.mouseClick(panel.ack_banner.ack_button, Qt.MouseButton.LeftButton)
    assert panel.recording_enabled and not panel.ack_banner.isVisible()

    # Pre-dose checklist, then the dose.
    for name in ("fasting_food", "fasting_liquids", "screen_reviewed", "predose_vitals_ok"):
        tick(qtbot, panel.checks[name])
    choose(qtbot, panel.dose.medication, Medication.ESKETAMINE.value)
    assert panel.dose.route.currentData() == Route.INTRANASAL.value
    qtbot.keyClicks(panel.dose.dose, "56")
    qtbot.keyClick(panel.dose.dose, Qt.Key.Key_Return)
    assert "2 × 28 mg devices" in panel.dose.arithmetic.text()
    for edit, text in ((panel.dose.lot, "LOT-2291B"), (panel.dose.setting, "Room 2, reclined")):
        qtbot.keyClicks(edit, text)
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    # Pre-dose BP by the shortcut; a typing slip is refused, naming the field.
    assert panel.vitals.role() is ReadingRole.PRE_DOSE
    type_reading(qtbot, panel, ("300", "80", "72", "98"))
    assert "Systolic blood pressure 300 mmHg is outside the usual 50–260 mmHg" in (
        panel.vitals.error.text())
    assert panel.vitals.error.isVisible() and services.monitoring.readings(dose_id) == []
    assert panel.vitals.confirm_button.isVisible()
    type_reading(qtbot, panel, ("132", "84", "72", "98"))
    assert not panel.vitals.error.isVisible() and not panel.vitals.confirm_button.isVisible()

    # Two devices, five minutes apart; the clock runs from the first.
    clock.advance(minutes=5)
    qtbot.mouseClick(panel.dose.device_button, Qt.MouseButton.LeftButton)
    clock.advance(minutes=5)
    qtbot.mouseClick(panel.dose.device_button, Qt.MouseButton.LeftButton)
    clock.advance(minutes=27)
    panel.clock_label.refresh()
    assert panel.clock_label.text().endswith(
        "Minute 32 since first device — 40-minute BP due in 8 min")
    clock.advance(minutes=8)
    panel.clock_label.refresh()
    assert panel.vitals.role() is ReadingRole.FORTY_MINUTES
    type_reading(qtbot, panel, ("185", "115", "88", "97"))
    assert "ALERT" in panel.banner_text() and "185/115 is at or above 180/110" in (
        panel.banner_text())

    # Observation and an adverse effect.
    choose(qtbot, panel.observations.moaas, 4)
    choose(qtbot, panel.observations.dissociation, Intensity.MODERATE.value)
    qtbot.keyClicks(panel.observations.note, "Eyes closed, slow to answer")
    qtbot.keyClick(panel.observations.note, Qt.Key.Key_Return)
    nausea, severity, _note, _serious = panel.effects.rows[AdverseEffect.NAUSEA]
    choose(qtbot, severity, Intensity.MODERATE.value)
    tick(qtbot, nausea)
    choose(qtbot, panel.resp, False)
    panel.interventions.setFocus()
    qtbot.keyClicks(panel.interventions, "Ondansetron 4 mg at 09:50")

    # The 2-hour minimum, sedation resolved, end-of-session BP, discharge.
    clock.advance(minutes=70)
    choose(qtbot, panel.observations.moaas, 5)
    choose(qtbot, panel.observations.dissociation, Intensity.NONE.value)
    qtbot.mouseClick(panel.observations.add_button, Qt.MouseButton.LeftButton)
    clock.advance(minutes=10)
    panel.clock_label.refresh()
    assert "2-hour minimum reached" in panel.clock_label.text()
    assert panel.vitals.role() is ReadingRole.END_OF_SESSION
    type_reading(qtbot, panel, ("128", "82", "70", "98"))
    qtbot.mouseClick(panel.discharge_button, Qt.MouseButton.LeftButton)
    panel.ready.selectAll()
    qtbot.keyClicks(panel.ready, "95")
    qtbot.keyClick(panel.ready, Qt.Key.Key_Return)
    panel.escort.setFocus()
    qtbot.keyClicks(panel.escort, "Partner (Sam)")
    tick(qtbot, panel.checks["discharge_vitals_ok"])
    tick(qtbot, panel.checks["no_driving_advised"])
    panel.flush()  # what the session editor does on leaving the session
    assert services.notes.sign_blockers(dose_id) == []

    # Close, reopen, read everything back.
    services.vault.close()
    vault = lifecycle.unlock_vault(vault_path, passphrase=passphrase)
    try:
        again = build_services(vault, clock=clock, practice_templates=tmp_path / "templates")
        m = again.monitoring
        d = m.details(dose_id)
        assert (d.medication, d.route, d.dose_mg, d.lot_number, d.setting) == (
            Medication.ESKETAMINE, Route.INTRANASAL, 56.0, "LOT-2291B", "Room 2, reclined")
        assert (d.fasting_food, d.fasting_liquids, d.screen_reviewed, d.predose_vitals_ok) == (
            True, True, True, True)
        assert (d.respiratory_depression, d.interventions) == (False, "Ondansetron 4 mg at 09:50")
        assert d.ended_at == aware(START + timedelta(minutes=125))
        assert (d.ready_to_leave_minutes, d.escort, d.discharge_vitals_ok,
                d.no_driving_advised) == (95, "Partner (Sam)", True, True)
        assert [t.given_at for t in m.devices(dose_id)] == [
            aware(START + timedelta(minutes=5)), aware(START + timedelta(minutes=10))]
        readings = [s.reading for s in m.readings(dose_id)]
        assert [(r.role, r.systolic, r.diastolic, r.taken_at) for r in readings] == [
            (ReadingRole.PRE_DOSE, 132, 84, aware(START)),
            (ReadingRole.FORTY_MINUTES, 185, 115, aware(START + timedelta(minutes=45))),
            (ReadingRole.END_OF_SESSION, 128, 82, aware(START + timedelta(minutes=125)))]
        (obs, _resolved) = [o.observation for o in m.observations(dose_id)]
        assert (obs.moaas, obs.dissociation, obs.note) == (
            4, Intensity.MODERATE, "Eyes closed, slow to answer")
        (effect,) = [e.entry for e in m.adverse_effects(dose_id)]
        assert (effect.effect, effect.severity) == (AdverseEffect.NAUSEA, Intensity.MODERATE)
        (ack,) = m.screening.acknowledgements(dose_id)
        assert ack.acknowledged_by == "Dr Kim Sample" and ack.acknowledged_at == START
        assert any("Pregnancy: not known" in w for w in ack.warnings)
        screen = m.screening.latest(again.notes.client_id_of(dose_id))
        assert screen.screen.answer_for(ScreenItem.PREGNANCY).answer is Answer.UNKNOWN
        course_id = again.notes.session(dose_id).course_id
        assert m.course_monitoring(course_id).alerts[dose_id][0] == (
            "Blood pressure 185/115 is at or above 180/110.")

        # The reopened record shows the same in the widgets.
        reopened = make_panel(qtbot, again, dose_id, clock)
        assert reopened.vitals.table.rowCount() == 3
        assert "185/115" in reopened.banner_text()
        assert reopened.escort.text() == "Partner (Sam)"
        assert reopened.effects.rows[AdverseEffect.NAUSEA][0].isChecked()
    finally:
        vault.close()


def test_the_banner_shows_an_alert_for_185_over_115(qtbot: object, services: object,
                                                    dose_id: int, clock: object) -> None:
    services.monitoring.acknowledge(dose_id, by="Dr Kim Sample")
    panel = make_panel(qtbot, services, dose_id, clock)
    assert panel.recording_enabled and not panel.vitals.banner.isVisible()
    with qtbot.waitSignal(panel.alerts_changed, timeout=1000) as sig:
        type_reading(qtbot, panel, ("185", "115", "90", "97"))
    assert panel.vitals.banner.isVisible()
    assert "ALERT" in panel.banner_text() and "185/115 is at or above 180/110" in (
        panel.banner_text())
    assert sig.args[0][0].startswith("ALERT")
    assert "185/115" in panel.vitals.table.item(0, 3).text()
    assert panel.vitals.table.item(0, 6).text().startswith("ALERT")


def test_a_signed_record_is_read_only(qtbot: object, services: object, dose_id: int,
                                      clock: object) -> None:
    services.monitoring.acknowledge(dose_id, by="Dr Kim Sample")
    services.notes.save_fields(dose_id, {"arrival_state": "Settled", "observations": "Calm",
                                         "post_session_state": "Steady"})
    services.notes.sign(dose_id, signer="Dr Kim Sample", reason="Session stopped early.")
    panel = make_panel(qtbot, services, dose_id, clock)
    assert not panel.recording_enabled and not panel.dose.device_button.isEnabled()
    assert "read-only" in panel.state_label.text()
    type_reading(qtbot, panel, ("120", "80", "70", "98"))
    assert services.monitoring.readings(dose_id) == []


def test_the_chart_takes_the_course_series(qtbot: object, services: object, dose_id: int,
                                           clock: object) -> None:
    m = services.monitoring
    m.add_reading(dose_id, "pre_dose", {"systolic": 130, "diastolic": 85}, at=START)
    m.add_device(dose_id, at=START + timedelta(minutes=10), reason="Screened on paper",
                 by="Dr Kim Sample")
    m.add_reading(dose_id, "forty_minutes", {"systolic": 150, "diastolic": 95, "spo2": 96},
                  at=START + timedelta(minutes=50))
    chart = VitalsChart()
    qtbot.addWidget(chart)
    chart.set_series(m.course_monitoring(services.notes.session(dose_id).course_id).series())
    assert chart.highlight == dose_id
    assert [p.minute for p in chart.series[0].points] == [-10.0, 40.0]
    assert chart.summary() == "2 readings over 1 dosing session."
    assert not chart.grab().isNull()
