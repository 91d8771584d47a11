"""Search finds what was written and ticked, wherever it was written, and opens it there
(issue 14): no hit for an unticked checklist option; hits in the monitoring record (a drug
given, a reading, an adverse effect) and in the client's medicines."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.templates import render_rows, search_text
from kapnotes.ui.dialogs.client_dialog import ClientDialog
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.widgets.dosing_tabs import DosingTabs
from kapnotes.ui.workspace import Workspace


@pytest.fixture
def world(services):
    client = services.clients.create(Client(code="KAP-410", full_name="Rowan Fictive",
                                            medicines=("Lamotrigine 100 mg", "Melatonin 2 mg")))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 11, 12)))
    prep = services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                         starts_at=datetime(2026, 11, 5, 10, 0))
    services.notes.save_fields(prep.id, {"consent": ["risks", "dissociation"]})
    dose = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                         starts_at=datetime(2026, 11, 12, 9, 0))
    services.monitoring.update_record(dose.id, {
        "medication": "esketamine", "route": "intranasal", "dose_mg": 56,
        "interventions": "Ondansetron 4 mg given for nausea"})
    services.monitoring.add_reading(dose.id, "pre_dose",
                                    {"systolic": 168, "diastolic": 102, "heart_rate": 88},
                                    at=datetime(2026, 11, 12, 8, 50))
    services.monitoring.set_adverse_effect(dose.id, "vomiting", "moderate", note="Once")
    return client, prep, dose


def workspace(qtbot, services, settings) -> Workspace:
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    window.show()
    return Workspace(window, services, signer_name="Dr Test Clinician")


def results(dialog, words: str) -> list:
    dialog.set_query(words)
    out = []
    for i in range(dialog.results.topLevelItemCount()):
        group = dialog.results.topLevelItem(i)
        out += [group.child(j) for j in range(group.childCount())]
    return out


def test_an_unticked_checklist_option_finds_nothing(qtbot, services, settings, world):
    ws = workspace(qtbot, services, settings)
    dialog = ws.open_search()
    assert results(dialog, "confidentiality") == []  # "Limits of confidentiality": unticked
    [hit] = results(dialog, "perceptual changes")  # ticked
    assert hit.text(1).startswith("Informed consent discussed: ")
    assert "Dissociation and perceptual changes explained" in hit.text(1)
    assert "☐" not in hit.text(1) and "☑" not in hit.text(1)


def test_search_text_and_display_text_come_from_one_derivation(services, world):
    _client, prep, _dose = world
    session = services.notes.session(prep.id)
    template = services.notes.template_for(session)
    values = services.notes.note(prep.id).values
    indexed = services.vault.query(
        "SELECT search_text FROM session_fields WHERE session_id = ? AND field_id = 'consent'",
        (prep.id,))[0][0]
    consent = next(f for f in template.fields if f.id == "consent")
    assert indexed == search_text(consent, values["consent"])
    shown = next(r.text for r in render_rows(template, values)
                 if r.label == "Informed consent discussed")
    ticked = [line[2:] for line in shown.splitlines() if line.startswith("☑")]
    assert indexed.splitlines() == ticked  # what the note shows ticked, nothing else


@pytest.mark.parametrize("words", ["ondansetron", "168/102", "vomiting moderate",
                                   "esketamine 56"])
def test_monitoring_record_hits_open_the_monitoring_tab(qtbot, services, settings, world,
                                                        words):
    _client, _prep, dose = world
    ws = workspace(qtbot, services, settings)
    dialog = ws.open_search()
    [hit] = results(dialog, words)
    assert hit.text(1).startswith("Monitoring record: ")
    dialog.results.itemActivated.emit(hit, 0)
    assert ws.editor is not None and ws.editor.session_id == dose.id
    tabs = ws.editor.findChild(DosingTabs)
    assert tabs.tabs.currentWidget() is tabs.panel


def test_client_medicines_hit_opens_the_client_record_at_its_medicines(qtbot, services,
                                                                       settings, world):
    client, _prep, _dose = world
    ws = workspace(qtbot, services, settings)
    dialog = ws.open_search()
    [hit] = results(dialog, "lamotrigine")
    assert hit.text(0) == "Client record"
    assert hit.text(1).startswith("Current medicines: ")
    dialog.results.itemActivated.emit(hit, 0)
    assert ws.client_view.client_id == client.id
    opened = ws.client_view.findChild(ClientDialog)
    assert opened is not None and opened.isVisible()
    assert "Lamotrigine 100 mg" in opened.medicines_edit.toPlainText()
    qtbot.waitUntil(lambda: opened.medicines_edit.hasFocus(), timeout=2000)


def _found(services, words: str) -> set[str]:
    """The kinds of document the window's search finds for `words` (its one source)."""
    return {hit.kind for hit in services.notes.search(words)}


def test_the_index_follows_what_is_changed_later(services, world):
    """What was unticked, replaced, corrected or taken off stops being found; its new text is
    found at once (the triggers keep every writer's changes, not only the first write)."""
    client, prep, dose = world
    assert "field" in _found(services, "perceptual changes")
    services.notes.save_fields(prep.id, {"consent": ["risks"]})
    assert _found(services, "perceptual changes") == set()

    services.clients.update(dataclasses.replace(services.clients.get(client.id),
                                                medicines=("Sertraline 50 mg",)))
    assert _found(services, "lamotrigine") == set()
    assert _found(services, "sertraline") == {"medicines"}

    services.monitoring.set_adverse_effect(dose.id, "vomiting", None)
    assert _found(services, "vomiting moderate") == set()

    [reading] = services.monitoring.readings(dose.id)
    services.monitoring.correct_reading(dose.id, reading.id,
                                        {"systolic": 148, "diastolic": 92, "heart_rate": 84},
                                        reason="Cuff too small")
    assert _found(services, "168/102") == set()  # the struck original is not what was taken
    assert _found(services, "148/92") == {"monitoring"}


def test_a_ticked_option_hit_opens_the_note_at_its_checklist(qtbot, services, settings, world):
    _client, prep, _dose = world
    ws = workspace(qtbot, services, settings)
    dialog = ws.open_search()
    [hit] = results(dialog, "perceptual changes")
    dialog.results.itemActivated.emit(hit, 0)
    assert ws.editor is not None and ws.editor.session_id == prep.id
    checklist = ws.editor.form.editor("consent")
    # the window's own focus widget: the search window, not this one, is the active window
    assert ws.editor.window().focusWidget() in checklist.focus_targets()
