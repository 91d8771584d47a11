"""The session's event log through real widgets: Ctrl+E stamps an entry with the clock's time,
in a dosing session too (whichever tab is showing), and signing makes it read-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from note_ui_helpers import make_course, new_session
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_session_editor import fill_required, open_editor

from kapnotes.domain.models import SessionKind


@pytest.fixture
def course_id(services: Any) -> int:
    return make_course(services, name="Robin Fictional", title="Spring course")


def _press_ctrl_e(qtbot: Any, editor: Any, target: Any) -> None:
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    target.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is target)
    qtbot.keyClick(target, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_e_in_a_dosing_session_adds_an_entry_with_the_time(
        qtbot: Any, services: Any, clock: Any, course_id: int) -> None:
    session = new_session(services, course_id, kind=SessionKind.DOSING)
    clock.now = datetime(2026, 11, 20, 9, 47, 12)
    editor = open_editor(qtbot, services, session.id)
    panel = editor.event_log
    panel.kind_box.setCurrentIndex(panel.kind_box.findData("music_change"))
    panel.detail.setText("Rain sounds")
    assert editor.dosing is not None  # the monitoring record tab is in front
    with qtbot.waitSignal(panel.added):
        _press_ctrl_e(qtbot, editor, editor.dosing.tabs.tabBar())
    assert panel.rows() == [("09:47:12", "Music change", "Rain sounds")]
    assert panel.detail.text() == ""
    stored = services.events.events(session.id)
    assert [(e.kind, e.text) for e in stored] == [("music_change", "Rain sounds")]
    editor.dosing.show_note()
    editor.resize(1100, 900)
    editor.scroll_area.ensureWidgetVisible(panel)
    editor.grab().save("/tmp/i19c_event_log.png")


def test_signing_makes_the_log_read_only(qtbot: Any, services: Any, course_id: int) -> None:
    session = new_session(services, course_id)
    services.events.add(session.id, "client_spoke", text="Their garden")
    editor = open_editor(qtbot, services, session.id)
    assert editor.event_log.rows()[0][1:] == ("Client spoke of…", "Their garden")
    fill_required(editor)
    editor.request_sign()
    with qtbot.waitSignal(editor.signed):
        qtbot.mouseClick(editor.sign_dialog.sign_button, Qt.MouseButton.LeftButton)
    panel = editor.event_log
    assert not panel.add_button.isEnabled() and not panel.remove_button.isEnabled()
    panel.add_now()  # the key does nothing once signed
    assert len(services.events.events(session.id)) == 1


def test_a_dosing_session_shows_the_consents_in_force(qtbot: Any, services: Any,
                                                      course_id: int) -> None:
    session = new_session(services, course_id, kind=SessionKind.DOSING)
    client_id = services.notes.client_id_of(session.id)
    services.consents.record(client_id, "touch", signed_on=datetime(2026, 10, 1).date())
    editor = open_editor(qtbot, services, session.id)
    line = editor.consents_line
    assert "Consent to supportive touch v1 (signed 1 Oct 2026" in line.label.text()
    assert "No current KAP informed consent" in line.warning.text()
    services.consents.record(client_id, "kap_informed", signed_on=datetime(2026, 11, 1).date())
    line.refresh()
    assert "KAP informed consent v1" in line.label.text() and line.warning.isHidden()
    panel = editor.event_log
    panel.kind_box.setCurrentIndex(panel.kind_box.findData("touch"))
    panel.add_now()
    assert panel.consent_label.text().startswith("Under Consent to supportive touch v1")
    editor.dosing.show_note()
    editor.resize(1100, 700)
    editor.grab().save("/tmp/i19c_consents.png")


def test_consents_are_recorded_and_withdrawn_from_the_dosing_session(
        qtbot: Any, services: Any, course_id: int) -> None:
    session = new_session(services, course_id, kind=SessionKind.DOSING)
    editor = open_editor(qtbot, services, session.id)
    line = editor.consents_line
    assert line.label.text() == "Consents in force: none"
    qtbot.mouseClick(line.manage_button, Qt.MouseButton.LeftButton)
    dialog = line.dialog
    dialog.template_box.setCurrentIndex(dialog.template_box.findData("kap_informed"))
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.table.item(0, 0).text() == "KAP informed consent"
    assert dialog.table.item(0, 4).text() == "in force"
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
    assert "Withdrawal reason" in dialog.error.text()  # nothing typed: refused, unchanged
    dialog.reason.setText("Wishes to pause treatment")
    qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
    assert dialog.table.item(0, 4).text() == "withdrawn"
    assert dialog.table.item(0, 5).text().endswith("Wishes to pause treatment")
    dialog.grab().save("/tmp/i19c_consents_dialog.png")
    dialog.accept()
    assert line.label.text() == "Consents in force: none"
    assert "No current KAP informed consent" in line.warning.text()
