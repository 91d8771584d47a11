"""Server step 0003 (what workstation sync needs), called by hand with a clinician's own login
against a real PostgreSQL server: the course kind, my_clients, a newly assigned clinician's
back-fill, soft deletes (voided) and their refusal for a signed note."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest

from kapnotes.practice import admin
from tests.practice.practice_helpers import enrol, pull, push

CLIENT = "KAP-0301"
OTHER = "KAP-0302"
NOTE = {"template": "integration", "text": "fictional note text"}



def _login(dsn: str) -> str:
    return str(psycopg.conninfo.conninfo_to_dict(dsn)["user"])


def _call(dsn: str, query: str, *args: object) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query, args).fetchall()


def test_courses_are_written_by_therapists_and_read_by_all_but_the_administrator(
        server: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT)
    supervisor = enrol(server, "sup", "supervisor", CLIENT)
    nurse = enrol(server, "nurse", "nurse", CLIENT)
    administrator = enrol(server, "adm", "administrator", CLIENT)
    course = uuid.uuid4()
    assert push(therapist, CLIENT, "course", course, {"protocol": "standard"})[1] == "applied"
    assert [r[2] for r in pull(supervisor)] == ["course"]
    assert [r[2] for r in pull(nurse)] == ["course"]
    assert pull(administrator) == []
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may not write course"):
        push(nurse, CLIENT, "course", uuid.uuid4(), {"protocol": "standard"})


def test_my_clients_names_only_the_acting_logins_care_teams(server: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT, OTHER)
    outsider = enrol(server, "out", "nurse")
    assert _call(therapist, "SELECT * FROM kap.my_clients()") == [(CLIENT,), (OTHER,)]
    assert _call(outsider, "SELECT * FROM kap.my_clients()") == []
    with psycopg.connect(outsider) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM kap.care_team")


def test_a_newly_assigned_clinician_back_fills_the_clients_older_rows(server: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT, OTHER)
    push(therapist, CLIENT, "note", uuid.uuid4(), NOTE)           # seq 1
    push(therapist, OTHER, "note", uuid.uuid4(), NOTE)            # seq 2
    supervisor = enrol(server, "sup", "supervisor", OTHER)
    push(therapist, OTHER, "vitals", uuid.uuid4(), {"hr": 60})    # seq 3
    seen = pull(supervisor)
    assert [r[0] for r in seen] == [2, 3]
    # The supervisor pulled up to 3 before being put on CLIENT's team: kap.pull after 3 will
    # never return seq 1, so the workstation back-fills CLIENT up to the head it has seen.
    admin.assign(server, CLIENT, _login(supervisor))
    assert _call(supervisor, "SELECT kap.head_seq()") == [(3,)]
    push(therapist, CLIENT, "vitals", uuid.uuid4(), {"hr": 61})   # seq 4
    back = _call(supervisor, "SELECT seq, client_code FROM kap.pull_client(%s, 0, 3)", CLIENT)
    assert back == [(1, CLIENT)]
    assert [r[0] for r in pull(supervisor, after=3)] == [4]
    outsider = enrol(server, "out", "therapist")
    assert _call(outsider, "SELECT seq FROM kap.pull_client(%s, 0, 99)", CLIENT) == []


def test_a_voided_draft_is_a_new_version_and_a_signed_note_cannot_be_voided(server: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT)
    draft, signed = uuid.uuid4(), uuid.uuid4()
    push(therapist, CLIENT, "note", draft, NOTE)
    voided = {**NOTE, "voided": True, "void_reason": "entered for the wrong client"}
    assert push(therapist, CLIENT, "note", draft, voided, base_version=1) == (2, "applied", 2)
    assert pull(therapist)[-1][4]["voided"] is True
    push(therapist, CLIENT, "note", signed, {**NOTE, "signed": True})
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="is signed and cannot be"):
        push(therapist, CLIENT, "note", signed, {**NOTE, "voided": True}, base_version=1)
    with pytest.raises(psycopg.errors.InsufficientPrivilege,
                       match="is signed and cannot be voided; add an addendum"):
        push(therapist, CLIENT, "note", uuid.uuid4(), {**NOTE, "signed": True, "voided": True})
    assert len(pull(therapist)) == 3


@pytest.mark.parametrize("payload", [
    {**NOTE, "signed": "yes"}, {**NOTE, "voided": 1}, ["not", "an", "object"]])
def test_a_malformed_payload_is_refused_with_a_clear_line(server: str, payload: object) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT)
    with psycopg.connect(therapist) as conn, pytest.raises(psycopg.errors.InvalidParameterValue):
        conn.execute("SELECT * FROM kap.push(%s, %s, 'note', %s, NULL, 1, %s)",
                     (uuid.uuid4(), CLIENT, uuid.uuid4(), json.dumps(payload)))
    assert pull(therapist) == []


def test_a_stale_edit_of_a_note_signed_meanwhile_is_a_conflict_and_changes_nothing(
        server: str) -> None:
    a = enrol(server, "thera", "therapist", CLIENT)
    b = enrol(server, "therb", "therapist", CLIENT)
    note = uuid.uuid4()
    push(a, CLIENT, "note", note, NOTE)
    assert push(a, CLIENT, "note", note, {**NOTE, "signed": True}, base_version=1)[2] == 2
    # B edited the draft it had (version 1): it could not know; it gets the signed version back.
    assert push(b, CLIENT, "note", note, {**NOTE, "text": "b's edit"},
                base_version=1) == (None, "conflict", 2)
    # An edit based on the signed version itself is refused, as before.
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="is signed and cannot be"):
        push(b, CLIENT, "note", note, {**NOTE, "text": "b's edit"}, base_version=2)
    assert [r[4].get("text") for r in pull(a)] == ["fictional note text"] * 2


def test_an_oversized_payload_is_refused_naming_the_row_not_its_content(server: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT)
    row = uuid.uuid4()
    with pytest.raises(psycopg.errors.ProgramLimitExceeded,
                       match=f"note {row} of client {CLIENT} is too large") as refused:
        push(therapist, CLIENT, "note", row, {"text": "fictional " * 220_000})
    assert "fictional" not in str(refused.value)
    assert push(therapist, CLIENT, "note", row, {"text": "fictional " * 1000})[1] == "applied"


def test_a_mis_entered_measure_can_be_voided_once_and_an_addendum_never(server: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT)
    measure, addendum = uuid.uuid4(), uuid.uuid4()
    push(therapist, CLIENT, "measure", measure, {"scale": "phq9", "total": 12})
    void = {"voided": True, "void_reason": "entered for the wrong client"}
    assert push(therapist, CLIENT, "measure", measure, void, base_version=1) == (2, "applied", 2)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="insert-only"):
        push(therapist, CLIENT, "measure", measure, void, base_version=2)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="insert-only"):
        push(therapist, CLIENT, "measure", measure, {"scale": "phq9", "total": 3},
             base_version=2)
    push(therapist, CLIENT, "addendum", addendum, {"text": "fictional addendum"})
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="insert-only"):
        push(therapist, CLIENT, "addendum", addendum, void, base_version=1)
