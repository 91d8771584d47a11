"""Issue 20's sync, proven with two or three real vaults in tmp_path and one real PostgreSQL
server (tests/practice/conftest.py): each workstation works through its services and syncs
with `practice_sync.sync_once`, exactly as `kapnotes sync` and the window's worker do."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.practice.workstations import NOTE_TEXT, open_workstation, server_rows

CLIENT = "KAP-2001"



def test_a_nurses_vitals_reach_the_therapist(server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    therapist.new_client_with_course(CLIENT)
    dose = therapist.dosing_session(CLIENT)
    first = therapist.sync()
    assert (first.error, first.refused) == ("", 0)
    assert first.pushed >= 3  # the client, the course, the dosing note

    got = nurse.sync()
    assert got.error == "" and got.pulled >= 3
    nurse_dose = next(s for s in nurse.sessions(CLIENT) if s.kind.value == "dosing")
    nurse.services.monitoring.add_reading(nurse_dose.id, "extra",
                                          {"systolic": 128, "diastolic": 82, "heart_rate": 74})
    sent = nurse.sync()
    assert (sent.pushed, sent.refused, sent.error) == (1, 0, "")

    back = therapist.sync()
    assert back.pulled == 1
    readings = therapist.services.monitoring.readings(dose)
    assert [(r.reading.systolic, r.reading.diastolic) for r in readings] == [(128, 82)]
    assert therapist.status().pending == 0 and nurse.status().pending == 0


def test_a_therapists_signed_note_reaches_the_supervisor(server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    supervisor = open_workstation(tmp_path, server, "sup", "supervisor", CLIENT)
    therapist.new_client_with_course(CLIENT)
    therapist.integration_note(CLIENT, sign=True)
    assert therapist.sync().error == ""
    report = supervisor.sync()
    assert report.error == "" and report.refused == 0
    [note] = supervisor.sessions(CLIENT)
    assert note.signed
    assert supervisor.note_text(note.id) == NOTE_TEXT
    # Sealed here as if signed here: the vault's own check finds it sound.
    assert supervisor.services.notes.seal(note.id) is not None
    # The supervisor may read but not write notes: nothing of theirs goes back.
    assert supervisor.sync().pushed == 0


def test_an_unassigned_clinician_sees_nothing_and_their_write_is_refused_and_shown(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    outsider = open_workstation(tmp_path, server, "out", "therapist")
    therapist.new_client_with_course(CLIENT)
    therapist.integration_note(CLIENT)
    assert therapist.sync().error == ""

    assert outsider.sync().pulled == 0
    assert outsider.client(CLIENT) is None
    # The outsider types the same code into their own vault: the server refuses it.
    outsider.new_client_with_course(CLIENT)
    report = outsider.sync()
    assert report.refused >= 1 and report.error == ""
    assert (report.refusals[0].client_code, report.refusals[0].kind) == (CLIENT, "client")
    assert f"is not on the care team of client {CLIENT}" in report.refusals[0].message
    assert outsider.status().refusals >= 1
    records = [row for row in server_rows(server) if row[1] != "audit"]
    assert all(row[0] == CLIENT for row in records)
    assert len(records) == 3  # the therapist's client, course and note only
    # Refused once, shown, not retried forever.
    assert outsider.sync().refused == 0


def test_two_workstations_editing_the_same_draft_make_a_conflict_copy(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    note_a = a.integration_note(CLIENT, "first draft")
    a.sync()
    b.sync()
    [note_b] = b.sessions(CLIENT)
    a.services.notes.save_fields(note_a, {"client_account": "A's words"})
    b.services.notes.save_fields(note_b.id, {"client_account": "B's words"})
    assert a.sync().error == ""
    report = b.sync()
    assert report.conflicts == 1 and report.error == ""
    assert b.status().conflicts == 1
    # The server's version is the note; B's text is kept aside for a person, never merged.
    assert b.note_text(note_b.id) == "A's words"
    copy = b.vault.query_one("SELECT payload FROM sync_conflicts")
    assert "B's words" in copy[0]
    assert a.sync().conflicts == 0 and a.note_text(note_a) == "A's words"


def test_a_signed_note_is_refused_by_the_server_even_by_hand_with_the_vaults_login(
        server: str, tmp_path: Path) -> None:
    from kapnotes.services import practice_link

    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    therapist.new_client_with_course(CLIENT)
    therapist.integration_note(CLIENT, sign=True)
    therapist.sync()
    link = practice_link.linked(therapist.vault)
    assert link is not None
    [(row_id, version)] = [(r[2], r[3]) for r in server_rows(server) if r[1] == "note"]
    with psycopg.connect(link.dsn()) as conn, pytest.raises(
            psycopg.errors.InsufficientPrivilege, match="is signed and cannot be edited"):
        conn.execute("SELECT * FROM kap.push(%s, %s, 'note', %s, %s, 1, %s)",
                     (uuid.uuid4(), CLIENT, row_id, version,
                      json.dumps({"client_account": "rewritten"})))


def test_leaving_a_care_team_purges_the_client_at_the_next_sync(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    therapist.new_client_with_course(CLIENT)
    therapist.dosing_session(CLIENT)
    therapist.sync()
    nurse.sync()
    assert nurse.client(CLIENT) is not None
    with psycopg.connect(server) as conn:
        conn.execute("DELETE FROM kap.care_team WHERE login = %s", (nurse.login,))
    report = nurse.sync()
    assert report.purged_codes == (CLIENT,) and report.error == ""
    assert nurse.client(CLIENT) is None
    assert nurse.vault.query_one("SELECT count(*) FROM sessions")[0] == 0
    actions = [row[0] for row in nurse.vault.query("SELECT event FROM audit_log")]
    assert "practice.purge" in actions
    # The therapist, still on the team, keeps everything.
    assert therapist.sync().purged == 0 and therapist.client(CLIENT) is not None


def test_a_clinician_newly_put_on_a_care_team_gets_the_clients_older_records(
        server: str, tmp_path: Path) -> None:
    from kapnotes.practice import admin

    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    supervisor = open_workstation(tmp_path, server, "sup", "supervisor", "KAP-2999")
    therapist.new_client_with_course(CLIENT)
    therapist.integration_note(CLIENT, sign=True)
    therapist.sync()
    supervisor.sync()  # pulls past the client's rows without seeing them
    assert supervisor.client(CLIENT) is None
    admin.assign(server, CLIENT, supervisor.login)
    report = supervisor.sync()
    assert report.pulled >= 3
    [note] = supervisor.sessions(CLIENT)
    assert note.signed and supervisor.note_text(note.id) == NOTE_TEXT


def test_client_details_merge_per_field_and_a_field_edited_twice_goes_to_review(
        server: str, tmp_path: Path) -> None:
    from dataclasses import replace

    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    a.sync()
    b.sync()
    for ws, phone, email in ((a, "0400 000 001", "a@example.invalid"),
                             (b, "0400 000 002", "")):
        client = ws.client(CLIENT)
        assert client is not None
        ws.services.clients.update(replace(client, phone=phone, email=email or client.email))
    assert a.sync().error == ""
    report = b.sync()
    assert report.error == "" and report.field_reviews == 1 and report.conflicts == 0
    assert b.status().field_reviews == 1
    merged = b.client(CLIENT)
    assert merged is not None
    # Only A changed the email: taken. Both changed the phone: A's (the server's) shows until
    # someone chooses; B's waits in the review queue.
    assert (merged.email, merged.phone) == ("a@example.invalid", "0400 000 001")
    field, mine = b.vault.query_one("SELECT field, mine FROM sync_field_reviews")
    assert (field, json.loads(mine)) == ("phone", "0400 000 002")


def test_a_discarded_draft_is_removed_on_the_other_workstation(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    therapist.new_client_with_course(CLIENT)
    draft = therapist.integration_note(CLIENT, "written for the wrong client")
    kept = therapist.integration_note(CLIENT, "kept", sign=True)
    therapist.sync()
    nurse.sync()
    assert len(nurse.sessions(CLIENT)) == 2
    therapist.services.notes.delete_draft(draft)
    assert therapist.sync().pushed == 1
    assert nurse.sync().error == ""
    assert [nurse.note_text(s.id) for s in nurse.sessions(CLIENT)] == ["kept"]
    voided = [r for r in server_rows(server) if r[1] == "note" and r[3] == 2]
    assert len(voided) == 1  # the void is a new version on the server, never a deletion
    assert therapist.sessions(CLIENT)[0].id == kept


def test_an_edit_of_a_draft_signed_meanwhile_elsewhere_is_kept_as_a_conflict_copy(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    note_a = a.integration_note(CLIENT, "first draft")
    a.sync()
    b.sync()
    [note_b] = b.sessions(CLIENT)
    a.services.notes.save_fields(note_a, {"client_account": "A's signed words"})
    a.services.notes.sign(note_a, signer="A", reason="test")
    b.services.notes.save_fields(note_b.id, {"client_account": "B's words"})
    assert a.sync().error == ""
    report = b.sync()
    assert (report.error, report.refused, report.conflicts) == ("", 0, 1)
    [note_b] = b.sessions(CLIENT)
    assert note_b.signed and b.note_text(note_b.id) == "A's signed words"
    assert "B's words" in b.vault.query_one("SELECT payload FROM sync_conflicts")[0]
    assert b.sync().pushed == 0  # nothing left to send: the vault and the server agree


def test_a_deleted_measure_is_removed_on_the_other_workstation(
        server: str, tmp_path: Path) -> None:
    from datetime import date

    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    client_id, _course = therapist.new_client_with_course(CLIENT)
    measure = therapist.services.measures.enter(client_id=client_id, scale_id="phq9",
                                                taken_on=date(2026, 11, 1), total=12)
    therapist.sync()
    nurse.sync()
    assert nurse.vault.query_one("SELECT count(*) FROM measures")[0] == 1
    therapist.services.measures.delete(measure.id)
    report = therapist.sync()
    assert (report.refused, report.pushed, report.error) == (0, 1, "")
    assert nurse.sync().error == ""
    assert nurse.vault.query_one("SELECT count(*) FROM measures")[0] == 0
