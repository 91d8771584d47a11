"""A pulled page with a note's draft and its signing is applied as the signed note alone
(kapnotes/storage/sync_collapse.py: a new workstation's first sync gets each note's whole
history), but never past a reading taken on the draft in between, nor for a note this vault
already holds: two real vaults, changes moved through tests/helpers/sync_relay.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.basics import FakeClock
from helpers.sync_records import two_workstations
from helpers.sync_relay import Relay, pull_all, push_all

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.storage.sync_collapse import newest_only

AT = datetime(2026, 11, 9, 9, 30)


@pytest.fixture
def pair(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Any, Any]]:
    with two_workstations(tmp_path, clock) as vaults:
        yield vaults


def _course(s: Any) -> int:
    client = s.clients.create(Client(code="KAP-77", full_name="Fictional Person"))
    course = s.courses.create(Course(client_id=client.id, protocol="custom",
                                     start_date=date(2026, 11, 2)))
    return int(course.id)


def test_a_draft_and_its_signing_in_one_page_arrive_as_the_signed_note(pair: Any) -> None:
    a, b = pair
    relay = Relay()
    note = a.notes.create_session(course_id=_course(a), kind=SessionKind.INTEGRATION,
                                  starts_at=AT)
    a.notes.save_fields(note.id, {"client_account": "Fictional first draft."})
    push_all(a.vault, relay, "ther")
    a.notes.save_fields(note.id, {"client_account": "Fictional final words.",
                                  "risk_review": ["suicidal_ideation"]})
    a.notes.sign(note.id, signer="Dr Test")
    push_all(a.vault, relay, "ther")

    page = relay.pull(0)
    assert len(newest_only(b.vault, page)) == len(page) - 1  # the draft is left out
    pull_all(b.vault, relay)
    [got] = [s for s in b.notes.sessions_for_course(int(b.vault.query_one(
        "SELECT id FROM courses")[0]))]
    assert got.signed
    assert b.notes.note(got.id).values["client_account"] == "Fictional final words."
    assert b.notes.seal(got.id) is not None and b.notes.seal(got.id)[2]  # sealed, intact


def test_a_reading_taken_on_the_draft_keeps_the_draft_in_the_page(pair: Any) -> None:
    a, b = pair
    relay = Relay()
    dose = a.notes.create_session(course_id=_course(a), kind=SessionKind.DOSING, starts_at=AT)
    a.notes.save_fields(dose.id, {"arrival_state": "Fictional calm arrival."})
    push_all(a.vault, relay, "ther")
    a.monitoring.add_reading(dose.id, "extra", {"systolic": 124, "diastolic": 80},
                             at=AT.replace(hour=10))
    push_all(a.vault, relay, "nurse")
    a.notes.save_fields(dose.id, {"arrival_state": "Fictional calm arrival, settled."})
    push_all(a.vault, relay, "ther")

    page = relay.pull(0)
    assert newest_only(b.vault, page) == page  # the reading names the note between versions
    pull_all(b.vault, relay)
    [got] = b.notes.sessions_for_course(int(b.vault.query_one("SELECT id FROM courses")[0]))
    assert [r.reading.systolic for r in b.monitoring.readings(got.id)] == [124]
    assert b.notes.note(got.id).values["arrival_state"] == "Fictional calm arrival, settled."


def test_versions_of_a_note_this_vault_holds_are_all_applied(pair: Any) -> None:
    a, b = pair
    relay = Relay()
    note = a.notes.create_session(course_id=_course(a), kind=SessionKind.INTEGRATION,
                                  starts_at=AT)
    a.notes.save_fields(note.id, {"client_account": "Fictional one."})
    push_all(a.vault, relay, "ther")
    pull_all(b.vault, relay)
    seen = len(relay.log)
    for text in ("Fictional two.", "Fictional three."):
        a.notes.save_fields(note.id, {"client_account": text})
        push_all(a.vault, relay, "ther")
    page = relay.pull(seen)
    assert len(page) == 2 and newest_only(b.vault, page) == page
    pull_all(b.vault, relay)
    [got] = b.notes.sessions_for_course(int(b.vault.query_one("SELECT id FROM courses")[0]))
    assert b.notes.note(got.id).values["client_account"] == "Fictional three."
