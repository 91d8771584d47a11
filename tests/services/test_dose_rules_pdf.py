"""The session PDF shows what the dose rules said (issue 13): the reason given to go past a
rule, infusion end and boosters, dose warnings, and for a draft what stands before signing, all
from the same rules the window uses. Read back with pypdf. Fictional data."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services import exports

START = datetime(2026, 11, 20, 9, 0)


def pdf_text(services: object, session_id: int, folder: Path, *, deidentified: bool) -> str:
    job = exports.build_session_report(services, session_id,
                                       exports.options_for(services, deidentified=deidentified))
    path = exports.export_pdf(services, job, folder / "note.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    path.unlink()
    return " ".join(text.split())


def test_override_infusion_boosters_and_draft_refusal_are_in_the_pdf(
        services: object, tmp_path: Path) -> None:
    client = services.clients.create(Client(code="KAP-717", full_name="Quinn Imaginary"))
    course = services.courses.create(Course(client_id=client.id, protocol="iv_ketamine",
                                            start_date=date(2026, 11, 2)))
    sid = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                        starts_at=START).id
    m = services.monitoring
    m.update_record(sid, {"medication": "ketamine", "route": "iv", "dose_mg": 35})
    text = pdf_text(services, sid, tmp_path, deidentified=True)
    assert "Cannot be signed until fixed: The dose is IV or IM but no weight is recorded" in text

    m.set_weight(sid, "70", "kg")
    m.update_record(sid, {"dose_mg": 80}, reason="Quinn Imaginary tolerated 80 mg before",
                    by="Dr Kim Sample")
    m.add_device(sid, at=START, reason="Screen and cuff reading on the paper chart",
                 by="Dr Kim Sample")  # no screen or pre-dose BP here: a reason, kept and shown
    m.doses.add_booster(sid, "10", at=START + timedelta(minutes=20))
    m.update_record(sid, {"infusion_end_at": START + timedelta(minutes=40)})
    text = pdf_text(services, sid, tmp_path, deidentified=False)
    assert "Rule overridden by Dr Kim Sample at" in text
    assert "1.14 mg/kg IV is above 1 mg/kg" in text
    assert "Written reason: Quinn Imaginary tolerated 80 mg before" in text
    assert "Written reason: Screen and cuff reading on the paper chart" in text
    assert "Infusion ended 09:40 (over 40 min)" in text
    assert "Booster doses 10 mg at 09:20" in text
    assert "Cannot be signed until fixed" not in text
    assert "Signing will need a written reason" in text  # no vitals yet: same as the dialog
    deidentified = pdf_text(services, sid, tmp_path, deidentified=True)
    assert "Quinn" not in deidentified and "tolerated 80 mg before" in deidentified
    # The course summary lists every override, so a supervisor need not open each note.
    job = exports.build_course_report(services, client.id,
                                      exports.options_for(services, deidentified=True))
    path = exports.export_pdf(services, job, tmp_path / "course.pdf")
    course = " ".join("\n".join(p.extract_text() for p in PdfReader(
        io.BytesIO(path.read_bytes())).pages).split())
    assert "Clinical rules overridden with a written reason:" in course
    assert "1.14 mg/kg IV is above 1 mg/kg" in course and "Quinn" not in course

