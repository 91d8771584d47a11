"""Pulled rows that are malformed or hostile change nothing they should not: each waits in the
vault with a message naming kind and UUID only, the rest of the batch applies, and column
names never come from a payload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.basics import FakeClock
from helpers.sync_records import CODE, by_code, count, shared_draft, two_workstations
from helpers.sync_relay import NOW, Relay

from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage import sync_apply, sync_state

SECRET = "Confidential words"


@pytest.fixture
def pair(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Any, Any]]:
    with two_workstations(tmp_path, clock) as vaults:
        yield vaults


def _uuid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def test_malformed_rows_wait_named_by_kind_and_uuid_and_the_rest_applies(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    shared_draft(a, b, relay)
    course_uuid = relay.log[1].row_uuid
    client_uuid = relay.log[0].row_uuid
    bad = [
        # a value that is not a plain value
        IncomingRow(101, "x", "course", CODE, _uuid(1),
                    1, {"client_uuid": client_uuid, "protocol": {"text": SECRET},
                        "start_date": "2026-11-02", "created_at": NOW, "updated_at": NOW}),
        # a note whose field value is not stored JSON text
        IncomingRow(102, "x", "note", CODE, _uuid(2), 1, {
            "course_uuid": course_uuid, "kind": "integration", "starts_at": "2026-11-20T09:00",
            "template_id": "integration", "template_version": 1, "created_at": NOW,
            "updated_at": NOW, "fields": {"insights": {"value": SECRET}}}),
        # a row the vault's own checks refuse (a session kind that does not exist)
        IncomingRow(103, "x", "note", CODE, _uuid(3), 1, {
            "course_uuid": course_uuid, "kind": SECRET, "starts_at": "2026-11-20T09:00",
            "template_id": "integration", "template_version": 1, "created_at": NOW,
            "updated_at": NOW, "fields": {}}),
        # a parent that never arrives
        IncomingRow(104, "x", "measure", CODE, _uuid(4), 1, {"client_uuid": _uuid(99)}),
    ]
    good = IncomingRow(105, "x", "client", "KAP-777", _uuid(5), 1, {
        "code": "KAP-777", "full_name": "Fern Fictional", "created_at": NOW,
        "updated_at": NOW, "id); DROP TABLE clients; --": 1})
    sessions_before = count(b.vault, "sessions")
    outcome = sync_apply.apply_incoming(b.vault, [*bad, good], NOW)
    assert outcome.applied == 1 and b.clients.by_code("KAP-777").full_name == "Fern Fictional"
    assert len(outcome.waiting) == 4 and sync_state.status(b.vault).waiting == 4
    for message, row in zip(outcome.waiting, bad, strict=True):
        assert f"{row.kind} {row.row_uuid}" in message and SECRET not in message
    assert count(b.vault, "sessions") == sessions_before
    assert count(b.vault, "courses") == 1 and by_code(b) is not None
    assert sync_state.last_seq(b.vault) == 105
    assert sync_state.status(b.vault).pending == 0  # nothing of it goes back out


def test_a_note_version_that_leaves_out_its_fields_leaves_them_as_they_are(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    _a_note, b_note = shared_draft(a, b, relay)
    note = relay.log[2]
    bare = {k: v for k, v in note.payload.items() if k not in ("fields", "monitoring")}
    outcome = sync_apply.apply_incoming(b.vault, [IncomingRow(
        50, "x", "note", CODE, note.row_uuid, note.row_version + 1, bare)], NOW)
    assert outcome.applied == 1
    assert b.notes.note(b_note).values == {"insights": "First words"}


def _reading_for(session_uuid: str, n: int) -> IncomingRow:
    return IncomingRow(200 + n, "nurse", "vitals", CODE, _uuid(200 + n), 1, {
        "session_uuid": session_uuid, "taken_at": "2026-11-20T09:10:00+00:00",
        "role": "extra", "heart_rate": 80})


def test_rows_waiting_for_a_note_that_is_voided_are_dropped_not_kept_forever(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    relay = Relay()
    a_note, _b_note = shared_draft(a, b, relay)
    note_uuid = relay.log[2].row_uuid
    a.notes.delete_draft(a_note)  # deleted here; its void waits to go out
    assert sync_apply.apply_incoming(a.vault, [_reading_for(note_uuid, 1)], NOW).waiting == []
    # B never had the note: the reading waits for it, and goes when the note's void comes.
    stranger = _uuid(300)
    assert len(sync_apply.apply_incoming(b.vault, [_reading_for(stranger, 2)], NOW).waiting) == 1
    void = IncomingRow(400, "x", "note", CODE, stranger, 2, {"voided": True})
    assert sync_apply.apply_incoming(b.vault, [void], NOW).waiting == []


def test_a_row_waiting_for_a_person_is_not_tried_again_on_every_page(
        pair: tuple[Any, Any]) -> None:
    _a, b = pair
    refused = IncomingRow(500, "x", "client", "KAP-9", _uuid(500), 1, {
        "code": "KAP-9", "full_name": None, "created_at": NOW, "updated_at": NOW})
    sync_apply.apply_incoming(b.vault, [refused], NOW)
    later = "2026-11-21T09:00:00Z"
    other = IncomingRow(501, "x", "client", "KAP-8", _uuid(501), 1, {
        "code": "KAP-8", "full_name": "Ivy Fictional", "created_at": later, "updated_at": later})
    assert sync_apply.apply_incoming(b.vault, [other], later).applied == 1
    assert b.vault.query("SELECT seq, created_at FROM sync_inbox") == [(500, NOW)]
