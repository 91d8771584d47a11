"""The server enforces care team, role, signed-note immutability and versions itself: each
test calls kap.push / kap.pull (or the tables) by hand with a clinician's own login, as any
program holding that login could, against a real PostgreSQL server over TLS."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from kapnotes.practice.protocol import OP_SCHEMA_VERSION
from tests.practice.practice_helpers import enrol, pull, push

CLIENT = "KAP-0007"
NOTE = {"template": "integration", "text": "fictional note text"}



def test_an_unassigned_clinician_sees_nothing_and_cannot_write(server: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT)
    outsider = enrol(server, "out", "therapist", "KAP-0999")
    seq, outcome, _ = push(therapist, CLIENT, "note", uuid.uuid4(), NOTE)
    assert outcome == "applied" and seq == 1
    assert [(r[1], r[2]) for r in pull(therapist)] == [(CLIENT, "note")]

    assert pull(outsider) == []
    with psycopg.connect(outsider) as conn:  # the table itself, under FORCE ROW LEVEL SECURITY
        assert conn.execute("SELECT count(*) FROM kap.change_log").fetchone() == (0,)
    with pytest.raises(psycopg.errors.InsufficientPrivilege,
                       match=f"is not on the care team of client {CLIENT}"):
        push(outsider, CLIENT, "note", uuid.uuid4(), NOTE)
    assert len(pull(therapist)) == 1


def test_a_role_writes_only_what_the_policy_table_allows(server: str) -> None:
    nurse = enrol(server, "nurse", "nurse", CLIENT)
    therapist = enrol(server, "ther", "therapist", CLIENT)
    assert push(nurse, CLIENT, "vitals", uuid.uuid4(), {"bp": "120/80"})[1] == "applied"
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may not write note"):
        push(nurse, CLIENT, "note", uuid.uuid4(), NOTE)
    # The nurse's vitals reach the therapist on the same care team.
    assert [r[2] for r in pull(therapist)] == ["vitals"]


def test_an_edit_of_a_signed_note_is_refused_even_by_hand(server: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT)
    note = uuid.uuid4()
    assert push(therapist, CLIENT, "note", note, NOTE) == (1, "applied", 1)
    assert push(therapist, CLIENT, "note", note, {**NOTE, "signed": True},
                base_version=1) == (2, "applied", 2)
    with pytest.raises(psycopg.errors.InsufficientPrivilege,
                       match="is signed and cannot be edited; add an addendum"):
        push(therapist, CLIENT, "note", note, {**NOTE, "text": "changed"}, base_version=2)
    with psycopg.connect(therapist) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO kap.change_log (seq, op_id, author, client_code, kind, row_id, "
                     "row_version, schema_version, payload) VALUES (99, gen_random_uuid(), "
                     "current_user, %s, 'note', %s, 3, 1, '{}')", (CLIENT, note))
    with psycopg.connect(therapist) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE kap.change_log SET payload = '{}' WHERE row_id = %s", (note,))
    # Not even the administrator rewrites the log: it is append-only.
    with psycopg.connect(server) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege,
                                                        match="append-only"):
        conn.execute("UPDATE kap.change_log SET payload = '{}'")
    assert [r[4]["text"] for r in pull(therapist)] == ["fictional note text"] * 2
    # An addendum is how a signed note is corrected.
    assert push(therapist, CLIENT, "addendum", uuid.uuid4(), {"note": str(note)})[1] == "applied"


def test_a_retried_push_is_harmless(server: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT)
    op, row = uuid.uuid4(), uuid.uuid4()
    assert push(therapist, CLIENT, "vitals", row, {"hr": 70}, op_id=op) == (1, "applied", 1)
    assert push(therapist, CLIENT, "vitals", row, {"hr": 70}, op_id=op) == (1, "duplicate", 1)
    assert len(pull(therapist)) == 1
    # A second vitals row with the same id is not a retry: insert-only rows never change.
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="insert-only"):
        push(therapist, CLIENT, "vitals", row, {"hr": 99})


def test_a_stale_draft_edit_is_a_conflict_not_applied(server: str) -> None:
    a = enrol(server, "thera", "therapist", CLIENT)
    b = enrol(server, "therb", "therapist", CLIENT)
    note = uuid.uuid4()
    push(a, CLIENT, "note", note, NOTE)
    edit = push(a, CLIENT, "note", note, {**NOTE, "text": "a's edit"}, base_version=1)
    assert edit[1] == "applied"
    assert push(b, CLIENT, "note", note, {**NOTE, "text": "b's edit"},
                base_version=1) == (None, "conflict", 2)
    assert [r[4]["text"] for r in pull(a)][-1] == "a's edit"


@pytest.mark.parametrize(("version", "advice"), [
    (OP_SCHEMA_VERSION + 1, "upgrade the server"),
    (0, "upgrade KAP Notes on this workstation"),
])
def test_an_unknown_schema_version_is_refused_with_what_to_upgrade(
        server: str, version: int, advice: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT)
    with pytest.raises(psycopg.errors.FeatureNotSupported,
                       match=f"changes from schema version {version}; {advice}"):
        push(therapist, CLIENT, "note", uuid.uuid4(), NOTE, schema_version=version)
    assert pull(therapist) == []


def test_a_client_created_on_a_workstation_joins_its_creators_care_team(server: str) -> None:
    therapist = enrol(server, "ther", "therapist")
    other = enrol(server, "other", "therapist", CLIENT)
    assert push(therapist, "KAP-NEW", "client", uuid.uuid4(), {"code": "KAP-NEW"})[1] == "applied"
    assert push(therapist, "KAP-NEW", "note", uuid.uuid4(), NOTE)[1] == "applied"
    assert [r[1] for r in pull(therapist)] == ["KAP-NEW", "KAP-NEW"]
    assert pull(other) == []


def test_pull_after_a_sequence_returns_only_later_rows_in_order(server: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT)
    for hr in (60, 61, 62):
        push(therapist, CLIENT, "vitals", uuid.uuid4(), {"hr": hr})
    assert [(r[0], r[4]["hr"]) for r in pull(therapist, after=1)] == [(2, 61), (3, 62)]
