"""Practice sync when two workstations change the same record (kapnotes/storage/sync_apply.py):
note and course conflict copies, client fields merged with reviews, deletes on one side."""

from __future__ import annotations

import json
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
    note_copies,
    record_signed_note,
    sessions_of,
    shared_draft,
    two_workstations,
)
from helpers.sync_relay import NOW, Relay, pull_all, sync

from kapnotes.domain.models import Client, SessionKind
from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage import audit, lifecycle, sync_apply, sync_outbox, sync_state


@pytest.fixture
def pair(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Any, Any]]:
    with two_workstations(tmp_path, clock) as vaults:
        yield vaults


def test_a_stale_draft_edit_becomes_a_conflict_copy_never_a_merge(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a_note, b_note = shared_draft(a, b, relay)
    b.notes.save_fields(b_note, {"insights": "Written at B"})
    sync(b.vault, relay, "prescriber")
    a.notes.save_fields(a_note, {"insights": "Written at A"})
    outcome = sync(a.vault, relay, "therapist")  # A's push is stale: kept as a copy
    assert a.notes.note(a_note).values == {"insights": "Written at B"}
    [copy] = note_copies(a.vault)
    assert json.loads(copy["fields"]["insights"]["value"]) == "Written at A"
    assert sync_state.status(a.vault).conflicts == 1
    assert outcome.conflicts == 0  # this one came from the push; the pull just applied B's
    assert audit.entries(a.vault)[-1].event == "practice.conflict"


def test_an_unsent_draft_edit_hit_by_a_newer_version_keeps_the_local_text(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a_note, b_note = shared_draft(a, b, relay)
    b.notes.save_fields(b_note, {"insights": "Written at B"})
    sync(b.vault, relay, "prescriber")
    a.notes.save_fields(a_note, {"insights": "Written at A"})  # dirty, not packed
    outcome = pull_all(a.vault, relay)
    assert outcome.conflicts == 1
    assert a.notes.note(a_note).values == {"insights": "Written at B"}
    assert json.loads(note_copies(a.vault)[0]["fields"]["insights"]["value"]) == "Written at A"
    assert sync_state.status(a.vault).pending == 0  # the local edit lives on as the copy
    assert [h.session_id for h in a.notes.search("Written")] == [a_note]


def test_client_details_merge_per_field_and_both_changed_go_to_review(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    client = a.clients.create(Client(code=CODE, full_name="Rowan Fictional", phone="111",
                                     email="old@example.org", address="Old Lane"))
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "administrator")
    at_b = by_code(b)
    b.clients.update(replace(at_b, email="new@example.org", address="B Street"))
    sync(b.vault, relay, "administrator")
    a.clients.update(replace(a.clients.get(client.id), phone="222", address="A Road"))
    outcome = sync(a.vault, relay, "therapist")
    assert outcome.field_reviews == 1
    merged = a.clients.get(client.id)
    assert (merged.phone, merged.email, merged.address) == ("222", "new@example.org", "B Street")
    [(field, mine, theirs)] = a.vault.query(
        "SELECT field, mine, theirs FROM sync_field_reviews WHERE resolved_at IS NULL")
    assert (field, json.loads(mine), json.loads(theirs)) == ("address", "A Road", "B Street")
    # Only A's own change goes out again, and reaches B.
    assert sync_state.status(a.vault).pending == 1
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "administrator")
    back = by_code(b)
    assert (back.phone, back.email, back.address) == ("222", "new@example.org", "B Street")
    assert sync_state.status(b.vault).field_reviews == 0


def test_a_discarded_draft_is_removed_elsewhere_but_a_signed_note_never(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a_note, _b_note = shared_draft(a, b, relay)
    a.notes.delete_draft(a_note)
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    assert SessionKind.INTEGRATION not in sessions_of(b, by_code(b).id)
    signed_uuid = "00000000-0000-4000-8000-000000000001"
    assert sync_apply.apply_incoming(b.vault, [IncomingRow(
        99, "x", "note", CODE, signed_uuid, 1, {"voided": True})], NOW).waiting == []


def test_a_stale_course_edit_becomes_a_conflict_copy(pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    shared_draft(a, b, relay)
    at_a = a.courses.for_client(a.clients.by_code(CODE).id)[0]
    at_b = b.courses.for_client(by_code(b).id)[0]
    b.courses.update(replace(at_b, title="Named at B"))
    sync(b.vault, relay, "prescriber")
    a.courses.update(replace(at_a, title="Named at A"))
    assert pull_all(a.vault, relay).conflicts == 1
    assert a.courses.get(at_a.id).title == "Named at B"
    [(kind, payload)] = a.vault.query("SELECT kind, payload FROM sync_conflicts")
    assert (kind, json.loads(payload)["title"]) == ("course", "Named at A")


def test_a_client_deleted_elsewhere_goes_only_while_it_holds_no_signed_note(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    shared_draft(a, b, relay)
    signed = a.clients.create(Client(code="KAP-502", full_name="Sol Fictional"))
    record_signed_note(a, signed.id)
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    for code in (CODE, "KAP-502"):
        a.clients.delete(a.clients.by_code(code).id, typed_code=code)
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    assert b.clients.by_code(CODE) is None
    assert b.clients.by_code("KAP-502") is not None  # its signed note is never lost here
    entry = audit.entries(b.vault)[-1]
    assert (entry.event, entry.record_id) == ("practice.remove", CODE)
    path = b.vault.path
    b.vault.close()
    assert lifecycle.check_vault(path, passphrase=TEST_PASSPHRASE) == []


def test_a_draft_discarded_before_its_first_push_was_answered_stays_discarded(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    shared_draft(a, b, relay)
    course = a.courses.for_client(a.clients.by_code(CODE).id)[0]
    draft = a.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                   starts_at=datetime(2026, 11, 12, 9, 30))
    with a.vault.transaction():
        sync_outbox.pack_outbox(a.vault, NOW)  # packed; the push is on its way
    a.notes.delete_draft(draft.id)
    sync(a.vault, relay, "therapist")
    assert sync_state.status(a.vault).conflicts == 0
    sync(b.vault, relay, "prescriber")
    assert SessionKind.PREPARATION not in sessions_of(b, by_code(b).id)
    assert [x.kind for x in a.notes.sessions_for_course(course.id)] == [SessionKind.INTEGRATION]


def test_one_code_entered_on_two_workstations_becomes_one_client(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a.clients.create(Client(code=CODE, full_name="Rowan Fictional", phone="111"))
    b.clients.create(Client(code=CODE.lower(), full_name="Rowan Fictional",
                            email="b@example.org"))
    sync(a.vault, relay, "therapist")
    outcome = sync(b.vault, relay, "prescriber")
    assert len({r.row_uuid for r in relay.log}) == 1  # one client row on the server
    at_b = by_code(b)
    assert (at_b.phone, at_b.email) == ("111", "")  # the server's, and B's email to review
    reviews = b.vault.query("SELECT field, mine, theirs FROM sync_field_reviews")
    assert sorted((f, json.loads(m), json.loads(t)) for f, m, t in reviews) == [
        ("email", "b@example.org", ""), ("phone", "", "111")]
    assert outcome.field_reviews == 2


def test_a_refused_client_met_again_from_the_server_keeps_its_details_for_review(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a.clients.create(Client(code=CODE, full_name="Rowan Fictional", phone="111"))
    sync(a.vault, relay, "therapist")
    b.clients.create(Client(code=CODE, full_name="Rowan Fictional", email="b@example.org"))
    with b.vault.transaction():
        sync_outbox.pack_outbox(b.vault, NOW)
    [op] = sync_outbox.pending_ops(b.vault)
    with b.vault.transaction():  # a nurse may not write client details
        sync_outbox.record_refusal(b.vault, op.op_id, "may not write client", NOW)
    pull_all(b.vault, relay)
    assert by_code(b).phone == "111"
    assert ("email", '"b@example.org"') in b.vault.query(
        "SELECT field, mine FROM sync_field_reviews")


def test_a_row_deleted_here_is_not_brought_back_by_its_own_older_versions(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a_note, _b_note = shared_draft(a, b, relay)
    a.notes.save_fields(a_note, {"insights": "Second words"})
    sync(a.vault, relay, "therapist")
    a.notes.delete_draft(a_note)
    with a.vault.transaction():
        a.vault.execute("UPDATE sync_state SET last_seq = 0")  # every version pulled again
    assert pull_all(a.vault, relay).skipped == len(relay.log)
    course = a.courses.for_client(a.clients.by_code(CODE).id)[0]
    assert a.notes.sessions_for_course(course.id) == []
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    assert sessions_of(b, by_code(b).id) == {}


def test_a_note_signed_here_is_never_overwritten_and_its_signing_goes_out_on_top(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a_note, b_note = shared_draft(a, b, relay)
    b.notes.save_fields(b_note, {"insights": "Written at B"})
    sync(b.vault, relay, "prescriber")
    risk = a.notes.template_for(a.notes.session(a_note)).field("risk_review")
    a.notes.save_fields(a_note, {"client_account": "Fictional account.",
                                 "risk_review": [risk.options[0].id]})
    a.notes.sign(a_note, signer="Dr Test")  # signed before B's edit arrived here
    assert pull_all(a.vault, relay).conflicts == 1
    assert a.notes.note(a_note).values["insights"] == "First words"  # the signed text stays
    [(local_id, payload)] = a.vault.query("SELECT local_id, payload FROM sync_conflicts")
    assert local_id == a_note
    assert json.loads(json.loads(payload)["fields"]["insights"]["value"]) == "Written at B"
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    assert b.notes.session(b_note).signed
    assert b.notes.note(b_note).values == a.notes.note(a_note).values


def _sign_integration(s: Any, note_id: int, words: str) -> None:
    risk = s.notes.template_for(s.notes.session(note_id)).field("risk_review")
    s.notes.save_fields(note_id, {"insights": words, "client_account": "Fictional account.",
                                  "risk_review": [risk.options[0].id]})
    s.notes.sign(note_id, signer="Dr Test")


def test_one_draft_signed_on_two_workstations_apart_becomes_two_signed_notes_everywhere(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a_note, b_note = shared_draft(a, b, relay)
    _sign_integration(a, a_note, "Signed at A")
    _sign_integration(b, b_note, "Signed at B")
    for s in (a, b, a, b, a):
        sync(s.vault, relay, "login")
    for s in (a, b):
        assert sync_state.status(s.vault).pending == 0
        notes = [s.notes.note(x.id) for x in sessions_of_course(s)]
        assert sorted(n.values["insights"] for n in notes) == ["Signed at A", "Signed at B"]
        assert all(n.session.signed and s.notes.seal(n.session.id)[2] for n in notes)
    assert b.notes.note(b_note).values["insights"] == "Signed at B"  # its own stays its own
    [(kind, local_id)] = b.vault.query("SELECT kind, local_id FROM sync_conflicts")
    assert (kind, local_id) == ("note", b_note)


def sessions_of_course(s: Any) -> list[Any]:
    return s.notes.sessions_for_course(s.courses.for_client(by_code(s).id)[0].id)


def test_a_late_readings_addendum_stays_as_it_was_when_its_note_was_signed_twice_apart(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a_note, b_note = shared_draft(a, b, relay)
    _sign_integration(a, a_note, "Signed at A")
    _sign_integration(b, b_note, "Signed at B")
    note_uuid = b.vault.query_one("SELECT uuid FROM sync_ids WHERE tbl = 'sessions'"
                                  " AND local_id = ?", (b_note,))[0]
    reading = "00000000-0000-4000-8000-000000000901"
    late = IncomingRow(1, "nurse_kim", "vitals", CODE, reading, 1,  # seq: keeps last_seq
                       {"session_uuid": note_uuid, "taken_at": "2026-11-02T09:40:00+00:00",
                        "role": "extra", "systolic": 131, "diastolic": 84, "heart_rate": 77})
    assert sync_apply.apply_incoming(b.vault, [late], NOW).waiting == []
    for s in (a, b, a, b, a):       # A's signing is the server's; B's a note of its own
        sync(s.vault, relay, "login")
    [(tbl, local_id, version)] = b.vault.query(
        "SELECT tbl, local_id, version FROM sync_ids WHERE uuid = ?", (reading,))
    assert (tbl, version) == ("addenda", 1)
    assert b.vault.query_one("SELECT session_id FROM addenda WHERE id = ?",
                             (local_id,))[0] == b_note
    assert b.vault.query_one("SELECT count(*) FROM sync_outbox WHERE kind = 'addendum'")[0] == 0
    assert b.notes.seal(b_note)[2] is True
