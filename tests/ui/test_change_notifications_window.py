"""Views follow the services' change notifications through the real window, with no signal
wired by hand between them: an open note shows intentions added in the course view, and the
client list follows signing and a session started from its planned slot."""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any

import pytest
from PySide6.QtCore import SIGNAL, Qt
from PySide6.QtWidgets import QInputDialog

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.services.clients import ClientService
from kapnotes.services.settings_service import SettingsService
from kapnotes.ui.change_signals import on_changes
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.session_editor import SessionEditor
from kapnotes.ui.workspace import Workspace

TODAY = datetime(2026, 11, 20, 9, 0)


@pytest.fixture
def window(qtbot: Any, services: Any, settings: Any, clock: Any) -> tuple[MainWindow, Workspace]:
    clock.now = TODAY
    main = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(main)
    workspace = Workspace(main, services, signer_name="Dr Test Clinician")
    main.show()
    return main, workspace


def _course(services: Any) -> tuple[int, int]:
    client = services.clients.create(Client(code="KAP-610", full_name="Wren Example"))
    course = services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 2)))
    return client.id, course.id


def _review_labels(editor: SessionEditor) -> list[str]:
    review = editor.form.editor("intentions_review")
    return [controls[0].text() for controls in review.rows]


def test_an_open_note_shows_an_intention_added_in_the_course_view(
        qtbot: Any, services: Any, window: tuple[MainWindow, Workspace],
        monkeypatch: pytest.MonkeyPatch) -> None:
    main, ws = window
    client_id, course_id = _course(services)
    prep = services.notes.create_session(course_id=course_id, kind=SessionKind.PREPARATION,
                                         starts_at=datetime(2026, 11, 3, 10, 0))
    services.notes.save_fields(prep.id, {"intentions": ["Walk each morning"]})
    integration = services.notes.create_session(
        course_id=course_id, kind=SessionKind.INTEGRATION, starts_at=TODAY)
    # The course view's Intentions tab is where intentions are added between notes.
    ws.open_client(client_id, course_id=course_id)
    sections = ws.client_view.sections
    sections.setCurrentWidget(sections.intentions_tab)
    ws.open_session(integration.id)
    editor = ws.editor
    assert _review_labels(editor) == ["Walk each morning"]

    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: ("Call my sister weekly", True)))
    sections.intentions.buttons["add"].click()

    assert ws.editor is editor and main.current_page() is editor  # not reopened
    assert _review_labels(editor) == ["Walk each morning", "Call my sister weekly"]
    # A revision elsewhere shows too; what was typed in the open note stays.
    review = editor.form.editor("intentions_review")
    qtbot.keyClicks(review.rows[0][2], "Walked most days")
    walk = services.intentions.active(course_id)[0]
    services.intentions.revise(walk.id, "Walk most mornings")
    assert "Walk each morning" in _review_labels(editor)  # reviewed here: its row keeps
    assert [c[2].text() for c in review.rows if c[0].text() == "Walk each morning"] == [
        "Walked most days"]


def test_signing_refreshes_the_client_list_through_the_notification(
        qtbot: Any, services: Any, window: tuple[MainWindow, Workspace]) -> None:
    _main, ws = window
    client_id, course_id = _course(services)
    session_id = services.notes.create_session(course_id=course_id,
                                               kind=SessionKind.INTEGRATION, starts_at=TODAY).id
    risk = services.notes.template_for(services.notes.session(session_id)).field("risk_review")
    services.notes.save_fields(session_id, {"client_account": "Fictional account.",
                                            "risk_review": [risk.options[0].id]})
    ws.open_client(client_id, course_id=course_id)
    ws.open_session(session_id)
    editor = ws.editor
    # Nothing is wired by hand from the editor to the list any more.
    assert editor.receivers(SIGNAL("signed(int)")) == 0
    assert editor.receivers(SIGNAL("details_saved(int)")) == 0
    editor.request_sign()
    assert editor.sign_dialog.sign_button.isEnabled(), editor.sign_dialog.missing
    with qtbot.waitSignal(ws.client_list.model.modelReset, timeout=2000):
        qtbot.mouseClick(editor.sign_dialog.sign_button, Qt.MouseButton.LeftButton)
    assert services.notes.session(session_id).signed


def test_starting_a_planned_session_moves_next_planned_in_the_list(
        qtbot: Any, services: Any, window: tuple[MainWindow, Workspace]) -> None:
    _main, ws = window
    client = services.clients.create(Client(code="KAP-611", full_name="Ash Example"))
    ws.open_client(client.id)
    dialog = ws.client_view.new_course()
    dialog.protocol_combo.setCurrentIndex(dialog.protocol_combo.findData("kap_sublingual_im"))
    with qtbot.waitSignal(dialog.saved, timeout=2000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    model = ws.client_list.model

    def next_planned() -> tuple[object, object]:
        row = model.row_at(model.row_of(client.id))
        return row.next_planned, row.next_planned_kind

    first = next_planned()
    assert first[0] is not None  # the new course's first slot, shown without a manual refresh
    course_id = services.courses.for_client(client.id)[0].id
    entry = services.courses.timeline(course_id).entries[0]
    assert (entry.slot.planned_date, entry.slot.kind.value) == first
    ws.start_from_slot(course_id, entry.slot.id, entry.slot.kind.value)
    assert next_planned() != first  # that slot is held now: the list shows the one after


def test_the_open_theme_frequency_window_follows_themes_named_in_a_note(
        qtbot: Any, services: Any, window: tuple[MainWindow, Workspace]) -> None:
    _main, ws = window
    _client_id, course_id = _course(services)
    integration = services.notes.create_session(
        course_id=course_id, kind=SessionKind.INTEGRATION, starts_at=TODAY)
    dialog = ws.open_theme_frequency()
    qtbot.waitUntil(dialog.isVisible, timeout=2000)

    def names() -> list[str]:
        model = dialog.view.model
        return [model.index(r, 0).data() for r in range(model.rowCount())]

    assert "Falling leaves" not in names()
    ws.open_session(integration.id)  # the dialog is non-modal: the note is written beside it
    themes = ws.editor.form.editor("themes")
    themes.add_row_and_focus()
    qtbot.keyClicks(themes.rows[0][0], "Falling leaves")
    assert ws.editor.flush()
    assert "Falling leaves" in names()


def test_an_open_dosing_record_follows_a_screen_saved_elsewhere(
        qtbot: Any, services: Any, window: tuple[MainWindow, Workspace]) -> None:
    _main, ws = window
    client_id, course_id = _course(services)
    ws.open_client(client_id, course_id=course_id)
    ws.new_session(course_id, "dosing")
    panel = ws.editor.dosing.panel
    assert "No contraindication screen" in panel.ack_banner.warnings.text()
    # Screened on the client's page (or by the CLI) while the dosing record is open.
    screen = Screen(TODAY.date(), tuple(ScreenAnswer(i, Answer.NO) for i in ScreenItem),
                    medicines=("lithium",))
    services.monitoring.save_screen(client_id, screen, screened_by="Dr Test")
    assert "No contraindication screen" not in panel.ack_banner.warnings.text()


def test_a_write_on_a_worker_thread_reaches_the_views_on_the_gui_thread(
        qtbot: Any, services: Any, window: tuple[MainWindow, Workspace]) -> None:
    """A second connection (as background work uses) announces to the same views, and Qt
    delivers the change on the GUI thread."""
    _main, ws = window
    sibling = services.vault.sibling()
    heard: list[tuple[object, bool]] = []
    on_changes(services, ws.client_list, lambda c: heard.append(
        (c.kinds, threading.current_thread() is threading.main_thread())))
    worker = threading.Thread(target=lambda: ClientService(sibling).create(
        Client(code="KAP-612", full_name="Kai Example")))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(heard), timeout=2000)
    assert heard == [({"clients"}, True)]
    assert ws.client_list.model.row_of(services.clients.by_code("KAP-612").id) is not None
    sibling.close()


def test_the_client_page_behind_a_note_refreshes_once_when_shown_again(
        qtbot: Any, services: Any, window: tuple[MainWindow, Workspace],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Changes made while a note is in front mark the client page stale instead of
    reloading a page nobody sees; coming back reloads it once, not twice."""
    _main, ws = window
    client_id, course_id = _course(services)
    ws.open_client(client_id, course_id=course_id)
    view = ws.client_view
    shown: list[int] = []
    real = view.header.show_client
    monkeypatch.setattr(view.header, "show_client",
                        lambda *a, **k: (shown.append(1), real(*a, **k))[1])
    services.notes.create_session(course_id=course_id, kind=SessionKind.INTEGRATION,
                                  starts_at=TODAY)
    assert shown == [1]  # on screen: reloaded at once
    integration = services.notes.sessions_for_course(course_id)[-1].id
    ws.open_session(integration)
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=TODAY.date(),
                            total=9)
    services.intentions.add(course_id, "Sleep before midnight")
    assert shown == [1]  # behind the note: only marked stale
    qtbot.mouseClick(ws.editor.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _main.current_page() is view, timeout=2000)
    qtbot.wait(50)  # a deferred refresh, were one due, would have run by now
    assert shown == [1, 1]  # back on screen: reloaded once, with what changed meanwhile
    sections = view.sections
    assert sections.tabText(sections.indexOf(sections.intentions_tab)) == "Intentions (1)"
    assert sections.tabText(sections.indexOf(sections.outcomes_tab)).startswith("Outcomes (1)")


def test_search_reopened_after_notes_were_written_shows_them(
        qtbot: Any, services: Any, window: tuple[MainWindow, Workspace]) -> None:
    """Open, the results stay as read (a note typed beside them does not reshuffle them);
    closed and opened again, the search is run again over what was written meanwhile."""
    _main, ws = window
    _client_id, course_id = _course(services)
    first = services.notes.create_session(course_id=course_id, kind=SessionKind.PREPARATION,
                                          starts_at=datetime(2026, 11, 3, 10, 0))
    services.notes.save_fields(first.id, {"reasons": "Feels numb most days"})
    dialog = ws.open_search()
    dialog.set_query("numb")
    assert len(dialog.hits) == 1
    second = services.notes.create_session(course_id=course_id, kind=SessionKind.INTEGRATION,
                                           starts_at=TODAY)
    services.notes.save_fields(second.id, {"client_account": "Less numb since the dose"})
    assert len(dialog.hits) == 1  # open: left as the reader sees it
    dialog.close()
    third = services.notes.create_session(course_id=course_id, kind=SessionKind.INTEGRATION,
                                          starts_at=datetime(2026, 11, 21, 9, 0))
    services.notes.save_fields(third.id, {"client_account": "Numb feeling gone"})
    ws.open_search()
    qtbot.waitUntil(lambda: len(dialog.hits) == 3, timeout=2000)


def test_an_open_dosing_record_takes_new_vitals_thresholds_at_once(
        qtbot: Any, services: Any, window: tuple[MainWindow, Workspace]) -> None:
    _main, ws = window
    client_id, course_id = _course(services)
    ws.open_client(client_id, course_id=course_id)
    session_id = ws.new_session(course_id, "dosing")
    assert session_id is not None
    services.monitoring.add_reading(session_id, "extra", {"systolic": 170, "diastolic": 85},
                                    at=TODAY)
    table = ws.editor.dosing.panel.vitals.table

    def cells() -> str:
        return " ".join(table.item(r, c).text() for r in range(table.rowCount())
                        for c in range(table.columnCount()) if table.item(r, c) is not None)

    assert "ALERT" not in cells()
    # The practice tightens its alert level (Settings…, or a colleague's workstation).
    SettingsService(services.vault).save({"vitals_thresholds": {"alert_systolic_above": 160}})
    assert "ALERT: Blood pressure 170/85" in cells()


def test_a_theme_renamed_in_the_practice_window_shows_in_the_open_draft(
        qtbot: Any, services: Any, window: tuple[MainWindow, Workspace]) -> None:
    _main, ws = window
    _client_id, course_id = _course(services)
    draft = services.notes.create_session(course_id=course_id, kind=SessionKind.INTEGRATION,
                                          starts_at=TODAY)
    services.notes.save_fields(draft.id, {"themes": [{"theme": "Nature", "evidence": ""}]})
    ws.open_session(draft.id)
    first = ws.editor
    dialog = ws.open_theme_frequency()
    theme = services.themes.find("Nature")
    services.themes.rename(theme.id, "Outdoors")  # what its Rename or merge… does
    qtbot.waitUntil(lambda: ws.editor is not first, timeout=2000)
    assert ws.editor.session_id == draft.id
    assert ws.editor.form.value("themes")[0]["theme"] == "Outdoors"
    assert "Outdoors" in [dialog.view.model.index(r, 0).data()
                          for r in range(dialog.view.model.rowCount())]
    # The note's own saves of its themes are not news: no reopening while typing.
    editor = ws.editor
    editor.autosave.set_value("themes", [{"theme": "Outdoors", "evidence": "Walks daily"}])
    assert editor.flush()
    qtbot.wait(50)
    assert ws.editor is editor
