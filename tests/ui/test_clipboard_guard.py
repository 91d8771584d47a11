"""Text copied from a note leaves the clipboard after its time and on lock — but only while
the clipboard still holds exactly our text; what the user copied elsewhere is never touched."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPlainTextEdit

from kapnotes.domain.models import Client, Course
from kapnotes.ui.clipboard_guard import ClipboardGuard
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.workspace import Workspace
from kapnotes.window_run import install_lock

NOTE = "Fictional note line about the walk by the river"
USERS_OWN = "Shopping: oats, lemons"


def copy_from_editor(qtbot, text: str = NOTE) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    edit.setPlainText(text)
    edit.selectAll()
    edit.copy()
    return edit


def test_our_copy_is_cleared_after_its_time(qtbot) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()
    guard = ClipboardGuard(hold_ms=50)
    copy_from_editor(qtbot)
    assert clipboard.text() == NOTE and guard.holding
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=2000)
    assert not guard.holding
    guard.stop()


def test_content_copied_elsewhere_is_never_cleared(qtbot) -> None:
    clipboard = QGuiApplication.clipboard()
    elsewhere = [False]
    guard = ClipboardGuard(hold_ms=50, copied_here=lambda: not elsewhere[0])
    copy_from_editor(qtbot)
    assert guard.holding
    elsewhere[0] = True  # the user switched to another program and copied there
    clipboard.setText(USERS_OWN)
    assert not guard.holding
    qtbot.wait(150)  # well past the hold time
    assert clipboard.text() == USERS_OWN
    assert guard.clear_if_ours() is False  # nor on lock
    assert clipboard.text() == USERS_OWN
    guard.stop()


def test_a_copy_made_while_we_are_in_the_background_is_not_ours(qtbot) -> None:
    clipboard = QGuiApplication.clipboard()
    guard = ClipboardGuard(hold_ms=50, copied_here=lambda: False)
    clipboard.setText(USERS_OWN)
    assert not guard.holding
    assert guard.clear_if_ours() is False and clipboard.text() == USERS_OWN
    guard.stop()


def test_our_copy_goes_when_the_window_locks(qtbot, services, settings) -> None:
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    ws = Workspace(window, services, signer_name="Dr Test Clinician")
    lock = install_lock(window, ws.flush, hold_ms=60_000)
    window.show()
    client = services.clients.create(Client(code="KAP-960", full_name="Umber Example"))
    course = services.courses.create(Course(client_id=client.id, protocol="custom",
                                            start_date=services.clock().date()))
    ws.new_session(course.id, "integration")
    field = ws.editor.form.editor("client_account").edit
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClicks(field, NOTE)
    field.selectAll()
    field.copy()
    clipboard = QGuiApplication.clipboard()
    assert clipboard.text() == NOTE and lock.clipboard is not None and lock.clipboard.holding
    lock.lock()
    assert clipboard.text() == ""


def test_text_put_there_by_our_own_button_is_remembered_too(qtbot) -> None:
    clipboard = QGuiApplication.clipboard()
    guard = ClipboardGuard(hold_ms=60_000, copied_here=lambda: False)
    clipboard.setText("KAP-960")
    guard.remember("KAP-960")
    assert guard.clear_if_ours() is True and clipboard.text() == ""
    guard.stop()
