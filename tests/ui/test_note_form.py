"""The note form: built from any template, every field type round-trips, keyboard-only use."""

from __future__ import annotations

from typing import Any

import pytest
from note_ui_helpers import ALL_TYPES, SAMPLES, all_types_template
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QWidget

from kapnotes.domain.templates import FieldType, validate_value
from kapnotes.ui.widgets.field_editors import SingleChoiceEditor
from kapnotes.ui.widgets.list_editors import IntentionsReviewEditor, ThemesEditor
from kapnotes.ui.widgets.note_form import EDITORS, PRIVATE_NOTICE, NoteForm

INTENTIONS = [(1, "Be kinder to myself"), (2, "Sleep through the night")]


def make_form(qtbot: Any, services: Any, **kw: Any) -> NoteForm:
    form = NoteForm(all_types_template(services), intention_rows=lambda: INTENTIONS,
                    known_themes=lambda: ["Belonging", "Grief", "Safety"], **kw)
    qtbot.addWidget(form)
    return form


def test_every_field_type_has_an_editor() -> None:
    assert set(EDITORS) == set(FieldType) - {FieldType.HEADING}


def test_the_test_template_covers_every_type() -> None:
    assert {f["type"] for f in ALL_TYPES["fields"]} == {t.value for t in FieldType}


def test_form_builds_for_every_built_in_template(qtbot: Any, services: Any) -> None:
    templates = services.templates.all()
    assert {t.kind for t in templates} >= {"preparation", "dosing", "integration"}
    for template in templates:
        form = NoteForm(template)
        qtbot.addWidget(form)
        fillable = [f.id for f in template.fields if f.type is not FieldType.HEADING]
        assert list(form.editors) == fillable
        texts = [label.text() for label in form.findChildren(QLabel)]
        for field in template.fields:
            expected = field.label + (" *" if field.required else "")
            assert expected in texts, (template.id, field.id)


def test_labels_help_required_and_private_are_shown(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    summary = form.editor("summary")
    assert summary.edit.accessibleName() == "Summary"
    assert "Required" in summary.edit.accessibleDescription()
    assert summary.edit.toolTip() == "One line."
    captions = [w.text() for w in form.blocks["summary"].findChildren(QLabel)]
    assert "Summary *" in captions and "One line." in captions
    private = form.blocks["process"]
    assert private.property("private") is True
    assert PRIVATE_NOTICE in [w.text() for w in private.findChildren(QLabel)]
    assert form.blocks["story"].property("private") is False


def test_every_control_has_an_accessible_name(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    for field_id, editor in form.editors.items():
        targets = editor.focus_targets()
        assert targets, field_id
        for widget in targets:
            assert widget.accessibleName().strip(), (field_id, type(widget).__name__)


@pytest.mark.parametrize("field_id", list(SAMPLES))
def test_set_get_round_trip(qtbot: Any, services: Any, field_id: str) -> None:
    form = make_form(qtbot, services)
    field = form.template.field(field_id)
    assert field is not None
    form.set_value(field_id, SAMPLES[field_id])
    got = form.value(field_id)
    assert validate_value(field, got) == validate_value(field, SAMPLES[field_id])
    # And back again from what the service stores.
    form.set_value(field_id, validate_value(field, got))
    assert validate_value(field, form.value(field_id)) == validate_value(field, got)


def test_set_values_does_not_count_as_an_edit(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    with qtbot.assertNotEmitted(form.changed):
        form.set_values(SAMPLES)
    assert form.value("summary") == SAMPLES["summary"]


def test_empty_values_read_as_empty(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    for field_id, editor in form.editors.items():
        field = form.template.field(field_id)
        value = validate_value(field, editor.get_value())
        if field.type is FieldType.INTENTIONS_REVIEW:
            assert all(e["progress"] is None and not e["note"] for e in value)
        else:
            assert value in ("", None, []), field_id


def test_keyboard_only_typing_and_tab_order(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    first = form.first_focus_target()
    assert first is form.editor("summary").edit
    first.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first)
    with qtbot.waitSignal(form.changed) as changed:
        qtbot.keyClicks(first, "Calm and ready")
    assert changed.args == ["summary"]
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    story = form.editor("story").edit
    assert QApplication.focusWidget() is story
    qtbot.keyClicks(story, "Arrived early")
    qtbot.keyClick(story, Qt.Key.Key_Tab)  # Tab leaves the long text, it does not indent
    mood_radios = form.editor("mood").focus_targets()
    assert QApplication.focusWidget() is mood_radios[0]
    assert form.value("summary") == "Calm and ready"
    assert form.value("story") == "Arrived early"
    # Scales: arrow keys from "—" give 0, 1, ...
    calm = form.editor("calm").spin
    calm.setFocus()
    qtbot.keyClick(calm, Qt.Key.Key_Up)
    qtbot.keyClick(calm, Qt.Key.Key_Up)
    assert form.value("calm") == 1
    # Check boxes: space toggles.
    consent = form.editor("consent").boxes[0]
    consent.setFocus()
    qtbot.keyClick(consent, Qt.Key.Key_Space)
    assert form.value("consent") == ["risks"]


def test_tab_walks_the_fields_in_template_order(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    chain = []
    for editor in form.editors.values():
        targets = editor.focus_targets()
        # Tab enters a radio group once; the arrow keys move inside it (Qt's standard).
        chain += targets[:1] if isinstance(editor, SingleChoiceEditor) and editor.group else targets
    chain[0].setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is chain[0])
    visited = [QApplication.focusWidget()]
    for _ in chain[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert [_owner(w, chain) for w in visited] == chain


def _owner(widget: QWidget, chain: list[QWidget]) -> QWidget:
    # A spin box's inner line edit takes focus on its behalf.
    return widget if widget in chain else widget.parentWidget()


def test_text_undo_and_redo_with_keys(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    story = form.editor("story").edit
    qtbot.keyClicks(story, "Fictional words")
    qtbot.keyClick(story, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert form.value("story") == ""
    qtbot.keyClick(story, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert form.value("story") == "Fictional words"


def test_form_level_undo_for_choices(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    box = form.editor("approach").boxes[1]
    box.setChecked(True)
    assert form.value("approach") == ["Somatic"]
    with qtbot.waitSignal(form.changed):
        form.undo_stack.undo()
    assert form.value("approach") == []
    form.undo_stack.redo()
    assert form.value("approach") == ["Somatic"]


def test_single_choice_radio_or_combo(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    mood, setting = form.editor("mood"), form.editor("setting")
    assert mood.group is not None and mood.combo is None  # 3 options: radios
    assert setting.combo is not None and setting.combo.itemText(0) == "—"  # 6: combo
    mood.set_value("High")
    mood.clear_choice()
    assert mood.get_value() is None


def test_repeating_list_add_with_ctrl_enter_and_remove(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    form.show()
    qtbot.waitExposed(form)
    steps = form.editor("steps")
    first = steps.rows[0][0]
    assert isinstance(first, QLineEdit)
    first.setFocus()
    qtbot.keyClicks(first, "Walk daily")
    qtbot.keyClick(first, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(steps.rows) == 2
    qtbot.waitUntil(lambda: QApplication.focusWidget() is steps.rows[1][0])
    qtbot.keyClicks(steps.rows[1][0], "Journal")
    assert form.value("steps") == ["Walk daily", "Journal"]
    steps.remove_row(steps.rows[0])
    assert form.value("steps") == ["Journal"]


def test_intentions_come_from_the_provider_and_keep_unknown_rows(
    qtbot: Any, services: Any
) -> None:
    form = make_form(qtbot, services)
    review = form.editor("review")
    assert isinstance(review, IntentionsReviewEditor)
    labels = [row[0].text() for row in review.rows]
    assert labels == ["Be kinder to myself", "Sleep through the night"]
    form.set_value("review", [{"intention_id": 9, "progress": 3, "note": "Old"}])
    labels = [row[0].text() for row in review.rows]
    assert labels == ["Be kinder to myself", "Sleep through the night", "Intention #9"]
    assert form.value("review") == [{"intention_id": 9, "progress": 3, "note": "Old"}]


def test_themes_offer_known_themes(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    themes = form.editor("themes")
    assert isinstance(themes, ThemesEditor)
    theme_edit = themes.rows[0][0]
    completer = theme_edit.completer()
    model = completer.model()
    offered = [model.index(n, 0).data() for n in range(model.rowCount())]
    assert offered == ["Belonging", "Grief", "Safety"]


def test_read_only_mode(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services, values=SAMPLES, read_only=True)
    assert form.editor("summary").edit.isReadOnly()
    assert form.editor("story").edit.isReadOnly()
    assert not form.editor("consent").boxes[0].isEnabled()
    assert not form.editor("calm").spin.isEnabled()
    assert form.editor("steps").add_button.isHidden()
    assert form.editor("steps").rows[0][0].isReadOnly()
    form.editor("approach").boxes[0].click()  # disabled: nothing happens
    assert form.value("approach") == ["Cognitive", "Relational"]
    assert form.value("summary") == SAMPLES["summary"]  # still readable


def test_long_text_grows_with_its_content(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    form.resize(900, 700)
    form.show()
    qtbot.waitExposed(form)
    story = form.editor("story").edit
    before = story.height()
    form.set_value("story", "\n".join(f"Fictional line {n}" for n in range(12)))
    qtbot.waitUntil(lambda: story.height() > before)


def test_field_error_shows_under_the_field(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    form.set_field_error("dose", "Dose: must be at most 100 mg")
    assert form.field_error("dose") == ""  # hidden widgets report nothing until shown
    form.show()
    assert form.field_error("dose") == "Dose: must be at most 100 mg"
    form.set_field_error("dose", "")
    assert form.field_error("dose") == ""


def test_checkbox_labels_are_the_option_labels(qtbot: Any, services: Any) -> None:
    form = make_form(qtbot, services)
    boxes = form.editor("consent").findChildren(QCheckBox)
    assert [b.text() for b in boxes] == ["Risks explained", "No driving until tomorrow"]
    assert boxes[0].accessibleName() == "Consent: Risks explained"
