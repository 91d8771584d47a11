"""Two linked workstations' vaults and the records tests of practice sync move between them
(tests/storage/test_sync_vault.py, test_sync_conflicts.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from helpers.basics import TEST_PASSPHRASE, FakeClock
from helpers.dosing import ready_to_dose
from helpers.sync_relay import Relay, link, sync
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services.container import build_services
from kapnotes.storage import lifecycle

CODE = "KAP-501"


def services_at(path: Path, clock: FakeClock) -> Any:
    created = lifecycle.create_vault(path, TEST_PASSPHRASE)
    return build_services(created.vault, clock=clock, practice_templates=path.parent / "t")


@contextmanager
def two_workstations(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Any, Any]]:
    """Two linked workstations' vaults (A and B), closed afterwards."""
    a = services_at(tmp_path / "a" / "a.kapnotes", clock)
    b = services_at(tmp_path / "b" / "b.kapnotes", clock)
    link(a.vault)
    link(b.vault)
    try:
        yield a, b
    finally:
        for s in (a, b):
            if s.vault.conn is not None:
                s.vault.close()


def record(s: Any) -> dict[str, Any]:
    """A client with a course, a signed preparation note with an addendum, a dosing note with
    a monitoring record and a reading, and a measure."""
    client = s.clients.create(Client(code=CODE, full_name="Rowan Fictional",
                                     phone="0400 000 001", email="rowan@example.org",
                                     address="1 Quiet Lane", medicines=("sertraline",)))
    course = s.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                     start_date=date(2026, 11, 2), title="First course"))
    prep = s.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                  starts_at=datetime(2026, 11, 2, 9, 30))
    s.notes.save_fields(prep.id, {"reasons": "Heliotrope mornings feel heavy",
                                  "intentions": ["Walk by the river daily"]})
    s.notes.sign(prep.id, signer="Dr Test")
    s.notes.add_addendum(prep.id, "Marmalade detail added later.", author="Dr Test")
    dose = s.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                  starts_at=datetime(2026, 11, 9, 9, 30))
    s.monitoring.update_record(dose.id, {"lot_number": "LOT-7731", "escort": "A friend"})
    ready_to_dose(s, dose.id, datetime(2026, 11, 9, 9, 30))  # a screen and a pre-dose BP
    s.monitoring.add_device(dose.id, at=datetime(2026, 11, 9, 9, 30))
    s.monitoring.add_observation(dose.id, moaas=4, note="Settled, eyes closed (saffron)",
                                 at=datetime(2026, 11, 9, 10, 0))
    s.monitoring.set_adverse_effect(dose.id, "nausea", "mild", note="Brief")
    s.measures.enter(client_id=client.id, scale_id="phq9", taken_on=date(2026, 11, 2),
                     total=12)
    return {"client": client.id, "course": course.id, "prep": prep.id, "dose": dose.id}


def record_signed_note(s: Any, client_id: int) -> None:
    course = s.courses.create(Course(client_id=client_id, protocol="kap_sublingual_im",
                                     start_date=date(2026, 11, 2)))
    note = s.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                  starts_at=datetime(2026, 11, 2, 9, 30))
    s.notes.save_fields(note.id, {"reasons": "Fictional", "intentions": ["Rest"]})
    s.notes.sign(note.id, signer="Dr Test")


def by_code(s: Any) -> Any:
    return s.clients.by_code(CODE)


def count(vault: Any, table: str) -> int:
    return int(vault.query_one(f"SELECT count(*) FROM {table}")[0])


def sessions_of(s: Any, client_id: int) -> dict[SessionKind, Any]:
    course = s.courses.for_client(client_id)[0]
    return {x.kind: x for x in s.notes.sessions_for_course(course.id)}


def shared_draft(a: Any, b: Any, relay: Relay) -> tuple[int, int]:
    client = a.clients.create(Client(code=CODE, full_name="Rowan Fictional"))
    course = a.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                     start_date=date(2026, 11, 2)))
    draft = a.notes.create_session(course_id=course.id, kind=SessionKind.INTEGRATION,
                                   starts_at=datetime(2026, 11, 10, 9, 30))
    a.notes.save_fields(draft.id, {"insights": "First words"})
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    return draft.id, sessions_of(b, by_code(b).id)[SessionKind.INTEGRATION].id


def note_copies(vault: Any) -> list[dict[str, Any]]:
    return [json.loads(r[0]) for r in vault.query(
        "SELECT payload FROM sync_conflicts WHERE kind = 'note' ORDER BY id")]
