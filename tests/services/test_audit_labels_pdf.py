"""The course PDF's audit appendix names each event in the same words the audit windows use
(kapnotes/domain/audit_events.py serves both), so a supervisor reading the PDF never meets a
code name like `session.sign` the therapist never saw. Real vault, real PDF read with pypdf.
Fictional data."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from helpers.pdf_text import page_texts

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services import exports


def audit_appendix(services: object, client_id: int, folder: Path) -> str:
    job = exports.build_course_report(
        services, client_id, exports.options_for(services, deidentified=True, include_audit=True))
    path = exports.export_pdf(services, job, folder / "course.pdf")
    text = " ".join(" ".join(page_texts(path.read_bytes())).split())
    return text.split("Audit log for this course", 2)[-1].split("Session notes", 1)[0]


def test_audit_appendix_prints_events_in_words(services: object, tmp_path: Path) -> None:
    client = services.clients.create(Client(code="KAP-818", full_name="Robin Imaginary"))
    services.consents.record(client.id, "touch", signed_on=date(2026, 11, 1))
    course = services.courses.create(Course(client_id=client.id, protocol="iv_ketamine",
                                            start_date=date(2026, 11, 2)))
    session = services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                            starts_at=datetime(2026, 11, 3, 10, 0))
    services.notes.save_fields(session.id, {"reasons": "Fictional", "intentions": ["Rest"]})
    services.notes.sign(session.id, signer="Dr Kim Sample")

    appendix = audit_appendix(services, client.id, tmp_path)
    for words in ("Client added", "Consent recorded", "Course started", "Session created",
                  "Note signed"):
        assert words in appendix, words
    for name in ("client.create", "consent_recorded", "course.create", "session.create",
                 "session.sign"):
        assert name not in appendix, name


def test_audit_details_are_not_broken_inside_a_word(services: object, tmp_path: Path) -> None:
    # The Detail column was the narrowest while Event had room to spare: "template=recording
    # v1" printed as "template=recordi / ng v1", a note's field names cut letter by letter.
    client = services.clients.create(Client(code="KAP-819", full_name="Sam Imaginary"))
    services.consents.record(client.id, "recording", signed_on=date(2026, 11, 1))
    services.courses.create(Course(client_id=client.id, protocol="iv_ketamine",
                                   start_date=date(2026, 11, 2)))
    assert "template=recording v1" in audit_appendix(services, client.id, tmp_path)
