"""Keyboard and flow: arrow keys choose a radio answer, a note goes back to its client by
keyboard, the measure dialog starts where the course is."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.screening import ScreenItem
from kapnotes.ui.dialogs.measure_dialog import MeasureDialog
from kapnotes.ui.dialogs.screening_dialog import ScreeningDialog
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.session_editor import SessionEditor
from kapnotes.ui.workspace import Workspace


@pytest.fixture
def course(services) -> tuple[int, int]:
    client = services.clients.create(Client(code="KAP-710", full_name="Sage Example"))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 11, 2)))
    return int(client.id), int(course.id)


def _session(services, course_id: int, kind: SessionKind, day: date) -> int:
    return int(services.notes.create_session(
        course_id=course_id, kind=kind, starts_at=datetime.combine(day, datetime.min.time())
        .replace(hour=10), clinician="Dr Example").id)


def test_arrow_keys_choose_the_consent_answer(qtbot, services, course) -> None:
    _, course_id = course
    sid = _session(services, course_id, SessionKind.PREPARATION, date(2026, 11, 10))
    editor = SessionEditor(services, sid)
    qtbot.addWidget(editor)
    editor.show()
    consent = editor.form.editor("supportive_touch")
    first = consent.group.buttons()[0]
    first.setFocus()
    QTest.keyClick(first, Qt.Key.Key_Right)  # nothing chosen yet: the arrow must choose
    assert consent.get_value() == consent.field.options[1].id
    QTest.keyClick(consent.group.buttons()[1], Qt.Key.Key_Left)
    assert consent.get_value() == consent.field.options[0].id
    editor.flush()
    assert services.notes.note(sid).values["supportive_touch"] == consent.field.options[0].id


def test_arrow_keys_choose_a_screening_answer(qtbot, services, course) -> None:
    client_id, _ = course
    dlg = ScreeningDialog(services.monitoring, client_id)
    qtbot.addWidget(dlg)
    dlg.show()
    yes = dlg.groups[ScreenItem.PREGNANCY].buttons()[0]
    yes.setFocus()
    QTest.keyClick(yes, Qt.Key.Key_Right)
    assert dlg.groups[ScreenItem.PREGNANCY].checkedButton() is not None


@pytest.mark.parametrize("keys", ["Alt+Left", "Esc", "Ctrl+["])
def test_a_note_goes_back_to_its_client_by_keyboard(qtbot, services, settings, course,
                                                    keys: str) -> None:
    client_id, course_id = course
    sid = _session(services, course_id, SessionKind.PREPARATION, date(2026, 11, 10))
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    ws = Workspace(window, services, signer_name="Dr Example")
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window, timeout=2000):  # shortcuts need the active window
        window.activateWindow()
    ws.open_session(sid)
    editor = window.current_page()
    assert isinstance(editor, SessionEditor)
    reasons = editor.form.editor("reasons").edit
    reasons.setFocus()
    qtbot.keyClicks(reasons, "Wants to sleep again")
    sequence = QKeySequence(keys)[0]
    QTest.keyClick(reasons, sequence.key(), sequence.keyboardModifiers())
    qtbot.waitUntil(lambda: window.current_page() is ws.client_view, timeout=2000)
    assert ws.client_view.client_id == client_id
    assert services.notes.note(sid).values["reasons"] == "Wants to sleep again"


def test_the_measure_dialog_starts_on_the_scale_the_course_expects(qtbot, services,
                                                                   course) -> None:
    client_id, course_id = course
    dose = _session(services, course_id, SessionKind.DOSING, date(2026, 11, 12))
    integration = _session(services, course_id, SessionKind.INTEGRATION, date(2026, 11, 13))
    unlinked = MeasureDialog(services, client_id)
    qtbot.addWidget(unlinked)
    assert unlinked.scale.id == "phq9"  # the course's outcome measure, not CADSS

    # Linked to the dose: dissociation first, dated the day of the dose.
    unlinked.session_combo.setCurrentIndex(unlinked.session_combo.findData(dose))
    assert unlinked.scale.id == "cadss"
    assert unlinked.date_edit.date().toPython() == date(2026, 11, 12)
    services.measures.enter(client_id=client_id, scale_id="cadss", taken_on=date(2026, 11, 12),
                            session_id=dose, total=12)
    again = MeasureDialog(services, client_id, session_id=dose)
    qtbot.addWidget(again)
    assert again.scale.id == "phq9"  # CADSS is in for this dose: the next one
    assert again.date_edit.date().toPython() == date(2026, 11, 12)

    # A scale the user picked stays when the session changes; the date still follows.
    again.scale_combo.setCurrentIndex(again.scale_combo.findData("gad7"))
    again.scale_combo.activated.emit(again.scale_combo.currentIndex())
    again.session_combo.setCurrentIndex(again.session_combo.findData(integration))
    assert again.scale.id == "gad7"
    assert again.date_edit.date().toPython() == date(2026, 11, 13)


def test_from_the_client_filter_to_a_started_session_by_keyboard(qtbot, services, settings,
                                                                 course, clock) -> None:
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    ws = Workspace(window, services, signer_name="Dr Example")
    window.show()
    with qtbot.waitActive(window, timeout=2000):
        window.activateWindow()
    ws.client_list.filter_action.trigger()  # Ctrl+F
    qtbot.keyClicks(ws.client_list.filter_edit, "Sage")
    QTest.keyClick(ws.client_list.filter_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page() is ws.client_view, timeout=2000)
    timeline = ws.client_view.timeline_view
    assert timeline.hasFocus() and timeline.current_entry() is not None
    chosen = timeline.current_entry()
    QTest.keyClick(timeline, Qt.Key.Key_Return)  # Enter starts the chosen slot
    qtbot.waitUntil(lambda: isinstance(window.current_page(), SessionEditor), timeout=2000)
    assert window.current_page().session.kind is chosen.slot.kind


@pytest.mark.parametrize("kind", [SessionKind.DOSING, SessionKind.INTEGRATION])
def test_a_note_just_opened_goes_back_by_keyboard_without_a_click(qtbot, services, settings,
                                                                  course, kind) -> None:
    client_id, course_id = course
    sid = _session(services, course_id, kind, date(2026, 11, 12))
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    ws = Workspace(window, services, signer_name="Dr Example")
    window.show()
    with qtbot.waitActive(window, timeout=2000):
        window.activateWindow()
    ws.open_client(client_id)
    ws.open_session(sid)
    editor = window.current_page()
    qtbot.waitUntil(lambda: editor.isAncestorOf(QApplication.focusWidget()), timeout=2000)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.current_page() is ws.client_view, timeout=2000)
