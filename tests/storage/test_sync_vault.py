"""The vault side of practice sync (schema step 020, kapnotes/storage/sync_*.py): two real
vaults, changes packed in one and applied in the other through the server's rules
(tests/helpers/sync_relay.py), compared through the public services."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.basics import TEST_PASSPHRASE, FakeClock
from helpers.dosing import ready_to_dose
from helpers.sync_relay import NOW, Relay, link, pull_all, push_all, sync

from kapnotes.domain.errors import ConflictError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.sync_ops import SYNC_KINDS, IncomingRow
from kapnotes.services.container import build_services
from kapnotes.storage import audit, lifecycle, sync_apply, sync_outbox, sync_state
from kapnotes.storage.sync_payloads import TABLE_OF_KIND

CODE = "KAP-501"


def _services(path: Path, clock: FakeClock) -> Any:
    created = lifecycle.create_vault(path, TEST_PASSPHRASE)
    return build_services(created.vault, clock=clock, practice_templates=path.parent / "t")


@pytest.fixture
def pair(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Any, Any]]:
    """Two linked workstations' vaults (A and B)."""
    a = _services(tmp_path / "a" / "a.kapnotes", clock)
    b = _services(tmp_path / "b" / "b.kapnotes", clock)
    link(a.vault)
    link(b.vault)
    yield a, b
    for s in (a, b):
        if s.vault.conn is not None:
            s.vault.close()


def _record(s: Any) -> dict[str, Any]:
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


def _by_code(s: Any) -> Any:
    return s.clients.by_code(CODE)


def _count(vault: Any, table: str) -> int:
    return int(vault.query_one(f"SELECT count(*) FROM {table}")[0])


def _sessions(s: Any, client_id: int) -> dict[SessionKind, Any]:
    course = s.courses.for_client(client_id)[0]
    return {x.kind: x for x in s.notes.sessions_for_course(course.id)}


def test_a_solo_vault_records_nothing_for_the_server(services: Any) -> None:
    ids = _record(services)
    vault = services.vault
    assert not sync_state.status(vault).linked
    assert _count(vault, "sync_dirty") == 0 and _count(vault, "sync_outbox") == 0
    # Every shared row still has its UUID, ready for a later join.
    assert vault.query_one("SELECT uuid FROM sync_ids WHERE tbl = 'sessions' AND local_id = ?",
                           (ids["prep"],)) is not None


def test_a_record_packed_in_one_vault_arrives_whole_in_another(
        pair: tuple[Any, Any], tmp_path: Path) -> None:
    a, b = pair
    ids = _record(a)
    relay = Relay()
    assert push_all(a.vault, relay, "therapist") == 7
    assert sync_state.status(a.vault).pending == 0
    outcome = pull_all(b.vault, relay)
    assert outcome.applied == 7 and outcome.waiting == [] and outcome.client_codes == {CODE}

    mine, theirs = a.clients.get(ids["client"]), _by_code(b)
    assert replace(theirs, id=mine.id) == mine
    got = _sessions(b, theirs.id)
    prep, dose = got[SessionKind.PREPARATION], got[SessionKind.DOSING]
    assert b.notes.note(prep.id).values == a.notes.note(ids["prep"]).values
    assert prep.signed and prep.signed_by == "Dr Test"
    assert b.notes.seal(prep.id)[2] is True  # sealed here, and the seal holds
    assert [x.text for x in b.notes.note(prep.id).addenda] == ["Marmalade detail added later."]
    assert b.monitoring.details(dose.id).lot_number == "LOT-7731"
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
    assert lifecycle.check_vault(path, passphrase=TEST_PASSPHRASE) == []


def test_own_rows_coming_back_are_skipped_even_when_the_answer_was_lost(
        pair: tuple[Any, Any]) -> None:
    a, _b = pair
    _record(a)
    relay = Relay()
    push_all(a.vault, relay, "therapist", answer=False)  # the connection dropped
    assert sync_state.status(a.vault).pending == 7
    outcome = pull_all(a.vault, relay)
    assert (outcome.applied, outcome.skipped, outcome.conflicts) == (0, 7, 0)
    assert sync_state.status(a.vault).pending == 0
    # Now known at the server's version: the same rows pulled again are skipped too.
    with a.vault.transaction():
        a.vault.execute("UPDATE sync_state SET last_seq = 0")
    assert pull_all(a.vault, relay).skipped == 7


def _shared_draft(a: Any, b: Any, relay: Relay) -> tuple[int, int]:
    client = a.clients.create(Client(code=CODE, full_name="Rowan Fictional"))
    course = a.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                     start_date=date(2026, 11, 2)))
    draft = a.notes.create_session(course_id=course.id, kind=SessionKind.INTEGRATION,
                                   starts_at=datetime(2026, 11, 10, 9, 30))
    a.notes.save_fields(draft.id, {"insights": "First words"})
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    return draft.id, _sessions(b, _by_code(b).id)[SessionKind.INTEGRATION].id


def _copies(vault: Any) -> list[dict[str, Any]]:
    return [json.loads(r[0]) for r in vault.query(
        "SELECT payload FROM sync_conflicts WHERE kind = 'note' ORDER BY id")]


def test_a_stale_draft_edit_becomes_a_conflict_copy_never_a_merge(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a_note, b_note = _shared_draft(a, b, relay)
    b.notes.save_fields(b_note, {"insights": "Written at B"})
    sync(b.vault, relay, "prescriber")
    a.notes.save_fields(a_note, {"insights": "Written at A"})
    outcome = sync(a.vault, relay, "therapist")  # A's push is stale: kept as a copy
    assert a.notes.note(a_note).values == {"insights": "Written at B"}
    [copy] = _copies(a.vault)
    assert json.loads(copy["fields"]["insights"]["value"]) == "Written at A"
    assert sync_state.status(a.vault).conflicts == 1
    assert outcome.conflicts == 0  # this one came from the push; the pull just applied B's
    assert audit.entries(a.vault)[-1].event == "practice.conflict"


def test_an_unsent_draft_edit_hit_by_a_newer_version_keeps_the_local_text(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a_note, b_note = _shared_draft(a, b, relay)
    b.notes.save_fields(b_note, {"insights": "Written at B"})
    sync(b.vault, relay, "prescriber")
    a.notes.save_fields(a_note, {"insights": "Written at A"})  # dirty, not packed
    outcome = pull_all(a.vault, relay)
    assert outcome.conflicts == 1
    assert a.notes.note(a_note).values == {"insights": "Written at B"}
    assert json.loads(_copies(a.vault)[0]["fields"]["insights"]["value"]) == "Written at A"
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
    at_b = _by_code(b)
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
    back = _by_code(b)
    assert (back.phone, back.email, back.address) == ("222", "new@example.org", "B Street")
    assert sync_state.status(b.vault).field_reviews == 0


def test_a_signed_note_arrives_sealed_and_cannot_be_edited_there(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    ids = _record(a)
    relay = Relay()
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "supervisor")
    prep = _sessions(b, _by_code(b).id)[SessionKind.PREPARATION]
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


def test_a_discarded_draft_is_removed_elsewhere_but_a_signed_note_never(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a_note, _b_note = _shared_draft(a, b, relay)
    a.notes.delete_draft(a_note)
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    assert SessionKind.INTEGRATION not in _sessions(b, _by_code(b).id)
    signed_uuid = "00000000-0000-4000-8000-000000000001"
    assert sync_apply.apply_incoming(b.vault, [IncomingRow(
        99, "x", "note", CODE, signed_uuid, 1, {"voided": True})], NOW).waiting == []


def test_a_row_whose_parent_has_not_arrived_waits_and_names_no_content(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    _record(a)
    relay = Relay()
    push_all(a.vault, relay, "therapist")
    client_row, rest = relay.log[0], relay.log[1:]
    outcome = sync_apply.apply_incoming(b.vault, rest, NOW)
    assert outcome.applied == 0 and len(outcome.waiting) == 6
    assert sync_state.status(b.vault).waiting == 6
    assert all(client_row.row_uuid in m or "note" in m or "session" in m
               for m in outcome.waiting[:1])
    assert not any(word in m for m in outcome.waiting
                   for word in ("Rowan", "Heliotrope", "LOT-7731", "Marmalade"))
    assert sync_state.last_seq(b.vault) == rest[-1].seq
    outcome = sync_apply.apply_incoming(b.vault, [client_row], NOW)
    assert outcome.applied == 7 and outcome.waiting == []
    assert b.notes.search("heliotrope")


def test_leaving_a_care_team_purges_the_client_and_audits_by_code_only(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    _record(a)
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
    ids = _record(a)
    with a.vault.transaction():
        sync_outbox.pack_outbox(a.vault, NOW)
    for text in ("a", "ab", "abc"):  # keystrokes, each an upsert of the same field
        a.notes.save_fields(ids["dose"], {"observations": text})
        a.monitoring.update_record(ids["dose"], {"escort": text})
        a.monitoring.add_observation(ids["dose"], moaas=5, note=text)
    assert a.vault.query("SELECT tbl, local_id FROM sync_dirty") == [("sessions", ids["dose"])]


def test_a_stale_course_edit_becomes_a_conflict_copy(pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    _shared_draft(a, b, relay)
    at_a = a.courses.for_client(a.clients.by_code(CODE).id)[0]
    at_b = b.courses.for_client(_by_code(b).id)[0]
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
    _shared_draft(a, b, relay)
    signed = a.clients.create(Client(code="KAP-502", full_name="Sol Fictional"))
    _record_signed_note(a, signed.id)
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


def _record_signed_note(s: Any, client_id: int) -> None:
    course = s.courses.create(Course(client_id=client_id, protocol="kap_sublingual_im",
                                     start_date=date(2026, 11, 2)))
    note = s.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                  starts_at=datetime(2026, 11, 2, 9, 30))
    s.notes.save_fields(note.id, {"reasons": "Fictional", "intentions": ["Rest"]})
    s.notes.sign(note.id, signer="Dr Test")


def test_a_struck_reading_is_struck_on_the_other_workstation_too(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    ids = _record(a)
    relay = Relay()
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    [reading] = a.monitoring.readings(ids["dose"])
    a.monitoring.strike_reading(ids["dose"], reading.id, reason="Cuff too small")
    sync(a.vault, relay, "therapist")
    sync(b.vault, relay, "prescriber")
    dose = _sessions(b, _by_code(b).id)[SessionKind.DOSING]
    assert b.monitoring.readings(dose.id) == []
    [struck] = b.monitoring.readings(dose.id, with_struck=True)
    assert struck.change_reason == "Struck: Cuff too small" and struck.struck_at is not None


def test_a_draft_discarded_before_its_first_push_was_answered_stays_discarded(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    _shared_draft(a, b, relay)
    course = a.courses.for_client(a.clients.by_code(CODE).id)[0]
    draft = a.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                   starts_at=datetime(2026, 11, 12, 9, 30))
    with a.vault.transaction():
        sync_outbox.pack_outbox(a.vault, NOW)  # packed; the push is on its way
    a.notes.delete_draft(draft.id)
    sync(a.vault, relay, "therapist")
    assert sync_state.status(a.vault).conflicts == 0
    sync(b.vault, relay, "prescriber")
    assert SessionKind.PREPARATION not in _sessions(b, _by_code(b).id)
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
    at_b = _by_code(b)
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
    assert _by_code(b).phone == "111"
    assert ("email", '"b@example.org"') in b.vault.query(
        "SELECT field, mine FROM sync_field_reviews")
