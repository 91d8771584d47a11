"""The vault side of practice sync (schema step 020, kapnotes/storage/sync_*.py): two real
vaults, changes packed in one and applied in the other through the server's rules
(tests/helpers/sync_relay.py), compared through the public services."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.basics import TEST_PASSPHRASE, FakeClock
from helpers.sync_records import (
    CODE,
    by_code,
    count,
    record,
    sessions_of,
    shared_draft,
    two_workstations,
)
from helpers.sync_relay import NOW, Relay, pull_all, push_all, sync

from kapnotes.domain.errors import ConflictError
from kapnotes.domain.models import Client, SessionKind
from kapnotes.domain.sync_ops import SYNC_KINDS, IncomingRow
from kapnotes.storage import audit, lifecycle, sync_apply, sync_outbox, sync_state
from kapnotes.storage.sync_payloads import TABLE_OF_KIND


@pytest.fixture
def pair(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Any, Any]]:
    with two_workstations(tmp_path, clock) as vaults:
        yield vaults


def test_a_solo_vault_records_nothing_for_the_server(services: Any) -> None:
    ids = record(services)
    vault = services.vault
    assert not sync_state.status(vault).linked
    assert count(vault, "sync_dirty") == 0 and count(vault, "sync_outbox") == 0
    # Every shared row still has its UUID, ready for a later join.
    assert vault.query_one("SELECT uuid FROM sync_ids WHERE tbl = 'sessions' AND local_id = ?",
                           (ids["prep"],)) is not None


def test_a_record_packed_in_one_vault_arrives_whole_in_another(
        pair: tuple[Any, Any], tmp_path: Path) -> None:
    a, b = pair
    ids = record(a)
    relay = Relay()
    assert push_all(a.vault, relay, "therapist") == 8  # with the screen taken before dosing
    assert sync_state.status(a.vault).pending == 0
    outcome = pull_all(b.vault, relay)
    assert outcome.applied == 8 and outcome.waiting == [] and outcome.client_codes == {CODE}

    mine, theirs = a.clients.get(ids["client"]), by_code(b)
    assert replace(theirs, id=mine.id) == mine
    got = sessions_of(b, theirs.id)
    prep, dose = got[SessionKind.PREPARATION], got[SessionKind.DOSING]
    assert b.notes.note(prep.id).values == a.notes.note(ids["prep"]).values
    assert prep.signed and prep.signed_by == "Dr Test"
    assert b.notes.seal(prep.id)[2] is True  # sealed here, and the seal holds
    [received] = [e for e in audit.entries(b.vault) if e.event == "practice.signed_note"]
    assert (received.record_id, received.detail) == (
        str(prep.id), "signed elsewhere; pushed by therapist")
    assert [x.text for x in b.notes.note(prep.id).addenda] == ["Marmalade detail added later."]
    assert b.monitoring.details(dose.id).lot_number == "LOT-7731"
    assert [x.screen for x in b.monitoring.screening.history(theirs.id)] == [
        x.screen for x in a.monitoring.screening.history(ids["client"])]
    assert [(r.reading.systolic, r.reading.diastolic) for r in b.monitoring.readings(dose.id)
            ] == [(128, 82)]
    assert [d.given_at for d in b.monitoring.devices(dose.id)] == [
        d.given_at for d in a.monitoring.devices(ids["dose"])]
    assert [o.observation for o in b.monitoring.observations(dose.id)] == [
        o.observation for o in a.monitoring.observations(ids["dose"])]
    assert [e.entry for e in b.monitoring.adverse_effects(dose.id)] == [
        e.entry for e in a.monitoring.adverse_effects(ids["dose"])]
    assert b.courses.for_client(theirs.id) == [
        replace(c, id=c2.id, client_id=theirs.id) for c, c2 in zip(
            a.courses.for_client(ids["client"]), b.courses.for_client(theirs.id), strict=True)]
    assert [m.total for m in b.measures.for_client(theirs.id)] == [12]
    for words in ("heliotrope", "marmalade", "LOT-7731", "Rowan", "saffron"):
        assert {h.client_code for h in b.notes.search(words)} == {CODE}, words
    # Applying sent nothing back out.
    assert sync_state.status(b.vault).pending == 0
    path = b.vault.path
    b.vault.close()
    # `kapnotes check`, the real console entry: the notes received are sealed here.
    secret = tmp_path / "passphrase.txt"
    secret.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "kapnotes", "check", "--vault", str(path),
                          "--passphrase-file", str(secret)], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert "signed-note seals sound" in run.stdout


def test_own_rows_coming_back_are_skipped_even_when_the_answer_was_lost(
        pair: tuple[Any, Any]) -> None:
    a, _b = pair
    record(a)
    relay = Relay()
    push_all(a.vault, relay, "therapist", answer=False)  # the connection dropped
    assert sync_state.status(a.vault).pending == 8
    outcome = pull_all(a.vault, relay)
    assert (outcome.applied, outcome.skipped, outcome.conflicts) == (0, 8, 0)
    assert sync_state.status(a.vault).pending == 0
    # Now known at the server's version: the same rows pulled again are skipped too.
    with a.vault.transaction():
        a.vault.execute("UPDATE sync_state SET last_seq = 0")
    assert pull_all(a.vault, relay).skipped == 8


def test_a_signed_note_arrives_sealed_and_cannot_be_edited_there(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    ids = record(a)
    relay = Relay()
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "supervisor")
    prep = sessions_of(b, by_code(b).id)[SessionKind.PREPARATION]
    with pytest.raises(ConflictError, match="signed"):
        b.notes.save_fields(prep.id, {"reasons": "Changed at B"})
    with pytest.raises(ConflictError, match="locked"):
        b.vault.execute("UPDATE session_fields SET value = '\"x\"' WHERE session_id = ?",
                        (prep.id,))
    assert b.notes.note(prep.id).values == a.notes.note(ids["prep"]).values
    # A second addendum written at A reaches B chained to the seal there.
    a.notes.add_addendum(ids["prep"], "Second thought.", author="Dr Test")
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "supervisor")
    assert len(b.notes.note(prep.id).addenda) == 2
    assert b.notes.seal(prep.id)[2] is True


def test_a_row_whose_parent_has_not_arrived_waits_and_names_no_content(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    record(a)
    relay = Relay()
    push_all(a.vault, relay, "therapist")
    client_row, rest = relay.log[0], relay.log[1:]
    outcome = sync_apply.apply_incoming(b.vault, rest, NOW)
    assert outcome.applied == 0 and len(outcome.waiting) == 7
    assert sync_state.status(b.vault).waiting == 7
    assert all(client_row.row_uuid in m or "note" in m or "session" in m
               for m in outcome.waiting[:1])
    assert not any(word in m for m in outcome.waiting
                   for word in ("Rowan", "Heliotrope", "LOT-7731", "Marmalade"))
    assert sync_state.last_seq(b.vault) == rest[-1].seq
    outcome = sync_apply.apply_incoming(b.vault, [client_row], NOW)
    assert outcome.applied == 8 and outcome.waiting == []
    assert b.notes.search("heliotrope")


def test_leaving_a_care_team_purges_the_client_and_audits_by_code_only(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    record(a)
    relay = Relay()
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "nurse")
    assert sync_state.server_client_codes(b.vault) == {CODE}
    with b.vault.transaction():
        sync_state.purge_client(b.vault, CODE, NOW)
    assert b.clients.list(include_archived=True) == []
    assert b.notes.search("heliotrope") == []
    assert sync_state.status(b.vault).pending == 0  # nothing of it goes to the server
    entry = audit.entries(b.vault)[-1]
    assert (entry.event, entry.record_id) == ("practice.purge", CODE)
    assert "Rowan" not in entry.detail and "2 session notes" in entry.detail
    path = b.vault.path
    b.vault.close()
    assert lifecycle.check_vault(path, passphrase=TEST_PASSPHRASE) == []


def test_every_kind_the_server_shares_has_its_table() -> None:
    assert sorted(TABLE_OF_KIND) == sorted(SYNC_KINDS)


def test_a_refused_operation_is_shown_and_not_sent_again(pair: tuple[Any, Any]) -> None:
    a, _b = pair
    a.clients.create(Client(code=CODE, full_name="Rowan Fictional"))
    with a.vault.transaction():
        assert sync_outbox.pack_outbox(a.vault, NOW) == 1
    [op] = sync_outbox.pending_ops(a.vault)
    with a.vault.transaction():
        sync_outbox.record_refusal(a.vault, op.op_id, f"nurse may not write client {CODE}", NOW)
        assert sync_outbox.pack_outbox(a.vault, NOW) == 0
    status = sync_state.status(a.vault)
    assert (status.pending, status.refusals) == (0, 1)
    assert a.vault.query("SELECT kind, client_code, message FROM sync_refusals") == [
        ("client", CODE, f"nurse may not write client {CODE}")]


def test_an_offline_sync_keeps_the_time_of_the_last_good_one(pair: tuple[Any, Any]) -> None:
    a, _b = pair
    with a.vault.transaction():
        sync_state.record_sync(a.vault, NOW, "")
        sync_state.record_sync(a.vault, "2026-11-20T10:00:00Z", "offline")
    status = sync_state.status(a.vault)
    assert (status.last_sync_at, status.last_error) == (NOW, "offline")
    with a.vault.transaction():
        sync_state.record_sync(a.vault, "2026-11-20T11:00:00Z", "")
    status = sync_state.status(a.vault)
    assert (status.last_sync_at, status.last_error) == ("2026-11-20T11:00:00Z", "")


def test_every_autosave_of_a_linked_note_marks_it_once(pair: tuple[Any, Any]) -> None:
    a, _b = pair
    ids = record(a)
    with a.vault.transaction():
        sync_outbox.pack_outbox(a.vault, NOW)
    for text in ("a", "ab", "abc"):  # keystrokes, each an upsert of the same field
        a.notes.save_fields(ids["dose"], {"observations": text})
        a.monitoring.update_record(ids["dose"], {"escort": text})
        a.monitoring.add_observation(ids["dose"], moaas=5, note=text)
    assert a.vault.query("SELECT tbl, local_id FROM sync_dirty") == [("sessions", ids["dose"])]


def test_a_struck_reading_is_struck_on_the_other_workstation_too(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    ids = record(a)
    relay = Relay()
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    [reading] = a.monitoring.readings(ids["dose"])
    a.monitoring.strike_reading(ids["dose"], reading.id, reason="Cuff too small")
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    dose = sessions_of(b, by_code(b).id)[SessionKind.DOSING]
    assert b.monitoring.readings(dose.id) == []
    [struck] = b.monitoring.readings(dose.id, with_struck=True)
    assert struck.change_reason == "Struck: Cuff too small" and struck.struck_at is not None


def test_a_received_review_names_the_intention_by_its_words_not_by_a_foreign_id(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    shared_draft(a, b, relay)
    course_a = a.courses.for_client(a.clients.by_code(CODE).id)[0].id
    course_b = b.courses.for_client(by_code(b).id)[0].id
    here = b.intentions.add(course_b, "Sleep before midnight")  # B's own, same row id as A's
    walk = a.intentions.add(course_a, "Walk by the river daily")
    assert here.id == walk.id
    review = a.notes.create_session(course_id=course_a, kind=SessionKind.INTEGRATION,
                                    starts_at=datetime(2026, 11, 17, 9, 30))
    a.notes.save_fields(review.id, {"intentions_review": [
        {"intention_id": walk.id, "progress": 6, "note": "Most days"}]})
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "supervisor")
    got = next(x for x in b.notes.sessions_for_course(course_b)
               if x.starts_at.day == 17)
    [entry] = b.notes.note(got.id).values["intentions_review"]
    assert b.intentions.labels(course_b)[entry["intention_id"]] == "Walk by the river daily"
    assert (entry["progress"], entry["note"]) == (6, "Most days")


def test_a_reading_that_arrives_after_its_note_was_signed_here_becomes_a_sealed_addendum(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    ids = record(a)
    relay = Relay()
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "supervisor")
    prep_uuid = a.vault.query_one("SELECT uuid FROM sync_ids WHERE tbl = 'sessions'"
                                  " AND local_id = ?", (ids["prep"],))[0]
    late = IncomingRow(900, "nurse_kim", "vitals", CODE, "00000000-0000-4000-8000-000000000900",
                       1, {"session_uuid": prep_uuid, "taken_at": "2026-11-02T09:40:00+00:00",
                           "role": "extra", "systolic": 131, "diastolic": 84, "heart_rate": 77})
    for _again in range(2):  # pulled twice (a back-fill), added once
        assert sync_apply.apply_incoming(b.vault, [late], NOW).waiting == []
    prep = sessions_of(b, by_code(b).id)[SessionKind.PREPARATION]
    addenda = {x.author: x.text for x in b.notes.note(prep.id).addenda}
    assert sorted(addenda) == ["Dr Test", "nurse_kim"]
    assert "BP 131/84, HR 77" in addenda["nurse_kim"]
    assert "after this note was signed" in addenda["nurse_kim"]
    assert b.notes.seal(prep.id)[2] is True
    entry = audit.entries(b.vault)[-1]
    assert (entry.event, entry.record_id) == ("practice.late_reading", str(prep.id))
    assert sync_state.status(b.vault).pending == 0
