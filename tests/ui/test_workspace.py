"""End to end through the real main window: client → course → session → autosave → search."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.session_editor import SessionEditor
from kapnotes.ui.workspace import Workspace

LEFT = Qt.MouseButton.LeftButton


def make_workspace(qtbot, services, settings) -> tuple[MainWindow, Workspace]:
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    workspace = Workspace(window, services, signer_name="Dr Test Clinician")
    window.show()
    return window, workspace


def client_with_course(services, code: str, name: str, protocol: str) -> tuple[Client, Course]:
    """A fictional client with one course starting today."""
    client = services.clients.create(Client(code=code, full_name=name))
    course = services.courses.create(Course(client_id=client.id, protocol=protocol,
                                            start_date=services.clock().date()))
    return client, course


def test_a_therapist_creates_client_course_and_a_note_that_saves_itself(
    qtbot, services, settings, clock
) -> None:
    clock.now = datetime(2026, 11, 20, 9, 0)
    window, ws = make_workspace(qtbot, services, settings)
    assert window.current_page() is window.empty_state
    assert "No clients yet" in window.empty_state.title_label.text()

    # File → New client (the pane's action sits in the File menu with its shortcut).
    assert ws.client_list.new_client_action in window.file_menu.actions()
    ws.client_list.new_client_action.trigger()
    dialog = ws.client_list.dialog
    qtbot.keyClicks(dialog.code_edit, "kap-900")
    qtbot.keyClicks(dialog.full_name_edit, "Wren Example")
    with qtbot.waitSignal(dialog.saved, timeout=2000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    client = services.clients.by_code("KAP-900")
    assert client is not None
    qtbot.waitUntil(lambda: window.current_page() is ws.client_view, timeout=2000)

    course_dialog = ws.client_view.new_course()
    course_dialog.protocol_combo.setCurrentIndex(
        course_dialog.protocol_combo.findData("kap_sublingual_im"))
    with qtbot.waitSignal(course_dialog.saved, timeout=2000):
        qtbot.mouseClick(course_dialog.save_button, LEFT)
    courses = services.courses.for_client(client.id)
    assert len(courses) == 1
    timeline = services.courses.timeline(courses[0].id)
    first = timeline.entries[0]
    assert first.slot.kind is SessionKind.PREPARATION

    # Start the planned preparation session from its slot: the editor opens on it.
    ws.client_view.activate_entry(first)
    qtbot.waitUntil(lambda: isinstance(window.current_page(), SessionEditor), timeout=2000)
    editor = window.current_page()
    assert editor.session.kind is SessionKind.PREPARATION
    reasons = editor.form.editor("reasons")
    qtbot.keyClicks(reasons.edit, "Wants to feel less numb")
    # Going back flushes the note: nothing asks "save?".
    qtbot.mouseClick(editor.back_button, LEFT)
    qtbot.waitUntil(lambda: window.current_page() is ws.client_view, timeout=2000)
    session_id = services.courses.timeline(courses[0].id).entries[0].slot.session_id
    assert services.notes.note(session_id).values["reasons"] == "Wants to feel less numb"

    # Search all notes (Ctrl+Shift+F) finds it and opens the session at the hit.
    dlg = ws.open_search()
    dlg.set_query("numb")
    dlg.search_now()
    qtbot.waitUntil(lambda: bool(dlg.hits), timeout=2000)
    dlg.activate_hit(dlg.hits[0])
    qtbot.waitUntil(lambda: isinstance(window.current_page(), SessionEditor), timeout=2000)
    assert window.current_page().session_id == session_id
    # ... at the hit: the field that matched has the focus.
    hit_field = window.current_page().form.editor("reasons")
    assert window.focusWidget() in hit_field.focus_targets()  # (the search window is active)


def test_closing_the_window_flushes_the_open_note(qtbot, services, settings) -> None:
    _client, course = client_with_course(services, "KAP-901", "Quill Example", "custom")
    window, ws = make_workspace(qtbot, services, settings)
    session_id = ws.new_session(course.id, "integration")
    editor = window.current_page()
    assert editor.session_id == session_id
    qtbot.keyClicks(editor.form.editor("client_account").edit, "Typed just before closing")
    window.close()  # no wait for the autosave timer
    assert services.notes.note(session_id).values["client_account"] == (
        "Typed just before closing")


def test_one_session_of_each_kind_through_the_new_session_menu(
    qtbot, services, settings
) -> None:
    client, course = client_with_course(services, "KAP-902", "Juniper Example", "esketamine")
    window, ws = make_workspace(qtbot, services, settings)
    ws.open_client(client.id)
    typed = {SessionKind.PREPARATION: ("reasons", "Wants relief from numbness"),
             SessionKind.DOSING: ("arrival_state", "Calm, fasted, slept well"),
             SessionKind.INTEGRATION: ("client_account", "Felt held by the music")}
    for kind, (field, text) in typed.items():
        action = next(a for a in ws.client_view.new_session_menu.actions()
                      if a.text().replace("&", "").lower().startswith(kind.value))
        action.trigger()
        qtbot.waitUntil(lambda: isinstance(window.current_page(), SessionEditor), timeout=2000)
        editor = window.current_page()
        assert editor.session.kind is kind
        qtbot.keyClicks(editor.form.editor(field).edit, text)
        qtbot.mouseClick(editor.back_button, LEFT)
        qtbot.waitUntil(lambda: window.current_page() is ws.client_view, timeout=2000)
    sessions = services.notes.sessions_for_course(course.id)
    assert sorted(s.kind.value for s in sessions) == ["dosing", "integration", "preparation"]
    for s in sessions:
        field, text = typed[s.kind]
        assert services.notes.note(s.id).values[field] == text
    integration = next(s for s in sessions if s.kind is SessionKind.INTEGRATION)
    dosing = next(s for s in sessions if s.kind is SessionKind.DOSING)
    assert integration.linked_dosing_id == dosing.id  # linked to the course's latest dose


def test_the_client_page_is_built_on_first_open_and_file_new_session_follows_it(
    qtbot, services, settings
) -> None:
    from PySide6.QtGui import QKeySequence

    client, _course = client_with_course(services, "KAP-903", "Sorrel Example", "esketamine")
    window, ws = make_workspace(qtbot, services, settings)
    # Start-up shows the list and the empty state; the client page does not exist yet,
    # but File → New session… is already listed (greyed out) with its Ctrl+N.
    assert ws._client_view is None
    assert window.centre.count() == 1
    new_session = next(a for a in window.file_menu.actions() if a.text() == "New &session…")
    assert new_session.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert not new_session.isEnabled()
    assert ws._export_target() is None  # nothing to export, and no page built to find out

    ws.open_client(client.id)
    assert window.current_page() is ws.client_view
    assert ws.client_view.new_session_action is new_session  # one action, in the menu
    assert new_session.isEnabled()  # the client has an active course
    menu = ws.client_view.new_session_menu
    assert not menu.isVisible()
    new_session.trigger()  # what Ctrl+N does: the menu of session kinds pops up
    assert menu.isVisible()
    menu.hide()


def test_ctrl_n_on_a_note_goes_back_to_its_client_and_offers_the_kinds(
    qtbot, services, settings
) -> None:
    client, course = client_with_course(services, "KAP-904", "Tamsin Example", "esketamine")
    window, ws = make_workspace(qtbot, services, settings)
    # Ctrl+N comes from the active window, and the kinds menu is a popup that takes that
    # window's keyboard: wait for the activation here rather than depend on whichever window
    # (or none) an earlier test in this worker left active.
    with qtbot.waitActive(window, timeout=2000):
        window.activateWindow()
    ws.open_client(client.id)
    session_id = ws.new_session(course.id, "preparation")
    editor = window.current_page()
    assert isinstance(editor, SessionEditor) and editor.session_id == session_id
    qtbot.keyClicks(editor.form.editor("reasons").edit, "Typed before Ctrl+N")
    ws.new_session_action.trigger()
    menu = ws.client_view.new_session_menu
    try:
        assert window.current_page() is ws.client_view  # the note was left (and saved) first
        assert services.notes.note(session_id).values["reasons"] == "Typed before Ctrl+N"
        # The kinds, over the page they belong to, holding the keyboard (the popup is shown
        # through the window system: wait for the state, not for a time).
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is menu, timeout=2000)
        assert menu.isVisible()
        assert [a.text() for a in menu.actions()] == [kind.label for kind in SessionKind]
    finally:  # never leave a popup open for the next test in this process
        menu.hide()
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=2000)


def test_a_restore_leaves_one_new_session_action(qtbot, services, settings) -> None:
    window, ws = make_workspace(qtbot, services, settings)
    ws.teardown()
    Workspace(window, services, signer_name="Dr Test Clinician")
    qtbot.waitUntil(lambda: len([a for a in window.findChildren(type(ws.new_session_action))
                                 if a.text() == "New &session…"]) == 1, timeout=2000)
    assert [a.text() for a in window.file_menu.actions()].count("New &session…") == 1


def test_a_note_that_cannot_be_opened_leaves_no_page_behind(qtbot, services, settings) -> None:
    """The editor is built inside the window's centre: a note gone meanwhile (deleted on
    another workstation, say) raises as before and leaves no half-built page in the window."""
    window, ws = make_workspace(qtbot, services, settings)
    _client, course = client_with_course(services, "KAP-905", "Ash Example", "kap_sublingual_im")
    session = services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                            starts_at=datetime(2026, 11, 20, 9, 30))
    services.notes.delete_draft(session.id, reason="A fictional duplicate")
    with pytest.raises(KapNotesError):
        ws.open_session(session.id)
    assert window.centre.findChildren(SessionEditor) == []
    assert ws.editor is None
