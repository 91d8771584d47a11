"""The window's sync, with real widgets (offscreen), two real vaults and a real practice server:
Sync now brings a colleague's work into the open window and the status line says so, the
window's own edit goes out by itself a moment later, a refusal shows in the status line and
the conflicts dialog, an open draft that lost a conflict says where its copy is, and a field
review's choice is saved and synced like any edit. All data is fictional."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from kapnotes.services.changes import SETTINGS, write
from kapnotes.storage import settings as settings_store
from kapnotes.ui.dialogs.practice_conflicts import ConflictsDialog
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.practice_menu import PracticeMenu
from kapnotes.ui.practice_notes import NOTICE
from kapnotes.ui.workspace import Workspace
from tests.practice.workstations import NOTE_TEXT, Workstation, open_workstation

CLIENT = "KAP-2101"
SYNC_MS = 30_000
QUIET = 3_600_000  # no timer-driven sync unless a test asks for one



class Window:
    """A workstation's main window with its workspace and File → Practice."""

    def __init__(self, qtbot: Any, ws: Workstation, tmp_path: Path, *,
                 after_write_ms: int = QUIET) -> None:
        self.qtbot = qtbot
        self.ws = ws
        self.main = MainWindow(ws.vault, settings=QSettings(
            str(tmp_path / f"{ws.name}.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(self.main)
        self.workspace = Workspace(self.main, ws.services, signer_name=ws.name)
        self.practice = PracticeMenu(self.main, workspace=lambda: self.workspace,
                                     every_ms=QUIET, after_write_ms=after_write_ms,
                                     first_sync_ms=0)
        self.main.show()
        self.idle()  # the first sync starts as the window opens

    def idle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.practice.runner.running, timeout=SYNC_MS)

    def sync_now(self) -> None:
        self.idle()
        with self.qtbot.waitSignal(self.practice.runner.finished, timeout=SYNC_MS):
            self.practice.sync_action.trigger()

    @property
    def status(self) -> str:
        label = self.practice.status_label
        assert label.isVisible()
        return label.text()

    def close(self) -> None:
        self.practice.stop()


def _codes(window: Window) -> list[str]:
    return [s.code for s in window.ws.services.clients.list()]


def test_sync_now_brings_a_colleagues_client_and_the_windows_edit_goes_out_by_itself(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    window = Window(qtbot, a, tmp_path, after_write_ms=1500)
    assert re.fullmatch(r"Practice: synced \d\d:\d\d", window.status)
    b.new_client_with_course(CLIENT)
    b.integration_note(CLIENT)
    assert b.sync().pushed >= 3

    window.sync_now()
    assert _codes(window) == [CLIENT]
    assert re.fullmatch(r"Synced: sent 0, received [1-9]\d*\.",
                        window.main.statusBar().currentMessage())
    list_model = window.workspace.client_list.model
    assert any(CLIENT in str(list_model.index(r, 0).data()) for r in range(list_model.rowCount()))
    assert re.fullmatch(r"Practice: synced \d\d:\d\d", window.status)
    [note] = a.sessions(CLIENT)
    assert a.note_text(note.id) == NOTE_TEXT

    # An edit in the window: counted at once, sent by itself a moment later (debounced).
    client = a.client(CLIENT)
    assert client is not None
    with qtbot.waitSignal(window.practice.runner.finished, timeout=SYNC_MS):
        a.services.clients.update(replace(client, phone="0400 000 123"))
        qtbot.waitUntil(lambda: "1 pending" in window.status, timeout=5_000)
    assert re.fullmatch(r"Practice: synced \d\d:\d\d", window.status)
    b.sync()
    fetched = b.client(CLIENT)
    assert fetched is not None and fetched.phone == "0400 000 123"
    window.main.statusBar().grab().save(str(tmp_path / "status-synced.png"))
    window.close()


def test_a_refused_change_shows_in_the_status_line_and_can_be_dismissed_once_read(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    window = Window(qtbot, nurse, tmp_path)
    nurse.new_client_with_course("KAP-2199")  # a nurse may not create clients on the server
    window.sync_now()
    match = re.fullmatch(r"Practice: (\d+) refused — File → Practice", window.status)
    assert match is not None
    refused = int(match.group(1))
    dialog = window.practice.open_conflicts()
    assert isinstance(dialog, ConflictsDialog)
    items = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert items and all(t.startswith("Refused · ") and "KAP-2199" in t for t in items)
    assert dialog.pages.currentWidget() is dialog.refusal_page
    assert "KAP-2199" in dialog.refusal_label.text()
    window.main.grab().save(str(tmp_path / "refused-window.png"))
    dialog.grab().save(str(tmp_path / "refusal.png"))
    qtbot.mouseClick(dialog.dismiss_button, Qt.MouseButton.LeftButton)
    assert dialog.list.count() == refused - 1
    expected = (f"Practice: {refused - 1} refused — File → Practice" if refused > 1
                else None)
    if expected is not None:
        assert window.status == expected
    else:
        assert window.status.startswith("Practice: synced")
    window.close()


def test_an_open_draft_that_lost_a_conflict_reloads_and_points_to_its_copy(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    b.new_client_with_course(CLIENT)
    note_b = b.integration_note(CLIENT, "first draft")
    b.sync()
    window = Window(qtbot, a, tmp_path)
    [note] = a.sessions(CLIENT)
    window.workspace.open_session(note.id)
    editor = window.workspace.editor
    assert editor is not None
    b.services.notes.save_fields(note_b, {"client_account": "B's words, fictional"})
    b.sync()

    field = editor.form.editor("client_account").focus_targets()[0]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "A's words, fictional")
    window.sync_now()  # the typing is saved first, sent, and loses to B's newer version

    reopened = window.workspace.editor
    assert reopened is not None and reopened.session_id == note.id
    assert reopened.form.value("client_account") == "B's words, fictional"
    focused = QApplication.focusWidget()  # typing goes on in the same field
    assert focused is not None and reopened.form.editor("client_account").isAncestorOf(focused)
    notice = window.practice.notes.notice
    assert notice is not None and notice.isVisible() and notice.label.text() == NOTICE
    assert re.fullmatch(r"Practice: synced \d\d:\d\d · 1 to review", window.status)
    reopened.grab().save(str(tmp_path / "note-conflict.png"))
    said = window.main.statusBar().currentMessage()
    assert said == ("Synced: sent 0, received 1, 1 conflict copy. The open note's conflict "
                    "copy is listed under File → Practice.")

    # The copy: read-only, copied to the clipboard, marked resolved.
    qtbot.mouseClick(notice.open_button, Qt.MouseButton.LeftButton)
    dialog = window.practice.conflicts_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.list.item(0).text().startswith(f"Conflict copy · Note\n{CLIENT} · ")
    assert dialog.conflict_text.isReadOnly()
    text = dialog.conflict_text.toPlainText()
    assert "A's words, fictional" in text and "B's words" not in text
    assert "Client's account" in text or "account" in text.lower()
    dialog.grab().save(str(tmp_path / "conflicts-dialog.png"))
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    clipboard = QGuiApplication.clipboard().text()
    assert "A's words, fictional" in clipboard
    qtbot.mouseClick(dialog.resolve_button, Qt.MouseButton.LeftButton)
    assert dialog.list.count() == 0
    assert dialog.pages.currentWidget() is dialog.empty_page
    assert re.fullmatch(r"Practice: synced \d\d:\d\d", window.status)
    assert a.status().conflicts == 0
    window.close()


def test_keep_mine_in_a_field_review_is_saved_as_an_edit_and_synced(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    b.new_client_with_course(CLIENT)
    b.sync()
    window = Window(qtbot, a, tmp_path)
    for ws, phone in ((b, "0400 000 002"), (a, "0400 000 001")):
        client = ws.client(CLIENT)
        assert client is not None
        ws.services.clients.update(replace(client, phone=phone))
    b.sync()
    window.sync_now()
    assert window.status.endswith("· 1 to review")
    assert a.client(CLIENT).phone == "0400 000 002"  # theirs, until someone chooses

    dialog = window.practice.open_conflicts()
    assert dialog.list.item(0).text().startswith(f"Field review · Phone\n{CLIENT} · ")
    assert dialog.pages.currentWidget() is dialog.review_page
    assert (dialog.mine_text.toPlainText(), dialog.theirs_text.toPlainText()) == (
        "0400 000 001", "0400 000 002")
    dialog.grab().save(str(tmp_path / "field-review.png"))
    qtbot.mouseClick(dialog.keep_mine_button, Qt.MouseButton.LeftButton)
    assert dialog.list.count() == 0
    assert a.client(CLIENT).phone == "0400 000 001"
    assert a.status().field_reviews == 0
    window.sync_now()
    b.sync()
    assert b.client(CLIENT).phone == "0400 000 001"
    window.close()


def test_sync_now_while_a_sync_runs_runs_one_more_after_never_two_at_once(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    window = Window(qtbot, a, tmp_path)
    runner = window.practice.runner
    finished: list[object] = []
    runner.finished.connect(finished.append)
    assert runner.sync_now()
    assert not runner.sync_now()  # one is running: this one waits for it
    assert runner.running
    qtbot.waitUntil(lambda: len(finished) == 2 and not runner.running, timeout=SYNC_MS)
    window.close()


def test_an_unreachable_server_shows_offline_since_and_what_waits(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    window = Window(qtbot, a, tmp_path)
    link = settings_store.get_json(a.vault, "practice.link")
    with write(a.vault, SETTINGS):  # the server moved away: nothing listens on port 1
        settings_store.set_json(a.vault, "practice.link",
                                {**link, "conninfo": link["conninfo"].replace(
                                    re.search(r"port=\d+", link["conninfo"]).group(0),
                                    "port=1")})
    a.new_client_with_course(CLIENT)
    window.sync_now()
    assert re.fullmatch(r"Practice: offline since \d\d:\d\d · 2 pending", window.status)
    assert "changes wait here" in window.practice.status_label.toolTip()
    assert window.main.statusBar().currentMessage() == (
        "The practice server cannot be reached; your changes wait in this vault.")
    assert a.client(CLIENT) is not None  # the work stays, waiting
    window.close()


def test_a_restore_holds_the_sync_until_its_dialogs_are_gone(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    window = Window(qtbot, a, tmp_path)
    runner = window.practice.runner
    window.main.restore_requested.emit()  # nothing else connected: as if cancelled at once
    assert not runner.sync_now() and not runner.running  # held: the file may be replaced
    qtbot.waitUntil(lambda: runner.sync_now(), timeout=5_000)  # released once no dialog shows
    window.idle()
    window.close()


def test_an_open_note_a_colleague_changed_shows_their_text_and_says_so(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    b.new_client_with_course(CLIENT)
    note_b = b.integration_note(CLIENT, "first draft")
    b.sync()
    window = Window(qtbot, a, tmp_path)
    [note] = a.sessions(CLIENT)
    window.workspace.open_session(note.id)
    b.services.notes.save_fields(note_b, {"client_account": "B's second thoughts, fictional"})
    b.sync()
    window.sync_now()
    editor = window.workspace.editor
    assert editor is not None and editor.session_id == note.id
    assert editor.form.value("client_account") == "B's second thoughts, fictional"
    assert window.practice.notes.notice is None  # nothing of A's was set aside
    assert window.main.statusBar().currentMessage() == (
        "Synced: sent 0, received 1. The open note was updated from another workstation.")
    window.close()


def test_the_open_note_is_not_reloaded_when_only_its_own_edits_went_out(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    window = Window(qtbot, a, tmp_path)
    note_id = a.integration_note(CLIENT, "my draft")
    window.workspace.open_session(note_id)
    editor = window.workspace.editor
    field = editor.form.editor("client_account").focus_targets()[0]
    field.setFocus()
    qtbot.keyClicks(field, ", fictional")
    window.sync_now()
    assert window.workspace.editor is editor  # the same editor: typing was never interrupted
    assert a.status().pending == 0
    window.close()
