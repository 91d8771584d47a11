"""What a sync leaves for a person, through the service the window calls
(kapnotes/services/practice_review.py), with real vaults and a real practice server:
a conflict copy read in the note's own labels and marked resolved, a field review settled
either way as a normal, audited, synced client edit, a refusal dismissed once read."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kapnotes.domain.errors import NotFoundError
from kapnotes.services import practice_review
from kapnotes.services.audit_log import read_audit_log
from tests.practice.workstations import Workstation, open_workstation

CLIENT = "KAP-2201"



def _events(ws: Workstation) -> list[str]:
    return [e.event for e in read_audit_log(ws.vault).entries]


def _two_phones(server: str, tmp_path: Path) -> tuple[Workstation, Workstation]:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    a.sync()
    b.sync()
    for ws, phone in ((a, "0400 000 001"), (b, "0400 000 002")):
        client = ws.client(CLIENT)
        assert client is not None
        ws.services.clients.update(replace(client, phone=phone))
    a.sync()
    assert b.sync().field_reviews == 1
    return a, b


def test_a_conflict_copy_reads_in_the_notes_labels_and_is_kept_when_resolved(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    note_a = a.integration_note(CLIENT, "first draft")
    a.sync()
    b.sync()
    [note_b] = b.sessions(CLIENT)
    a.services.notes.save_fields(note_a, {"client_account": "A's words"})
    b.services.notes.save_fields(note_b.id, {"client_account": "B's words\nsecond line"})
    a.sync()
    b.sync()

    [copy] = practice_review.queue(b.vault).conflicts
    assert (copy.kind, copy.client_code, copy.local_id) == ("note", CLIENT, note_b.id)
    assert practice_review.has_open_conflict(b.vault, "note", note_b.id)
    text = practice_review.conflict_text(b.vault, copy.id)
    assert "Client's account:\nB's words\nsecond line\n" in text
    assert "A's words" not in text and "uuid" not in text

    practice_review.mark_resolved(b.vault, copy.id)
    assert practice_review.queue(b.vault).empty
    assert not practice_review.has_open_conflict(b.vault, "note", note_b.id)
    assert "B's words" in practice_review.conflict_text(b.vault, copy.id)  # kept, not listed
    assert _events(b)[-1] == "practice.conflict_resolved"
    with pytest.raises(NotFoundError):
        practice_review.mark_resolved(b.vault, copy.id)


def test_keep_mine_saves_it_as_a_client_edit_that_the_next_sync_sends(
        server: str, tmp_path: Path) -> None:
    a, b = _two_phones(server, tmp_path)
    [review] = practice_review.queue(b.vault).field_reviews
    assert (review.field, practice_review.shown_value(review.field, review.mine),
            practice_review.shown_value(review.field, review.theirs)) == (
        "phone", "0400 000 002", "0400 000 001")
    practice_review.choose(b.vault, review.id, keep_mine=True)
    assert b.client(CLIENT).phone == "0400 000 002"
    assert b.status().field_reviews == 0 and b.status().pending == 1
    assert _events(b)[-2:] == ["client.update", "practice.field_review"]
    b.sync()
    a.sync()
    assert a.client(CLIENT).phone == "0400 000 002"


def test_take_theirs_changes_nothing_and_sends_nothing(server: str, tmp_path: Path) -> None:
    _a, b = _two_phones(server, tmp_path)
    [review] = practice_review.queue(b.vault).field_reviews
    practice_review.choose(b.vault, review.id, keep_mine=False)
    assert b.client(CLIENT).phone == "0400 000 001"
    assert b.status().field_reviews == 0 and b.status().pending == 0
    assert _events(b)[-1] == "practice.field_review"
    with pytest.raises(NotFoundError):
        practice_review.choose(b.vault, review.id, keep_mine=True)


def test_a_refusal_is_dismissed_once_read_and_the_audit_log_keeps_why(
        server: str, tmp_path: Path) -> None:
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    nurse.new_client_with_course("KAP-2299")
    assert nurse.sync().refused >= 1
    refusals = practice_review.queue(nurse.vault).refusals
    assert refusals and all(r.client_code == "KAP-2299" for r in refusals)
    practice_review.dismiss_refusal(nurse.vault, refusals[0].id)
    assert nurse.status().refusals == len(refusals) - 1
    entry = read_audit_log(nurse.vault).entries[-1]
    assert entry.event == "practice.refusal_dismissed" and "may not write" in entry.detail
    assert nurse.client("KAP-2299") is not None  # the work itself stays in the vault
