"""The session page through real widgets and a real vault: details, signing, addenda."""

from __future__ import annotations

from typing import Any

import pytest
from note_ui_helpers import make_course, new_session
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from kapnotes.domain.clinical_rules import RuleFinding, Severity
from kapnotes.domain.errors import ConflictError
from kapnotes.domain.models import Modality, SessionKind
from kapnotes.domain.templates import FieldType
from kapnotes.ui.session_editor import SessionEditor
from kapnotes.ui.widgets.field_editors import LongTextEditor, ShortTextEditor

FAST = {"debounce_ms": 60, "max_latency_ms": 400, "retry_ms": 100}


@pytest.fixture
def course_id(services: Any) -> int:
    return make_course(services, name="Robin Fictional", title="Spring course")


def open_editor(qtbot: Any, services: Any, session_id: int, **kw: Any) -> SessionEditor:
    editor = SessionEditor(services, session_id, signer_name="Dr Ada Fictional",
                           **{**FAST, **kw})
    qtbot.addWidget(editor)
    return editor


def fill_required(editor: SessionEditor) -> None:
    """Type something into every required field (as the kinds' templates define them)."""
    for field in editor.template.fields:
        if not field.required:
            continue
        widget = editor.form.editor(field.id)
        if field.type is FieldType.REPEATING_LIST:
            widget.rows[0][0].setText("Fictional entry")
        elif field.type is FieldType.CHECKLIST:
            widget.boxes[0].setChecked(True)
        else:
            widget.edit.setPlainText("Fictional text")


def test_breadcrumb_names_client_and_course_and_goes_back(
    qtbot: Any, services: Any, course_id: int
) -> None:
    session = new_session(services, course_id)
    editor = open_editor(qtbot, services, session.id)
    assert "Robin Fictional" in editor.back_button.text()
    assert "Spring course" in editor.back_button.text()
    client_id = services.notes.client_id_of(session.id)
    with qtbot.waitSignal(editor.back_requested) as back:
        qtbot.mouseClick(editor.back_button, Qt.MouseButton.LeftButton)
    assert back.args == [client_id]


def test_going_back_saves_first(qtbot: Any, services: Any, course_id: int) -> None:
    session = new_session(services, course_id)
    editor = open_editor(qtbot, services, session.id, debounce_ms=60_000, max_latency_ms=60_000)
    qtbot.keyClicks(editor.form.editor("goals").edit, "Fictional goal")
    qtbot.mouseClick(editor.back_button, Qt.MouseButton.LeftButton)
    assert services.notes.note(session.id).values["goals"] == "Fictional goal"


def test_details_are_editable_and_saved(qtbot: Any, services: Any, course_id: int) -> None:
    dose = new_session(services, course_id, SessionKind.DOSING)
    session = new_session(services, course_id, SessionKind.INTEGRATION)
    editor = open_editor(qtbot, services, session.id)
    details = editor.details
    assert details.kind_label.text() == "Integration"
    assert not details.linked_combo.isHidden()
    details.duration_spin.setValue(75)
    details.clinician_edit.clear()
    qtbot.keyClicks(details.clinician_edit, "Dr Ada Fictional")
    details.modality_combo.setCurrentIndex(1)  # a choice saves at once
    details.linked_combo.setCurrentIndex(1)
    assert editor.flush()
    stored = services.notes.session(session.id)
    assert (stored.duration_min, stored.clinician) == (75, "Dr Ada Fictional")
    assert stored.modality is Modality.TELEHEALTH
    assert stored.linked_dosing_id == dose.id


def test_details_on_a_closed_vault_say_so_and_stay_unsaved(
    qtbot: Any, services: Any, course_id: int
) -> None:
    editor = open_editor(qtbot, services, new_session(services, course_id).id)
    problems: list[str] = []
    editor.details.problem.connect(problems.append)
    editor.details.duration_spin.setValue(75)
    services.vault.conn.close()  # the driver now refuses every call
    assert editor.details.flush() is False
    assert problems[-1].startswith("The vault could not be written (it is closed")
    assert editor.details.duration_spin.value() == 75  # the edit stays on screen


def test_preparation_has_no_dose_link(qtbot: Any, services: Any, course_id: int) -> None:
    editor = open_editor(qtbot, services, new_session(services, course_id).id)
    assert editor.details.linked_combo.isHidden()


def test_signing_is_refused_and_names_missing_fields(
    qtbot: Any, services: Any, course_id: int
) -> None:
    session = new_session(services, course_id)
    editor = open_editor(qtbot, services, session.id)
    assert editor.signature_label.text() == "Draft — not signed"
    editor.request_sign()
    dialog = editor.sign_dialog
    assert dialog is not None
    assert dialog.missing == ["Reasons for treatment", "Intentions"]
    assert "Reasons for treatment" in dialog.missing_label.text()
    assert "Intentions" in dialog.missing_label.text()
    assert not dialog.sign_button.isEnabled()
    dialog.sign_button.click()  # refused: nothing happens
    assert not services.notes.session(session.id).signed


def test_sign_locks_the_note(qtbot: Any, services: Any, course_id: int) -> None:
    session = new_session(services, course_id)
    editor = open_editor(qtbot, services, session.id)
    fill_required(editor)  # not yet saved: signing flushes first
    editor.request_sign()
    dialog = editor.sign_dialog
    assert dialog is not None and not dialog.missing
    assert dialog.signer_edit.text() == "Dr Ada Fictional"
    assert dialog.reason_edit.isHidden()  # no blockers, no reason asked
    with qtbot.waitSignal(editor.signed):
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    stored = services.notes.session(session.id)
    assert stored.signed and stored.signed_by == "Dr Ada Fictional"
    assert editor.signature_label.text().startswith("Signed by Dr Ada Fictional at ")
    assert not editor.sign_button.isEnabled()
    assert editor.form.is_read_only()
    assert editor.form.editor("reasons").edit.isReadOnly()
    assert not editor.form.editor("consent").boxes[0].isEnabled()
    assert editor.details.clinician_edit.isReadOnly()
    assert editor.form.value("reasons") == "Fictional text"  # the original stays visible
    with pytest.raises(ConflictError):
        services.notes.save_fields(session.id, {"goals": "Too late"})
    editor.autosave.set_value("goals", "Too late")  # refused without a write
    assert "signed" in editor.state
    assert "goals" not in services.notes.note(session.id).values


def test_signing_an_open_note_restyles_it(qtbot: Any, services: Any, course_id: int) -> None:
    """The editor's one style sheet is set once when it is built; signing changes properties
    its rules read (readOnly, signed), so the open page must be restyled, not left as drawn."""
    session = new_session(services, course_id)
    editor = open_editor(qtbot, services, session.id)
    editor.resize(1000, 800)
    editor.show()
    box = editor.form.editor("goals").edit

    def background() -> QColor:  # a corner of the text box, inside its frame, off the text
        QApplication.processEvents()
        return box.viewport().grab().toImage().pixelColor(1, 1)

    typed = background()
    assert editor.lock_line.font().weight() != QFont.Weight.DemiBold
    fill_required(editor)
    editor.request_sign()
    assert editor.sign_dialog is not None
    with qtbot.waitSignal(editor.signed):
        qtbot.mouseClick(editor.sign_dialog.sign_button, Qt.MouseButton.LeftButton)
    assert editor.form.is_read_only()
    assert background() != typed  # read-only reads as shown, not typed
    assert background() == box.palette().color(QPalette.ColorRole.Window)
    assert editor.lock_line.font().weight() == QFont.Weight.DemiBold  # the signed look
    assert editor.signature_label.font().weight() == QFont.Weight.DemiBold


def test_blockers_need_a_written_reason(qtbot: Any, services: Any, course_id: int) -> None:
    services.notes.sign_checks.append(lambda s, now: [RuleFinding(
        "demo", Severity.OVERRIDE, "BP 150/95 at discharge", "a test")])
    session = new_session(services, course_id, SessionKind.DOSING)
    editor = open_editor(qtbot, services, session.id)
    fill_required(editor)
    editor.request_sign()
    dialog = editor.sign_dialog
    assert dialog is not None
    assert "BP 150/95 at discharge" in dialog.blockers_label.text()
    assert not dialog.reason_edit.isHidden()
    assert not dialog.sign_button.isEnabled()
    qtbot.keyClicks(dialog.reason_edit, "Reviewed by prescriber; escort present")
    assert dialog.sign_button.isEnabled()
    dialog.sign_button.click()
    stored = services.notes.session(session.id)
    assert stored.sign_reason == "Reviewed by prescriber; escort present"
    signature = editor.signature_label.text()  # the reason, and what it answered
    assert signature.endswith("): Reviewed by prescriber; escort present")
    assert "Reason (for: demo; " in signature


def test_sign_shortcut_opens_the_dialog(qtbot: Any, services: Any, course_id: int) -> None:
    editor = open_editor(qtbot, services, new_session(services, course_id).id)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    box = editor.form.editor("reasons").edit
    box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box)
    qtbot.keyClick(box, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: editor.sign_dialog is not None and editor.sign_dialog.isVisible())
    editor.sign_dialog.reject()


def test_addenda_appear_beneath_a_signed_note(qtbot: Any, services: Any, course_id: int) -> None:
    session = new_session(services, course_id)
    services.notes.save_fields(session.id, {"reasons": "Original words",
                                            "intentions": ["Rest"]})
    services.notes.sign(session.id, signer="Dr Ada Fictional")
    editor = open_editor(qtbot, services, session.id)
    assert editor.form.is_read_only()
    assert "Signed and locked" in editor.lock_line.text()
    editor.autosave.set_value("goals", "Late")  # a signed note reopened refuses edits
    assert "signed and locked" in editor.state and not editor.autosave.has_unsaved()
    assert not editor.add_addendum_button.isHidden()
    editor.request_addendum()
    dialog = editor.addendum_dialog
    assert dialog is not None
    assert dialog.author_edit.text() == "Dr Ada Fictional"
    assert not dialog.add_button.isEnabled()
    qtbot.keyClicks(dialog.text_edit, "Client called: slept well afterwards.")
    dialog.add_button.click()
    texts = [w.text() for w in editor.findChildren(QLabel)]
    assert "Client called: slept well afterwards." in texts
    assert any(t.startswith("Addendum · ") and t.endswith("· Dr Ada Fictional") for t in texts)
    assert editor.form.value("reasons") == "Original words"
    assert services.notes.note(session.id).addenda[0].text.startswith("Client called")


def test_draft_has_no_addendum_button(qtbot: Any, services: Any, course_id: int) -> None:
    editor = open_editor(qtbot, services, new_session(services, course_id).id)
    assert editor.add_addendum_button.isHidden()
    editor.request_addendum()
    assert editor.addendum_dialog is None


@pytest.mark.parametrize("kind", list(SessionKind))
def test_each_kind_opens_and_takes_typing_in_every_text_field(
    qtbot: Any, services: Any, course_id: int, kind: SessionKind
) -> None:
    session = new_session(services, course_id, kind)
    editor = open_editor(qtbot, services, session.id)
    editor.show()
    typed: dict[str, str] = {}
    for field_id, widget in editor.form.editors.items():
        if isinstance(widget, LongTextEditor | ShortTextEditor):
            text = f"Fictional {field_id}"
            qtbot.keyClicks(widget.edit, text)
            typed[field_id] = text
    assert typed
    qtbot.waitUntil(lambda: editor.state == "Saved", timeout=3000)
    values = services.notes.note(session.id).values
    assert {k: values[k] for k in typed} == typed
    # Lists and themes take keyboard input too.
    for widget in editor.form.editors.values():
        rows = getattr(widget, "rows", None)
        if rows and isinstance(rows[0][0], QLineEdit):
            qtbot.keyClicks(rows[0][0], "Fictional item")
    assert editor.flush()
