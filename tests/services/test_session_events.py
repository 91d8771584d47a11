"""The in-session event log through its service: entries in time order, kinds as data, text
bounded, and locked (by the service and by the vault's triggers) once the note is signed; the
session PDF prints the log in order."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlcipher3 import dbapi2 as sqlcipher

from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.export.pdf import render_pdf
from kapnotes.export.snapshot import ExportOptions
from kapnotes.export.summary import session_report
from kapnotes.services.export_gather import session_snapshot

START = datetime(2026, 11, 20, 9, 0)


@pytest.fixture
def ids(services: object) -> tuple[int, int]:
    client = services.clients.create(Client(code="KAP-512", full_name="Ari Fictional")).id
    course = services.courses.create(Course(client_id=client, protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 2))).id
    dose = services.notes.create_session(course_id=course, kind=SessionKind.DOSING,
                                         starts_at=START).id
    integration = services.notes.create_session(course_id=course,
                                                kind=SessionKind.INTEGRATION,
                                                starts_at=START + timedelta(days=1)).id
    return dose, integration


def _sign_integration(services: object, session_id: int) -> None:
    template = services.notes.template_for(services.notes.session(session_id))
    risk = template.field("risk_review")
    services.notes.save_fields(session_id, {"client_account": "Fictional account.",
                                            "risk_review": [risk.options[0].id]})
    services.notes.sign(session_id, signer="Dr Test")


def test_entries_come_back_in_time_order_with_the_clock_time(services: object, clock: object,
                                                             ids: tuple[int, int]) -> None:
    dose, _ = ids
    clock.now = START + timedelta(minutes=30, seconds=7, microseconds=5)
    later = services.events.add(dose, "music_change", text="Playlist two")
    earlier = services.events.add(dose, "dose_given", at=START + timedelta(minutes=1))
    got = services.events.events(dose)
    assert [e.id for e in got] == [earlier.id, later.id]
    assert got[1].at.astimezone().replace(tzinfo=None) == START + timedelta(minutes=30, seconds=7)
    assert (got[1].kind, got[1].text) == ("music_change", "Playlist two")


def test_a_draft_entry_can_be_edited_and_removed(services: object, ids: tuple[int, int]) -> None:
    dose, _ = ids
    e = services.events.add(dose, "distress", text="Brief")
    services.events.update(e.id, kind="intervention", text="Grounding")
    assert [(x.kind, x.text) for x in services.events.events(dose)] == [
        ("intervention", "Grounding")]
    services.events.remove(e.id)
    assert services.events.events(dose) == []


def test_unknown_kind_and_long_text_are_refused_and_change_nothing(
        services: object, ids: tuple[int, int]) -> None:
    dose, _ = ids
    with pytest.raises(ValidationError, match="Event kind"):
        services.events.add(dose, "karaoke")
    with pytest.raises(ValidationError, match="Event text"):
        services.events.add(dose, "other", text="x" * 301)
    assert services.events.events(dose) == []


def test_the_log_is_locked_once_the_note_is_signed(services: object,
                                                   ids: tuple[int, int]) -> None:
    _, integration = ids
    entry = services.events.add(integration, "client_spoke", text="Their garden")
    _sign_integration(services, integration)
    with pytest.raises(ConflictError, match="signed"):
        services.events.add(integration, "other")
    with pytest.raises(ConflictError, match="signed"):
        services.events.update(entry.id, text="Changed")
    with pytest.raises(ConflictError, match="signed"):
        services.events.remove(entry.id)
    # The vault itself refuses a change that slips past the service (m017 triggers).
    vault = services.vault
    for sql, params in (("UPDATE session_events SET text = 'x' WHERE id = ?", (entry.id,)),
                        ("DELETE FROM session_events WHERE id = ?", (entry.id,)),
                        ("INSERT INTO session_events (session_id, kind, at, entered_at)"
                         " VALUES (?, 'other', '2026-11-21T00:00:00+00:00',"
                         " '2026-11-21T00:00:00+00:00')", (integration,))):
        with pytest.raises(sqlcipher.DatabaseError, match="locked"):
            vault.conn.execute(sql, params)
    assert [e.text for e in services.events.events(integration)] == ["Their garden"]


def test_the_session_pdf_prints_the_log_in_time_order(services: object,
                                                      ids: tuple[int, int]) -> None:
    dose, _ = ids
    services.events.add(dose, "music_change", text="Rain sounds",
                        at=START + timedelta(minutes=50))
    services.events.add(dose, "dose_given", text="First device", at=START + timedelta(minutes=2))
    services.events.add(dose, "distress", text="Tearful, settled",
                        at=START + timedelta(minutes=25))
    course = services.courses.get(services.notes.session(dose).course_id)
    data = render_pdf(session_report(session_snapshot(services, dose),
                                     client=services.clients.get(course.client_id),
                                     course=course, options=ExportOptions(deidentified=False)))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text()
                                        for p in PdfReader(io.BytesIO(data)).pages))
    assert "Event log" in text
    first, second, third = (text.index(s) for s in ("First device", "Tearful, settled",
                                                    "Rain sounds"))
    assert first < second < third
    assert "09:02" in text and "Music change" in text
