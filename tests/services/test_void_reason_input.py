"""The reason a person gives for a deletion goes to the practice server in the void's
`"void_reason"` (issue 20; docs/PRACTICE-SERVER.md "Deleting a shared record"). It is typed
text like any other: control characters (which PostgreSQL's JSON refuses, so the deletion
would be refused by the server and the record kept on every other workstation) are refused
here with a message naming the field, and nothing is deleted. Real vault in tmp_path, no
server needed. All data is fictional."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.storage import sync_outbox, sync_state


def _joined_note(services: Any) -> tuple[int, int]:
    vault = services.vault
    with vault.transaction():
        sync_state.set_linked(vault, True)
    client = services.clients.create(Client(code="KAP-7801", full_name="Robin Placeholder"))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 11, 2))).id
    sid = services.notes.create_session(course_id=course, kind=SessionKind.INTEGRATION,
                                        starts_at=datetime(2026, 11, 3, 9, 0),
                                        clinician="Dr Kim Sample").id
    with vault.transaction():
        sync_outbox.pack_outbox(vault, "2026-11-03T09:00:00Z")  # the note waits for the server
    return client.id, sid


@pytest.mark.parametrize("reason", ["dup\x00licate", "duplicate\nrecord", "bad\x1b[2J"])
def test_a_reason_with_control_characters_is_refused_and_nothing_is_deleted(
        services: Any, reason: str) -> None:
    client_id, sid = _joined_note(services)
    with pytest.raises(ValidationError, match="Reason") as caught:
        services.notes.delete_draft(sid, reason=reason)
    assert reason not in str(caught.value)
    assert services.notes.note(sid).session.id == sid
    with pytest.raises(ValidationError, match="Reason"):
        services.clients.delete(client_id, typed_code="KAP-7801", why=reason)
    assert services.clients.get(client_id).code == "KAP-7801"
    voids = services.vault.query("SELECT count(*) FROM sync_outbox WHERE payload LIKE"
                                 " '%\"voided\"%'")
    assert voids == [(0,)]


def test_a_plain_reason_goes_with_the_void(services: Any) -> None:
    _client_id, sid = _joined_note(services)
    services.notes.delete_draft(sid, reason="  duplicate of the 3 Nov note  ")
    [(payload,)] = services.vault.query("SELECT payload FROM sync_outbox WHERE payload LIKE"
                                        " '%\"voided\"%'")
    assert json.loads(payload)["void_reason"] == "duplicate of the 3 Nov note"
