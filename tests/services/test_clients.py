"""Client records through the real services and a real vault."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import Client, Course
from kapnotes.domain.screening import MedicineClass
from kapnotes.storage import audit


def full_client(**changes: object) -> Client:
    base = Client(
        code="kap-101", full_name="Iris Example Vale", preferred_name="Iris",
        date_of_birth=date(1980, 5, 17), phone="+61 400 000 111", email="iris@example.org",
        address="1 Fictional Lane\nNowhere", support_person="Sam Vale",
        support_relationship="brother", support_phone="0400 000 112",
        referring_clinician="Dr Referrer", prescriber="Dr Prescriber",
        diagnosis="Major depressive disorder", antidepressant_trials=3,
        medicines=("Sertraline 50 mg", "Clonazepam 0.5 mg"), background="Invented history.",
    )
    return dataclasses.replace(base, **changes)


def test_every_client_field_round_trips(services: object) -> None:
    created = services.clients.create(full_client())
    stored = services.clients.get(created.id)
    assert stored == dataclasses.replace(full_client(code="KAP-101"), id=created.id)
    edited = dataclasses.replace(stored, preferred_name="Isa", medicines=("Fluoxetine 20 mg",))
    services.clients.update(edited)
    assert services.clients.get(created.id) == edited


def test_code_is_unique_whatever_the_case(services: object) -> None:
    services.clients.create(full_client())
    with pytest.raises(ConflictError, match="KAP-101"):
        services.clients.create(full_client(code="Kap-101", full_name="Other Person"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "a"}, "Client code"),
        ({"code": "has space"}, "Client code"),
        ({"full_name": "   "}, "Full name"),
        ({"full_name": "Tab\tName"}, "Full name"),
        ({"date_of_birth": date(2030, 1, 1)}, "Date of birth"),
        ({"date_of_birth": date(1850, 1, 1)}, "Date of birth"),
        ({"email": "not-an-email"}, "Email"),
        ({"phone": "call me maybe"}, "Phone"),
        ({"antidepressant_trials": -1}, "Adequate antidepressant trials"),
        ({"antidepressant_trials": 51}, "Adequate antidepressant trials"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    services: object, changes: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        services.clients.create(full_client(**changes))
    assert err.value.field == field
    assert services.clients.list(include_archived=True) == []


def test_concomitant_medicines_are_flagged(services: object) -> None:
    client = services.clients.create(full_client())
    flags = services.clients.concomitant_flags(client)
    assert flags == {"Clonazepam 0.5 mg": (MedicineClass.BENZODIAZEPINE,)}


def test_list_filters_by_name_or_code_and_hides_archived(services: object) -> None:
    a = services.clients.create(full_client())
    services.clients.create(full_client(code="KAP-102", full_name="Otto Example",
                                        preferred_name=""))
    assert [r.code for r in services.clients.list(text="otto")] == ["KAP-102"]
    assert [r.code for r in services.clients.list(text="101")] == ["KAP-101"]
    services.clients.set_archived(a.id, True)
    assert [r.code for r in services.clients.list()] == ["KAP-102"]
    assert {r.code for r in services.clients.list(include_archived=True)} == {"KAP-101",
                                                                               "KAP-102"}
    services.clients.set_archived(a.id, False)
    assert len(services.clients.list()) == 2
    events = [e.event for e in audit.entries(services.vault)]
    assert events[-2:] == ["client.archive", "client.unarchive"]


def test_list_sorts_by_next_planned_session(services: object, clock: object) -> None:
    later = services.clients.create(full_client())
    sooner = services.clients.create(full_client(code="KAP-102", full_name="Otto Example"))
    none = services.clients.create(full_client(code="KAP-103", full_name="Aaron Example"))
    today = clock().date()
    services.courses.create(Course(client_id=later.id, protocol="kap_sublingual_im",
                                   start_date=date.fromordinal(today.toordinal() + 30)))
    services.courses.create(Course(client_id=sooner.id, protocol="kap_sublingual_im",
                                   start_date=date.fromordinal(today.toordinal() + 10)))
    rows = services.clients.list()
    assert [r.id for r in rows] == [sooner.id, later.id, none.id]
    # The first planned slot is the preparation session a week before the first dose.
    assert rows[0].next_planned == date.fromordinal(today.toordinal() + 3)
    assert rows[0].next_planned_kind == "preparation"


def test_delete_needs_the_code_and_is_recorded_without_names(services: object) -> None:
    client = services.clients.create(full_client())
    with pytest.raises(ValidationError, match="KAP-101"):
        services.clients.delete(client.id, typed_code="KAP-10")
    assert services.clients.by_code("KAP-101") is not None
    services.clients.delete(client.id, typed_code="kap-101")
    assert services.clients.by_code("KAP-101") is None
    entry = audit.entries(services.vault)[-1]
    assert (entry.event, entry.record_type, entry.record_id) == ("client.delete", "client",
                                                                 str(client.id))
    assert "Iris" not in repr(entry)


def test_the_window_list_can_skip_the_counts(services: object) -> None:
    client = services.clients.create(full_client())
    services.courses.create(Course(client_id=client.id, protocol="custom",
                                   start_date=date(2026, 11, 2)))
    counted = services.clients.list()[0]
    uncounted = services.clients.list(with_counts=False)[0]
    assert (counted.courses, counted.sessions) == (1, 0)
    assert (uncounted.courses, uncounted.sessions) == (None, None)
    assert (uncounted.code, uncounted.next_planned) == (counted.code, counted.next_planned)
