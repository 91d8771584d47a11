"""A deletion that loses to a newer edit elsewhere is kept as a conflict copy, even when a note
created here since has taken the deleted note's local id (SQLite gives the id of a deleted
row to the next row inserted: INTEGER PRIMARY KEY). The answer to the void was taken for the
new note's: that one was signed, so no copy was kept and the deletion was silently undone
(seen once in tests/practice/test_sync_fault_harness.py). Real vaults, the real server."""

from __future__ import annotations

from pathlib import Path

from kapnotes.services import practice_review
from tests.practice.workstations import open_workstation

CLIENT = "KAP-3301"


def test_a_lost_deletion_keeps_its_copy_when_a_new_signed_note_took_its_id(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    draft = a.integration_note(CLIENT, "Fictional: A's draft.")
    [(note_uuid,)] = a.vault.query("SELECT uuid FROM sync_ids WHERE tbl = 'sessions'")
    assert a.sync().error == ""
    assert b.sync().error == ""
    [on_b] = b.sessions(CLIENT)
    b.services.notes.save_fields(on_b.id, {"client_account": "Fictional: B's newer words."})
    assert b.sync().error == ""

    a.services.notes.delete_draft(draft, reason="Entered for the wrong client")
    again = a.integration_note(CLIENT, "Fictional: a new note, signed.", sign=True)
    assert again == draft  # the deleted note's id, given again

    report = a.sync()
    assert report.error == ""
    copies = practice_review.queue(a.vault).conflicts
    assert len(copies) == 1, "the lost deletion left no conflict copy"
    [copy] = copies
    assert copy.kind == "note" and copy.local_id is None  # the deleted note, not the new one
    assert a.vault.query_one("SELECT row_uuid FROM sync_conflicts")[0] == note_uuid
    assert copy.payload.get("voided") is True and report.conflicts == 1
    assert not practice_review.has_open_conflict(a.vault, "note", again)
    # The deletion lost: the note comes back with B's words, beside the new signed note.
    texts = sorted(a.note_text(int(s.id)) for s in a.sessions(CLIENT))
    assert texts == ["Fictional: B's newer words.", "Fictional: a new note, signed."]
