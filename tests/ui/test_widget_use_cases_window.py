"""The window calls the services that took over use cases from its widgets: an integration
started from the client page links the right dosing session; a signed note shows the
intentions it reviewed, not ones set afterwards."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QLabel

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.session_editor import SessionEditor
from kapnotes.ui.workspace import Workspace


def _workspace(qtbot, services, settings) -> tuple[MainWindow, Workspace]:
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    return window, Workspace(window, services, signer_name="Dr Test Clinician")


def _course(services) -> int:
    client = services.clients.create(Client(code="KAP-612", full_name="Rowan Example"))
    return services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                          start_date=services.clock().date())).id


def test_a_new_integration_links_the_dose_before_it_not_one_written_up_ahead(
        qtbot, services, settings) -> None:
    course_id = _course(services)
    now = services.clock()
    held = services.notes.create_session(course_id=course_id, kind=SessionKind.DOSING,
                                         starts_at=now.replace(day=now.day - 1))
    services.notes.create_session(course_id=course_id, kind=SessionKind.DOSING,
                                  starts_at=now.replace(day=now.day + 7))  # ahead of time
    _, ws = _workspace(qtbot, services, settings)

    session_id = ws.new_session(course_id, "integration")

    assert session_id is not None
    assert services.notes.session(session_id).linked_dosing_id == held.id


def test_a_signed_note_shows_the_intentions_it_reviewed(qtbot, services, settings) -> None:
    course_id = _course(services)
    kind = services.intentions.add(course_id, "Be kinder to myself")
    session = services.notes.create_session(course_id=course_id, kind=SessionKind.INTEGRATION,
                                            starts_at=datetime(2026, 11, 19, 10))
    template = services.notes.template_for(session)
    services.notes.save_fields(session.id, {
        "client_account": "Fictional account.",
        "risk_review": [template.field("risk_review").options[0].id],
        "intentions_review": [{"intention_id": kind.id, "progress": 5, "note": ""}]})
    services.notes.sign(session.id, signer="Dr Test Clinician")
    services.intentions.add(course_id, "Set after the note was signed")
    window, ws = _workspace(qtbot, services, settings)

    ws.open_session(session.id)

    editor = window.current_page()
    assert isinstance(editor, SessionEditor)
    review = editor.form.editor("intentions_review")
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # rows rebuilt on load
    shown = [label.text() for label in review.findChildren(QLabel)
             if label.property("intention_id") is not None]
    assert shown == ["Be kinder to myself"]
