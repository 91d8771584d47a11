"""A note open in the window when a sync removes its client from this vault (the clinician left
the client's care team, or a colleague deleted the client): the window closes the note and says
why, calmly; words typed and not yet saved stay on screen instead (issue 20). Real widgets
(offscreen), real vaults, the real server; fictional data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.practice.test_practice_window_sync import Window
from tests.practice.workstations import open_workstation

CLIENT = "KAP-3401"



def _leave_care_team(server: str, login: str) -> None:
    with psycopg.connect(server) as conn:
        conn.execute("DELETE FROM kap.care_team WHERE login = %s", (login,))


def _open_colleagues_note(qtbot: Any, server: str, tmp_path: Path) -> tuple[Any, Any, Window]:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    a.integration_note(CLIENT)
    a.sync()
    window = Window(qtbot, b, tmp_path)
    [note] = b.sessions(CLIENT)
    window.workspace.open_session(note.id)
    return a, b, window


def test_a_note_open_when_its_client_is_purged_is_closed_with_a_calm_word(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    _a, b, window = _open_colleagues_note(qtbot, server, tmp_path)
    _leave_care_team(server, b.login)
    window.sync_now()
    assert b.client(CLIENT) is None  # purged: nothing of it was only here
    assert window.workspace.editor is None
    shown = window.main.empty_state
    assert window.main.current_page() is shown
    text = f"{shown.title_label.text()} {shown.body_label.text()}"
    assert CLIENT in text and "care team" in text and "Nothing you wrote" in text
    assert "care team" in window.main.statusBar().currentMessage()
    QApplication.processEvents()
    window.main.grab().save(str(tmp_path / "purged-note-closed.png"))
    window.close()


def test_a_note_deleted_elsewhere_while_open_is_closed_and_says_where_to_look(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a, b, window = _open_colleagues_note(qtbot, server, tmp_path)
    client = a.client(CLIENT)
    assert client is not None and client.id is not None
    a.services.clients.delete(client.id, typed_code=CLIENT, why="Created twice at intake")
    a.sync()
    window.sync_now()
    assert b.client(CLIENT) is None and window.workspace.editor is None
    body = window.main.empty_state.body_label.text()
    assert "deleted on another workstation" in body and "Conflicts and field reviews" in body
    said = f"Client {CLIENT} deleted on another workstation by {a.login}: Created twice at intake."
    assert said in body and said in window.main.statusBar().currentMessage()
    QApplication.processEvents()
    window.main.grab().save(str(tmp_path / "deleted-note-closed.png"))
    window.close()


def test_words_not_yet_saved_keep_the_note_open_read_only_with_the_reason(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    _a, b, window = _open_colleagues_note(qtbot, server, tmp_path)
    editor = window.workspace.editor
    field = editor.form.editor("client_account").focus_targets()[0]
    field.setFocus()
    follower = window.practice.notes
    follower.before_sync = lambda: None  # type: ignore[method-assign]  # typed as it starts
    qtbot.keyClicks(field, " and a last thought")
    _leave_care_team(server, b.login)
    window.sync_now()
    assert b.client(CLIENT) is None
    assert window.workspace.editor is editor  # not closed: the words exist only on screen
    assert "a last thought" in editor.form.value("client_account")
    assert not editor.sign_button.isEnabled() and not editor.export_button.isEnabled()
    editor.request_sign()  # the keyboard shortcut's path: nothing to sign, nothing raised
    assert editor.sign_dialog is None
    notice = follower.removed_notice
    assert notice is not None and notice.isVisible()
    assert "copy" in notice.label.text() and "care team" in notice.label.text()
    window.sync_now()  # a later sync leaves it open while the words are copied
    assert window.workspace.editor is editor
    window.main.grab().save(str(tmp_path / "removed-note-kept-open.png"))
    qtbot.mouseClick(notice.close_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert window.workspace.editor is None
    assert "care team" in window.main.empty_state.body_label.text()
    window.close()


def test_a_client_page_open_when_its_client_is_purged_gives_way_to_the_start_page(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    _a, b, window = _open_colleagues_note(qtbot, server, tmp_path)
    client = b.client(CLIENT)
    assert client is not None and client.id is not None
    window.workspace.open_client(client.id)
    assert window.main.current_page() is window.workspace.client_view
    _leave_care_team(server, b.login)
    window.sync_now()
    QApplication.processEvents()
    assert b.client(CLIENT) is None
    assert window.main.current_page() is window.main.empty_state
    assert "care team" in window.main.empty_state.body_label.text()
    window.close()
