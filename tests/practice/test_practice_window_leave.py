"""File → Practice → Leave practice server…, through the real window (offscreen), a real
vault and a real server: the confirmation names the unsent changes; after leaving the menu
offers Join… again and the status line is gone; the records stay. Fictional data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kapnotes.practice import admin
from kapnotes.services import practice_link
from tests.practice.practice_helpers import unique_login
from tests.practice.test_practice_window_sync import Window
from tests.practice.workstations import open_workstation, server_rows

CLIENT = "KAP-2401"



def _visible(window: Window) -> list[str]:
    return [a.text() for a in window.main.practice_menu.actions() if a.isVisible()]


def _button(box: QMessageBox, role: QMessageBox.ButtonRole) -> Any:
    [button] = [b for b in box.buttons() if box.buttonRole(b) == role]
    return button


def test_leaving_from_the_menu_names_the_unsent_changes_and_keeps_the_records(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    window = Window(qtbot, a, tmp_path)
    a.new_client_with_course(CLIENT)
    window.sync_now()
    note = a.integration_note(CLIENT, "not sent yet, fictional")
    pending = a.status().pending
    assert pending > 0
    assert "&Leave practice server…" in _visible(window)
    assert window.practice.status_label.isVisible()

    # Cancel (the default and Escape button) changes nothing.
    box = window.practice.ask_to_leave()
    assert box is not None and box.isVisible()
    assert f"{pending} change" in box.informativeText()
    assert box.defaultButton() is box.escapeButton()
    qtbot.mouseClick(box.escapeButton(), Qt.MouseButton.LeftButton)
    assert practice_link.linked(a.vault) is not None and a.status().pending == pending

    window.practice.leave_action.trigger()
    box = window.practice.leave_box
    assert box is not None and box.isVisible()
    confirm = _button(box, QMessageBox.ButtonRole.DestructiveRole)
    assert str(pending) in confirm.text()
    box.grab().save("/tmp/s20g/leave_question.png")
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)

    assert practice_link.linked(a.vault) is None
    assert _visible(window) == ["&Join practice server…"]
    assert not window.practice.status_label.isVisible()
    assert not window.practice.runner.active
    assert a.note_text(note) == "not sent yet, fictional"  # the record stays
    assert "Left the practice server" in window.main.statusBar().currentMessage()
    window.main.grab().save("/tmp/s20g/after_leave.png")
    window.close()


def test_after_leaving_the_window_joins_again_with_a_new_code(
        qtbot: Any, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    window = Window(qtbot, a, tmp_path)
    a.new_client_with_course(CLIENT)
    a.integration_note(CLIENT, "shared before leaving, fictional")
    window.sync_now()
    rows = [r for r in server_rows(server) if r[0] == CLIENT]
    box = window.practice.ask_to_leave()
    assert box is not None and str(a.status().pending) == "0"
    qtbot.mouseClick(_button(box, QMessageBox.ButtonRole.DestructiveRole),
                     Qt.MouseButton.LeftButton)
    assert _visible(window) == ["&Join practice server…"]

    login = unique_login("therc")
    code = admin.add_clinician(server, login, "therapist")
    admin.assign(server, CLIENT, login)
    dialog = window.practice.open_join()
    qtbot.keyClicks(dialog.dsn_edit, server)
    qtbot.keyClicks(dialog.login_edit, login)
    qtbot.keyClicks(dialog.code_edit, code)
    with qtbot.waitSignal(dialog.joined, timeout=30_000):
        qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    assert "&Leave practice server…" in _visible(window)
    window.idle()
    window.sync_now()
    assert window.status.startswith("Practice: synced")
    assert len(a.sessions(CLIENT)) == 1  # its own note pulled again is not a second note
    assert len([r for r in server_rows(server) if r[0] == CLIENT]) == len(rows)
    assert int(a.vault.query_one("SELECT count(*) FROM sync_conflicts")[0]) == 0
    window.close()
