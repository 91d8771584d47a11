"""Dosing monitoring, intentions, themes and measures as a therapist reaches them: through the
real main window and workspace, over a real vault with a hand-moved clock."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.ui.client_view import ClientView
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.session_editor import SessionEditor
from kapnotes.ui.widgets.course_sessions import FLAGS
from kapnotes.ui.widgets.timeline import TimelineModel
from kapnotes.ui.workspace import Workspace

LEFT = Qt.MouseButton.LeftButton
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
TODAY = datetime(2026, 11, 20, 9, 0)  # a Friday: the course's first dose is planned today


@pytest.fixture
def course(services, clock):
    clock.now = TODAY
    client = services.clients.create(Client(code="KAP-610", full_name="Sol Example",
                                            preferred_name="Sol"))
    return services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                          start_date=TODAY.date(),
                                          maintenance_interval_weeks=1))


def workspace(qtbot, services, settings) -> tuple[MainWindow, Workspace]:
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    ws = Workspace(window, services, signer_name="Dr Test Clinician")
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window, ws


def clean_screen(services, client_id: int) -> None:
    answers = tuple(ScreenAnswer(item, Answer.NO) for item in ScreenItem)
    services.monitoring.save_screen(client_id, Screen(screened_on=TODAY.date(), answers=answers),
                                    screened_by="Dr Test Clinician")


def slot(services, course_id: int, kind: SessionKind):
    return next(e.slot for e in services.courses.timeline(course_id).entries
                if e.slot.kind is kind)


def test_dosing_opens_on_the_monitoring_record_and_an_alert_marks_the_course(
    qtbot, services, settings, clock, course
) -> None:
    clean_screen(services, course.client_id)
    window, ws = workspace(qtbot, services, settings)
    ws.open_client(course.client_id)
    dose_slot = slot(services, course.id, SessionKind.DOSING)
    session_id = ws.start_from_slot(course.id, dose_slot.id, "dosing")
    editor = window.current_page()
    assert isinstance(editor, SessionEditor) and editor.session_id == session_id

    # Pre-dose checklist first: the monitoring record is the page in front.
    panel = editor.dosing.panel
    assert editor.dosing.tabs.currentWidget() is panel and panel.isVisible()
    assert editor.dosing.tabs.tabText(1) == "Note"
    assert panel.checks["fasting_food"].isVisible() and panel.recording_enabled
    with qtbot.waitActive(window, timeout=2000):
        window.activateWindow()

    # A 40-minute reading above 180/110, typed and added with the one shortcut.
    for field, text in zip(("systolic", "diastolic", "heart_rate", "spo2"),
                           ("185", "115", "88", "97"), strict=True):
        qtbot.keyClicks(panel.vitals.edits[field], text)
    qtbot.keyClick(panel.vitals.edits["spo2"], Qt.Key.Key_V, CTRL_SHIFT)
    assert len(services.monitoring.readings(session_id)) == 1
    assert editor.dosing.tabs.tabText(0).endswith("⚠")

    # Typed interventions are stored when the therapist goes back (no "save?").
    qtbot.keyClicks(panel.interventions, "Reassurance; BP rechecked")
    qtbot.mouseClick(editor.back_button, LEFT)
    qtbot.waitUntil(lambda: window.current_page() is ws.client_view, timeout=2000)
    assert services.monitoring.details(session_id).interventions == "Reassurance; BP rechecked"

    view = ws.client_view
    row = next(view.sessions_list.topLevelItem(i)
               for i in range(view.sessions_list.topLevelItemCount())
               if view.sessions_list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1)
               == session_id)
    assert row.text(FLAGS) == "⚠ alert"
    assert "185/115" in row.toolTip(FLAGS)
    model = view.timeline_view.timeline_model
    done = next(r for r in range(model.rowCount())
                if model.entry(r).state.held is not None)
    assert model.data(model.index(done, TimelineModel.DETAIL)).startswith("⚠ alert")
    assert "185/115" in model.data(model.index(done, TimelineModel.DETAIL),
                                   Qt.ItemDataRole.ToolTipRole)
    # The Vitals tab says so too, and charts the reading.
    assert view.sections.tabText(view.sections.indexOf(view.sections.vitals_tab)) == "Vitals ⚠"
    assert "185/115" in view.sections.alerts_label.text()
    view.sections.setCurrentWidget(view.sections.vitals_tab)  # filled when shown
    assert view.sections.vitals.summary() == "1 reading over 1 dosing session."


def test_vitals_shortcut_on_the_note_page_brings_the_monitoring_record_forward(
    qtbot, services, settings, course
) -> None:
    clean_screen(services, course.client_id)
    window, ws = workspace(qtbot, services, settings)
    session_id = ws.new_session(course.id, "dosing")
    editor = ws.editor
    editor.dosing.show_note()
    assert editor.dosing.note_clock.isVisible()
    box = editor.form.editor("arrival_state").edit
    with qtbot.waitActive(window, timeout=2000):
        window.activateWindow()
    box.setFocus()
    qtbot.waitUntil(lambda: box.hasFocus(), timeout=2000)
    qtbot.keyClick(box, Qt.Key.Key_V, CTRL_SHIFT)
    assert editor.dosing.tabs.currentWidget() is editor.dosing.panel
    qtbot.waitUntil(lambda: editor.dosing.panel.vitals.edits["systolic"].hasFocus(),
                    timeout=2000)
    assert services.notes.session(session_id).kind is SessionKind.DOSING


def test_signing_a_dosing_note_makes_the_monitoring_record_read_only(
    qtbot, services, settings, course
) -> None:
    clean_screen(services, course.client_id)
    _window, ws = workspace(qtbot, services, settings)
    ws.new_session(course.id, "dosing")
    editor = ws.editor
    for field in editor.template.fields:
        if field.required:
            editor.form.editor(field.id).edit.setPlainText("Fictional text")
    editor.request_sign()
    dialog = editor.sign_dialog
    assert "monitoring" in dialog.blockers_label.text().lower()  # the record is empty
    qtbot.keyClicks(dialog.reason_edit, "Fictional test: record left empty on purpose")
    dialog.sign_button.click()
    assert editor.session.signed
    assert editor.dosing.panel.signed and not editor.dosing.panel.recording_enabled
    assert not editor.dosing.note_clock.isVisible()


def test_header_shows_screen_warnings_and_screen_opens_the_screening_dialog(
    qtbot, services, settings, course
) -> None:
    _window, ws = workspace(qtbot, services, settings)
    ws.open_client(course.client_id)
    header = ws.client_view.header
    assert "No contraindication screen recorded" in header.screening_label.text()
    qtbot.mouseClick(header.screen_button, LEFT)
    dialog = ws.client_view.dialog
    for item in ScreenItem:
        dialog.set_answer(item, Answer.NO)
    dialog.set_answer(ScreenItem.PREGNANCY, Answer.UNKNOWN, "Test result awaited")
    qtbot.keyClicks(dialog.screened_by, "Dr Test Clinician")
    with qtbot.waitSignal(dialog.saved, timeout=1000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: "Pregnancy: not known" in header.screening_label.text(),
                    timeout=2000)
    assert "No contraindication screen" not in header.screening_label.text()


def test_a_phq9_with_item_9_raises_the_risk_badge_and_marks_its_session(
    qtbot, services, settings, clock, course
) -> None:
    _window, ws = workspace(qtbot, services, settings)
    session_id = ws.new_session(course.id, "integration")
    ws.open_client(course.client_id)
    view: ClientView = ws.client_view
    assert not view.header.risk_badge.isVisible()

    view.sections.setCurrentWidget(view.sections.outcomes_tab)
    qtbot.mouseClick(view.sections.measure_button, LEFT)
    dlg = view.sections.dialog
    dlg.scale_combo.setCurrentIndex(dlg.scale_combo.findData("phq9"))
    dlg.session_combo.setCurrentIndex(dlg.session_combo.findData(session_id))
    for item_id, digit in zip("123456789", "211021001", strict=True):
        box = dlg.item_boxes[item_id]
        box.setFocus()
        qtbot.keyClicks(box, digit)
    with qtbot.waitSignal(dlg.saved, timeout=1000):
        qtbot.mouseClick(dlg.save_button, LEFT)

    qtbot.waitUntil(lambda: view.header.risk_badge.isVisible(), timeout=2000)
    assert "PHQ-9" in view.header.risk_badge.text()
    row = view.sessions_list.topLevelItem(0)
    assert row.text(FLAGS) == "⚠ risk"
    assert view.sections.outcomes.panels()[0].scale.id == "phq9"
    assert view.sections.tabText(view.sections.indexOf(view.sections.outcomes_tab)) == (
        "Outcomes (1)")


def test_course_tabs_show_intentions_themes_and_outcomes(qtbot, services, clock, course) -> None:
    prep = services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                         starts_at=datetime(2026, 11, 13, 10, 0))
    services.notes.save_fields(prep.id, {"intentions": ["Rest without guilt",
                                                        "Call my sister"]})
    integ = services.notes.create_session(course_id=course.id, kind=SessionKind.INTEGRATION,
                                          starts_at=datetime(2026, 11, 19, 10, 0))
    services.notes.save_fields(integ.id, {"themes": [
        {"theme": "Belonging", "evidence": "Spoke of the choir"}]})
    for day, total in ((date(2026, 11, 12), 16), (date(2026, 11, 19), 9)):
        services.measures.enter(client_id=course.client_id, scale_id="gad7", taken_on=day,
                                total=total)
    view = ClientView(services)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.set_client(course.client_id)
    s = view.sections
    # Titles count before a tab is shown; its table fills when it is.
    assert s.tabText(s.indexOf(s.intentions_tab)) == "Intentions (2)"
    assert s.tabText(s.indexOf(s.themes_tab)) == "Themes (1)"
    assert s.intentions.model.rowCount() == 0 and s.themes.model.rowCount() == 0
    s.setCurrentWidget(s.intentions_tab)
    assert s.intentions.model.rowCount() == 2
    s.setCurrentWidget(s.themes_tab)
    assert s.themes.model.rowCount() == 1
    assert [p.scale.id for p in s.outcomes.panels()] == ["gad7"]
    assert "GAD-7" in s.outcomes.describe()
    s.setCurrentWidget(s.vitals_tab)
    assert s.vitals.summary() == "No vitals recorded in this course."


def test_a_shown_tab_refills_on_reload_and_a_hidden_one_when_next_shown(
    qtbot, services, clock, course
) -> None:
    prep = services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                         starts_at=datetime(2026, 11, 13, 10, 0))
    services.notes.save_fields(prep.id, {"intentions": ["Rest without guilt"]})
    view = ClientView(services)
    qtbot.addWidget(view)
    view.show()
    view.set_client(course.client_id)
    s = view.sections
    s.setCurrentWidget(s.intentions_tab)
    assert s.intentions.model.rowCount() == 1
    s.setCurrentWidget(s.themes_tab)
    integ = services.notes.create_session(course_id=course.id, kind=SessionKind.INTEGRATION,
                                          starts_at=datetime(2026, 11, 19, 10, 0))
    services.notes.save_fields(integ.id, {"themes": [{"theme": "Rest", "evidence": "x"}]})
    services.notes.save_fields(prep.id, {"intentions": ["Rest without guilt", "Walk daily"]})
    view.refresh()
    assert s.themes.model.rowCount() == 1  # on screen: refilled now
    assert s.tabText(s.indexOf(s.intentions_tab)) == "Intentions (2)"
    assert s.intentions.model.rowCount() == 1  # hidden: still the old rows
    s.setCurrentWidget(s.intentions_tab)
    assert s.intentions.model.rowCount() == 2


def test_integration_revisits_the_preparation_intentions_and_offers_known_themes(
    qtbot, services, settings, course
) -> None:
    prep = services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                         starts_at=datetime(2026, 11, 13, 10, 0))
    services.notes.save_fields(prep.id, {"intentions": ["Rest without guilt",
                                                        "Call my sister"]})
    earlier = services.notes.create_session(course_id=course.id, kind=SessionKind.INTEGRATION,
                                            starts_at=datetime(2026, 11, 14, 10, 0))
    services.notes.save_fields(earlier.id, {"themes": [
        {"theme": "Self-kindness", "evidence": "Fictional"}]})
    window, ws = workspace(qtbot, services, settings)
    ws.new_session(course.id, "integration")
    editor = window.current_page()
    review = editor.form.editor("intentions_review")
    assert [row[0].text() for row in review.rows] == ["Rest without guilt", "Call my sister"]

    themes = editor.form.editor("themes")
    theme_edit = themes.rows[0][0]
    theme_edit.setFocus()
    qtbot.waitUntil(lambda: theme_edit.hasFocus(), timeout=2000)
    qtbot.keyClicks(theme_edit, "kindn")
    completer = theme_edit.completer()
    assert completer is not None and completer.completionCount() == 1
    assert completer.currentCompletion() == "Self-kindness"


def test_dosing_note_offers_intentions_to_revisit(qtbot, services, course) -> None:
    prep = services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                         starts_at=datetime(2026, 11, 13, 10, 0))
    services.notes.save_fields(prep.id, {"intentions": ["Rest without guilt"]})
    dose = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                         starts_at=TODAY)
    editor = SessionEditor(services, dose.id)
    qtbot.addWidget(editor)
    editor.show()
    review = editor.form.editor("intentions_review")
    assert [row[0].text() for row in review.rows] == ["Rest without guilt"]


def test_theme_frequency_opens_from_the_view_menu(qtbot, services, settings, course) -> None:
    integ = services.notes.create_session(course_id=course.id, kind=SessionKind.INTEGRATION,
                                          starts_at=datetime(2026, 11, 19, 10, 0))
    services.notes.save_fields(integ.id, {"themes": [
        {"theme": "Belonging", "evidence": "Spoke of the choir"}]})
    window, ws = workspace(qtbot, services, settings)
    action = next(a for a in window.view_menu.actions() if a.objectName() == "theme_frequency")
    assert action.text() == "&Theme frequency across clients…"
    action.trigger()
    dialog = ws.themes_dialog
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=2000)
    assert dialog.windowTitle() == "Theme frequency across clients"
    row = next(r for r in dialog.view.model.rows if r.name == "Belonging")
    assert row.mentions == 1
