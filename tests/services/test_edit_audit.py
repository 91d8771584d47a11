"""The audit log records who created and changed clients, courses and notes, without content.

Note fields are autosaved every few seconds: the log gets one `session.edit` entry per
editing stretch naming the fields changed (kapnotes.services.edit_audit), never their text,
and a later save in the stretch adds an entry only for a field not named yet.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services.edit_audit import EVENT, STRETCH_GAP
from kapnotes.storage import audit

SECRET = "Spoke about Tamsin's divorce and the night of 3 March."


def _entries(services: Any, event: str) -> list[audit.AuditEntry]:
    return [e for e in audit.entries(services.vault) if e.event == event]


def _draft(services: Any) -> Any:
    client = services.clients.create(Client(code="KAP-900", full_name="Oskar Fictional"))
    course = services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 2)))
    return services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                         starts_at=datetime(2026, 11, 20, 9, 30))


def test_client_course_and_session_creation_and_edits_are_audited(services: Any) -> None:
    client = services.clients.create(Client(code="KAP-901", full_name="Greta Fictional"))
    services.clients.update(replace(client, preferred_name="Gigi"))
    course = services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 2)))
    session = services.notes.create_session(course_id=course.id,
                                            kind=SessionKind.PREPARATION,
                                            starts_at=datetime(2026, 11, 20, 9, 30))
    services.notes.update_details(replace(session, duration_min=75))
    events = [(e.event, e.record_id) for e in audit.entries(services.vault)]
    for expected in (("client.create", str(client.id)), ("client.update", str(client.id)),
                     ("course.create", str(course.id)), ("session.create", str(session.id)),
                     ("session.update", str(session.id))):
        assert expected in events
    assert all("Greta" not in e.detail and "Gigi" not in e.detail
               for e in audit.entries(services.vault))


def test_an_editing_stretch_is_one_entry_naming_fields_never_text(services: Any,
                                                                  clock: Any) -> None:
    session = _draft(services)
    for i in range(20):  # autosave while typing: the same field, saved every few seconds
        services.notes.save_fields(session.id, {"reasons": SECRET[: 10 + i]})
        clock.advance(seconds=5)
    edits = _entries(services, EVENT)
    assert len(edits) == 1
    assert edits[0].record_id == str(session.id) and edits[0].detail == "fields: reasons"
    assert all(SECRET[:10] not in e.detail for e in audit.entries(services.vault))
    assert services.notes.note(session.id).values["reasons"] == SECRET[:29]


def test_a_new_field_in_the_stretch_is_named_once_and_unchanged_saves_add_nothing(
    services: Any, clock: Any
) -> None:
    session = _draft(services)
    services.notes.save_fields(session.id, {"reasons": "Low mood."})
    clock.advance(minutes=2)
    services.notes.save_fields(session.id, {"reasons": "Low mood.",
                                            "intentions": ["Rest more"]})
    clock.advance(minutes=2)
    services.notes.save_fields(session.id, {"reasons": "Low mood.",
                                            "intentions": ["Rest more"]})
    assert [e.detail for e in _entries(services, EVENT)] == ["fields: reasons",
                                                             "fields: intentions"]


def test_a_pause_starts_a_new_stretch(services: Any, clock: Any) -> None:
    session = _draft(services)
    services.notes.save_fields(session.id, {"reasons": "First draft."})
    clock.advance(seconds=STRETCH_GAP.total_seconds() + 60)
    services.notes.save_fields(session.id, {"reasons": "Second look."})
    assert [e.detail for e in _entries(services, EVENT)] == ["fields: reasons"] * 2


def test_a_save_that_rolls_back_leaves_no_entry_and_the_next_one_is_recorded(
    services: Any,
) -> None:
    session = _draft(services)

    def fail(*_args: object) -> None:
        raise OSError("disk went away")

    services.notes.after_save.append(fail)
    with pytest.raises(OSError):
        services.notes.save_fields(session.id, {"reasons": "Lost with the transaction."})
    assert _entries(services, EVENT) == []
    services.notes.after_save.remove(fail)
    services.notes.save_fields(session.id, {"reasons": "Stored."})
    assert [e.detail for e in _entries(services, EVENT)] == ["fields: reasons"]


def test_dosing_record_edits_join_the_notes_stretch(services: Any, clock: Any) -> None:
    """The monitoring record is part of the note: its edits are named in the same stretch
    (as record.<part>), values never."""
    client = services.clients.create(Client(code="KAP-902", full_name="Ida Fictional"))
    course = services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 2)))
    dose = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                         starts_at=datetime(2026, 11, 20, 9, 0))
    m = services.monitoring
    for _ in range(3):
        m.update_record(dose.id, {"setting": "Quiet room, reclined chair"})
        m.add_observation(dose.id, moaas=5, dissociation="none",
                          at=datetime(2026, 11, 20, 9, 10))
        m.add_reading(dose.id, "pre_dose", {"systolic": 124, "diastolic": 80},
                      at=datetime(2026, 11, 20, 8, 55))
        m.set_adverse_effect(dose.id, "nausea", "mild", note="Brief.")
        clock.advance(seconds=20)
    edits = [e for e in _entries(services, EVENT) if e.record_id == str(dose.id)]
    assert [e.detail for e in edits] == ["fields: record.setting", "fields: record.observations",
                                         "fields: record.vitals",
                                         "fields: record.adverse_effects"]
    assert all("Quiet" not in e.detail and "Brief" not in e.detail
               for e in audit.entries(services.vault))


def test_an_entry_rolled_back_after_it_was_written_is_written_again(services: Any,
                                                                     clock: Any) -> None:
    """A write refused after its entry was made (a dose rule inside the transaction) rolls the
    entry back; the next stored save of that field in the stretch is still recorded."""
    from kapnotes.services.edit_audit import EditStretches

    session = _draft(services)
    stretches = EditStretches()
    with pytest.raises(RuntimeError), services.vault.transaction():
        stretches.record(services.vault, session.id, ["reasons"], clock())
        raise RuntimeError("refused after the entry")
    assert _entries(services, EVENT) == []
    with services.vault.transaction():
        stretches.record(services.vault, session.id, ["reasons"], clock())
    with services.vault.transaction():
        stretches.record(services.vault, session.id, ["reasons"], clock())
    assert [e.detail for e in _entries(services, EVENT)] == ["fields: reasons"]
