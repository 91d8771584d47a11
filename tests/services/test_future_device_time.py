"""A first device time later than the workstation's clock (a pump or monitor clock running
ahead, or a time typed a little in the future) must not stop the record from being read: the
course and session PDFs still export with the device time as recorded, the monitoring clock
says to check it, and signing names the unknown monitoring time instead of crashing.
Real vault, real PDFs read back with pypdf. Fictional data."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services import exports

START = datetime(2026, 11, 20, 9, 0)
AHEAD = START + timedelta(minutes=7)  # the device's clock runs 7 minutes ahead
UNKNOWN = ("First device time (09:07) is after the time of this check, so the monitoring "
           "time is unknown")


def _text(path: Path) -> str:
    pages = PdfReader(io.BytesIO(path.read_bytes())).pages
    return " ".join("\n".join(p.extract_text() for p in pages).split())


def _dosing_with_future_device(services: object) -> tuple[int, int]:
    """A draft dosing note whose first device is 7 minutes after the services' clock."""
    client = services.clients.create(Client(code="KAP-731", full_name="Rowan Imaginary"))
    course = services.courses.create(Course(client_id=client.id, protocol="iv_ketamine",
                                            start_date=date(2026, 11, 2)))
    sid = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                        starts_at=START).id
    m = services.monitoring
    m.set_weight(sid, "70", "kg")
    m.update_record(sid, {"medication": "ketamine", "route": "iv", "dose_mg": 35})
    m.add_device(sid, at=AHEAD, reason="Screen and cuff reading on the paper chart",
                 by="Dr Kim Sample")
    assert services.clock() < AHEAD
    return client.id, sid


def test_course_pdf_exports_with_a_device_time_ahead_of_the_clock(
        services: object, tmp_path: Path) -> None:
    client_id, _ = _dosing_with_future_device(services)
    job = exports.build_course_report(services, client_id,
                                      exports.options_for(services, deidentified=True))
    text = _text(exports.export_pdf(services, job, tmp_path / "course.pdf"))
    assert "Rowan" not in text
    assert UNKNOWN in text


def test_session_pdf_prints_the_device_time_as_recorded_and_flags_it(
        services: object, tmp_path: Path) -> None:
    _, sid = _dosing_with_future_device(services)
    job = exports.build_session_report(services, sid,
                                       exports.options_for(services, deidentified=True))
    text = _text(exports.export_pdf(services, job, tmp_path / "note.pdf"))
    assert "09:07" in text  # the device time, as recorded, not moved to the clock's time
    assert "Signing will need a written reason" in text
    assert UNKNOWN in text
    assert "Monitoring lasted -" not in text


def test_signing_and_monitoring_views_name_a_future_device_time(services: object) -> None:
    _, sid = _dosing_with_future_device(services)
    m = services.monitoring
    blockers = m.signing_blockers(sid)
    assert any(UNKNOWN in b for b in blockers)
    assert not any(b.startswith("Monitoring lasted") for b in blockers)
    assert m.prompts(sid) == ()  # nothing is due before the dose, as the clock shows it
    status = m.clock_status(sid)
    assert status.text == "First device time is in the future: check it."
    # Once the workstation's clock passes the device time, the usual rules apply again.
    services.clock.advance(minutes=10)
    blockers = m.signing_blockers(sid)
    assert any(b.startswith("Monitoring lasted 3 minutes") for b in blockers)
    assert status != m.clock_status(sid)
