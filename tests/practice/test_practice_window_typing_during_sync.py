"""Typing in the open note while a sync brings another workstation's version of that same
note: neither text may vanish without a conflict copy (docs/PRACTICE-SERVER.md, "Conflicts,
field reviews and refusals"). Real widgets (offscreen), two real vaults, a real server;
fictional data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.practice.test_practice_window_sync import Window
from tests.practice.workstations import open_workstation

CLIENT = "KAP-2101"
THEIRS = "B's second thoughts, fictional"



def _all_text(ws: Any, note_id: int) -> str:
    copies = " ".join(str(r[0]) for r in ws.vault.query("SELECT payload FROM sync_conflicts"))
    return ws.note_text(note_id) + " " + copies


def test_words_typed_while_a_sync_brings_a_colleagues_version_are_not_lost_either_way(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    b.new_client_with_course(CLIENT)
    note_b = b.integration_note(CLIENT, "first draft")
    b.sync()
    window = Window(qtbot, a, tmp_path)
    [note] = a.sessions(CLIENT)
    window.workspace.open_session(note.id)
    b.services.notes.save_fields(note_b, {"client_account": THEIRS})
    b.sync()
    editor = window.workspace.editor
    field = editor.form.editor("client_account").focus_targets()[0]
    follower = window.practice.notes
    saved_first = follower.before_sync

    def type_as_the_sync_starts() -> None:
        saved_first()  # what was typed before is saved and goes out
        field.setFocus()
        qtbot.keyClicks(field, " and A's own words")  # typed while the sync runs

    follower.before_sync = type_as_the_sync_starts  # type: ignore[method-assign]
    window.sync_now()
    follower.before_sync = saved_first  # type: ignore[method-assign]
    window.workspace.flush()
    window.sync_now()
    b.sync()

    # Both texts still exist somewhere a person can find them, on both workstations' side.
    on_a = _all_text(a, note.id)
    assert THEIRS in on_a + " " + _all_text(b, note_b)
    assert "A's own words" in on_a + " " + b.note_text(note_b)
    # As a stale push would: the newer version is the note, A's typing is A's conflict copy,
    # and the open note shows the newer text with the notice saying where the copy is.
    assert a.note_text(note.id) == THEIRS == b.note_text(note_b)
    [copy] = [str(r[0]) for r in a.vault.query("SELECT payload FROM sync_conflicts")]
    assert "A's own words" in copy
    reopened = window.workspace.editor
    assert reopened is not None and reopened.form.value("client_account") == THEIRS
    assert window.practice.notes.notice is not None
    assert a.status().pending == 0
    window.close()


def test_a_save_based_on_an_older_version_keeps_the_typing_as_a_conflict_copy(
        server: str, tmp_path: Path) -> None:
    """The service path under the editor: `save_fields(based_on=…)` in a joined vault."""
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    b.new_client_with_course(CLIENT)
    note_b = b.integration_note(CLIENT, "first draft")
    b.sync()
    a.sync()
    [note] = a.sessions(CLIENT)
    loaded = a.services.notes.note(note.id).values  # what an editor opened with
    b.services.notes.save_fields(note_b, {"client_account": THEIRS})
    b.sync()
    a.sync()  # B's version arrives while A's typing waits

    saved = a.services.notes.save_fields(
        note.id, {"client_account": "first draft, and A's own words",
                  "insights": "Fictional insight."}, based_on=loaded)

    assert saved.kept_aside == ("client_account",)
    assert a.note_text(note.id) == THEIRS
    assert a.services.notes.note(note.id).values["insights"] == (
        "Fictional insight.")  # a field nobody else changed is saved as usual
    [copy] = [str(r[0]) for r in a.vault.query("SELECT payload FROM sync_conflicts")]
    assert "A's own words" in copy and THEIRS not in copy
    assert "A's own words" not in " ".join(
        str(r[0]) for r in a.vault.query("SELECT detail FROM audit_log"))


def test_signing_waits_when_the_words_on_screen_were_kept_aside(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    """Sign what is on screen: when the save before signing finds the note changed elsewhere
    (the sync applied it, its end not yet reported), the words go to a conflict copy and the
    sign dialog does not open over text that is no longer the note's."""
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    b.new_client_with_course(CLIENT)
    note_b = b.integration_note(CLIENT, "first draft")
    b.sync()
    window = Window(qtbot, a, tmp_path)
    [note] = a.sessions(CLIENT)
    window.workspace.open_session(note.id)
    editor = window.workspace.editor
    field = editor.form.editor("client_account").focus_targets()[0]
    field.setFocus()
    qtbot.keyClicks(field, " and A's own words")
    b.services.notes.save_fields(note_b, {"client_account": THEIRS})
    b.sync()
    a.sync()  # applied underneath the open editor (as the worker's thread does)
    states: list[str] = []
    editor.state_changed.connect(states.append)

    editor.request_sign()

    assert editor.sign_dialog is None
    assert not a.services.notes.note(note.id).session.signed
    assert a.note_text(note.id) == THEIRS
    assert any("another workstation" in s for s in states)
    [copy] = [str(r[0]) for r in a.vault.query("SELECT payload FROM sync_conflicts")]
    assert "A's own words" in copy
    window.close()
