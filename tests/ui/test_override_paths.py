"""Issue 13: "Every override takes a written reason, is shown in the note and in the PDF, and
goes to the audit log", for the paths not covered elsewhere: a dose sooner than the minimum
interval typed in the dose entry, and a discharge before the client is ready, each through the
widgets, read back in the note when it is opened again, in the session PDF and in the audit
log (rule id only, never the reason's words). Real vault, real widgets; fictional data."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtCore import Qt

from kapnotes.domain.dosing_record import Medication, Route
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.services import exports
from kapnotes.storage import audit
from kapnotes.ui.monitoring_panel import MonitoringPanel
from kapnotes.ui.widgets.dose_section import DoseSection

START = datetime(2026, 11, 20, 9, 0)


def course(services: Any) -> int:
    client = services.clients.create(Client(code="KAP-615", full_name="Robin Placeholder"))
    services.monitoring.save_screen(
        client.id, Screen(date(2026, 11, 1), tuple(ScreenAnswer(i, Answer.NO)
                                                    for i in ScreenItem)),
        screened_by="Dr Kim Sample")
    return services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                          start_date=date(2026, 11, 2))).id


def session(services: Any, course_id: int, at: datetime) -> int:
    sid = services.notes.create_session(course_id=course_id, kind=SessionKind.DOSING,
                                        starts_at=at, clinician="Dr Kim Sample").id
    services.monitoring.acknowledge(sid, by="Dr Kim Sample")
    return sid


def pdf_text(services: Any, sid: int, tmp_path: Path) -> str:
    job = exports.build_session_report(services, sid,
                                       exports.options_for(services, deidentified=False))
    path = exports.export_pdf(services, job, tmp_path / f"note-{sid}.pdf")
    return " ".join("\n".join(p.extract_text() for p in PdfReader(
        io.BytesIO(path.read_bytes())).pages).split())


def overrides_logged(services: Any, sid: int) -> list[str]:
    return [e.detail for e in audit.entries(services.vault, record_type="session")
            if e.event == "rule.override" and e.record_id == str(sid)]


def choose(qtbot: Any, combo: Any, data: object) -> None:
    combo.setFocus()
    target = combo.findData(data)
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def test_an_interval_override_typed_in_the_dose_entry_is_kept_shown_and_audited(
        qtbot: Any, services: Any, clock: Any, tmp_path: Path) -> None:
    cid = course(services)
    first = session(services, cid, START)
    services.monitoring.update_record(first, {"medication": "esketamine",
                                              "route": "intranasal", "dose_mg": 56})
    clock.now = START + timedelta(days=1)
    sid = session(services, cid, clock.now)
    section = DoseSection(services.monitoring, sid, clock)
    qtbot.addWidget(section)
    section.show()
    choose(qtbot, section.medication, Medication.ESKETAMINE.value)
    choose(qtbot, section.route, Route.INTRANASAL.value)
    section.dose.setFocus()
    section.dose.selectAll()
    qtbot.keyClicks(section.dose, "56")
    qtbot.keyClick(section.dose, Qt.Key.Key_Return)
    assert section.override.isVisible()
    assert "1 day after the dose of 20 Nov 2026" in section.override.message.text()
    assert services.monitoring.details(sid).dose_mg is None
    qtbot.keyClicks(section.override.reason, "Prescriber moved the dose; letter on file")
    section.override.button.click()
    assert services.monitoring.details(sid).dose_mg == 56
    # Shown in the note, also when it is opened again.
    again = DoseSection(services.monitoring, sid, clock)
    qtbot.addWidget(again)
    assert "Prescriber moved the dose" in again.overrides.text()
    assert "1 day after the dose" in again.overrides.text()
    assert overrides_logged(services, sid) == ["rule esketamine_min_interval"]
    text = pdf_text(services, sid, tmp_path)
    assert "Written reason: Prescriber moved the dose; letter on file" in text
    assert "1 day after the dose of 20 Nov 2026" in text


def test_a_discharge_override_is_shown_in_the_note_the_pdf_and_the_audit_log(
        qtbot: Any, services: Any, clock: Any, tmp_path: Path) -> None:
    sid = session(services, course(services), START)
    m = services.monitoring
    m.add_reading(sid, "pre_dose", {"systolic": 128, "diastolic": 82, "heart_rate": 70,
                                    "spo2": 98}, at=START - timedelta(minutes=5))
    m.add_device(sid, at=START)
    clock.now = START + timedelta(minutes=30)
    panel = MonitoringPanel(services, sid, clock=clock)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.mouseClick(panel.discharge_button, Qt.MouseButton.LeftButton)
    row = panel.readiness_box.override
    assert row.isVisible() and m.details(sid).ended_at is None
    qtbot.keyClicks(row.reason, "Transferred to the emergency department")
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert m.details(sid).ended_at is not None
    reopened = MonitoringPanel(services, sid, clock=clock)
    qtbot.addWidget(reopened)
    assert "Transferred to the emergency department" in reopened.dose.overrides.text()
    logged = overrides_logged(services, sid)
    assert logged and all(d.startswith("rule discharge_") for d in logged)
    assert not any("emergency" in d for d in logged)
    text = pdf_text(services, sid, tmp_path)
    assert "Written reason: Transferred to the emergency department" in text


def test_a_signing_override_says_what_its_reason_answered_in_the_note_and_the_pdf(
        qtbot: Any, services: Any, clock: Any, tmp_path: Path) -> None:
    """Signing past findings is an override too: the signed note and its PDF showed the
    reason but not what it was for (only the audit log named the rules)."""
    from kapnotes.ui.session_editor import SessionEditor

    sid = session(services, course(services), START)
    m = services.monitoring
    m.add_reading(sid, "pre_dose", {"systolic": 128, "diastolic": 82, "heart_rate": 70,
                                    "spo2": 98}, at=START - timedelta(minutes=5))
    m.add_device(sid, at=START)
    m.update_record(sid, {"medication": "esketamine", "route": "intranasal", "dose_mg": 56})
    services.notes.save_fields(sid, {"arrival_state": "Settled", "observations": "Calm",
                                     "post_session_state": "Steady"})
    clock.now = START + timedelta(minutes=50)
    services.notes.sign(sid, signer="Dr Kim Sample", reason="Client left with a paramedic")
    (entry,) = [e for e in audit.entries(services.vault, record_type="session")
                if e.event == "session.sign"]
    assert "monitoring_minimum_time" in entry.detail and "paramedic" not in entry.detail
    answered = services.notes.sign_answered(sid)
    assert "Minimum monitoring after the dose" in answered
    assert "end-of-session blood pressure not recorded" in answered
    text = pdf_text(services, sid, tmp_path)
    assert "Signed with a written reason for: " in text
    assert "Minimum monitoring after the dose" in text and "Client left with a paramedic" in text
    editor = SessionEditor(services, sid, signer_name="Dr Kim Sample")
    qtbot.addWidget(editor)
    label = editor.signature_label.text()
    assert "Reason (for: " in label and "Minimum monitoring after the dose" in label
    assert label.endswith("Client left with a paramedic")
