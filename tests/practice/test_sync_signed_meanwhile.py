"""A note signed on this workstation while its draft had changed on another: the signing must
still reach the server and every workstation (a signed note is never overwritten here, and
never silently left behind). Real vaults, one real server; fictional data."""

from __future__ import annotations

from pathlib import Path

from tests.practice.workstations import open_workstation, server_rows

CLIENT = "KAP-2001"



def test_a_note_signed_here_on_a_stale_draft_still_reaches_the_server_signed(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    note_a = a.integration_note(CLIENT, "Fictional first draft.")
    a.sync()
    b.sync()
    [note_b] = b.sessions(CLIENT)
    a.services.notes.save_fields(note_a, {"client_account": "Fictional: A's later words."})
    assert a.sync().error == ""
    b.services.notes.save_fields(note_b.id, {"client_account": "Fictional: B's final words."})
    b.services.notes.sign(note_b.id, signer="therb", reason="test")

    b.sync()
    b.sync()
    a.sync()

    # B's signed note stands (the vault never unsigns it) and is what the server and A hold.
    assert b.services.notes.note(note_b.id).session.signed
    assert b.note_text(note_b.id) == "Fictional: B's final words."
    assert a.services.notes.note(note_a).session.signed
    assert a.note_text(note_a) == "Fictional: B's final words."
    assert b.status().pending == 0
    # A's words, which B's signing replaced, are kept as a conflict copy on B (nothing lost).
    copies = [r[0] for r in b.vault.query("SELECT payload FROM sync_conflicts")]
    assert any("A's later words" in c for c in copies)
    notes = [r for r in server_rows(server) if r[1] == "note"]
    assert len(notes) == 1


def test_one_draft_signed_on_two_workstations_ends_as_two_signed_notes_everywhere(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    note_a = a.integration_note(CLIENT, "Fictional shared draft.")
    a.sync()
    b.sync()
    [note_b] = b.sessions(CLIENT)
    a.services.notes.sign(note_a, signer="thera", reason="test")
    b.services.notes.save_fields(note_b.id, {"client_account": "Fictional: B's signed words."})
    b.services.notes.sign(note_b.id, signer="therb", reason="test")
    a.sync()

    b.sync()
    b.sync()
    a.sync()

    for ws in (a, b):
        notes = ws.sessions(CLIENT)
        assert len(notes) == 2 and all(n.signed for n in notes)
        texts = sorted(ws.note_text(n.id) for n in notes)
        assert texts == ["Fictional shared draft.", "Fictional: B's signed words."]
        assert ws.status().pending == 0
    assert len([r for r in server_rows(server) if r[1] == "note"]) == 2
