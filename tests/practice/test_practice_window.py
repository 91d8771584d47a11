"""File → Practice in the window, with real widgets (offscreen) and a real practice server:
join from the menu, what a solo vault shows, a refused code shown in the dialog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from kapnotes.practice import admin
from kapnotes.services import practice_link
from kapnotes.services.vault_access import Vault
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.practice_menu import SYNC_SHORTCUT, PracticeMenu
from tests.practice.practice_helpers import unique_login


@pytest.fixture
def window(qtbot, open_vault: Vault, tmp_path: Path) -> MainWindow:
    win = MainWindow(open_vault, settings=QSettings(str(tmp_path / "ui.ini"),
                                                    QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    return win


def _menu_texts(practice: PracticeMenu) -> list[str]:
    return [a.text() for a in practice.window.practice_menu.actions() if a.isVisible()]


def test_a_solo_vault_shows_only_join_and_no_status_line(qtbot, window: MainWindow) -> None:
    practice = PracticeMenu(window)
    window.show()
    assert _menu_texts(practice) == ["&Join practice server…"]
    assert not practice.status_label.isVisible()
    assert not practice.runner.active
    assert window.practice_menu.title() == "Prac&tice"
    assert window.practice_menu.menuAction() in window.file_menu.actions()


def test_join_from_the_menu_links_the_vault_and_shows_sync(qtbot, window: MainWindow,
                                                          practice_schema_dsn: str) -> None:
    login = unique_login("ther")
    code = admin.add_clinician(practice_schema_dsn, login, "therapist")
    practice = PracticeMenu(window)
    window.show()
    practice.join_action.trigger()
    dialog = practice.join_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.focusWidget() is dialog.dsn_edit
    qtbot.keyClicks(dialog.dsn_edit, practice_schema_dsn)
    qtbot.keyClicks(dialog.login_edit, login)
    qtbot.keyClicks(dialog.code_edit, code)
    with qtbot.waitSignal(dialog.joined, timeout=30_000) as joined:
        qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)  # Enter joins: the default button
    assert joined.args == [login]
    link = practice_link.linked(window.vault)
    assert link is not None and link.login == login
    assert _menu_texts(practice) == ["&Sync now", "&Conflicts and field reviews…",
                                     "&Audit from other workstations…",
                                     "&Leave practice server…"]
    assert practice.sync_action.shortcut().toString() == SYNC_SHORTCUT
    assert practice.runner.active
    qtbot.waitUntil(lambda: not practice.runner.running, timeout=30_000)
    assert practice.status_label.isVisible()
    assert re.fullmatch(r"Practice: synced \d\d:\d\d", practice.status_label.text())
    assert login in practice.status_label.toolTip()
    practice.stop()


def test_a_wrong_code_is_one_clear_line_and_the_vault_stays_solo(
        qtbot, window: MainWindow, practice_schema_dsn: str, tmp_path: Path) -> None:
    login = unique_login("nurse")
    admin.add_clinician(practice_schema_dsn, login, "nurse")
    practice = PracticeMenu(window)
    window.show()
    dialog = practice.open_join()
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text().startswith("Connection string:")
    assert dialog.focusWidget() is dialog.dsn_edit
    qtbot.keyClicks(dialog.dsn_edit, practice_schema_dsn)
    qtbot.keyClicks(dialog.login_edit, login)
    qtbot.keyClicks(dialog.code_edit, "WRONG-CODES-ABCDE-FGHJK-MNPQR")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.error_label.isVisible(), timeout=30_000)
    assert "did not accept that login and enrolment code" in dialog.error_label.text()
    assert "WRONG-CODES" not in dialog.error_label.text()
    assert dialog.isVisible() and dialog.join_button.isEnabled()
    assert practice_link.linked(window.vault) is None
    assert _menu_texts(practice) == ["&Join practice server…"]
    dialog.grab().save(str(tmp_path / "join-refused.png"))
