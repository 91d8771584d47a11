"""Client, delete, course and slot dialogs driven as a therapist would, against a real vault."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from kapnotes.domain.models import Client, Course, CourseStatus
from kapnotes.storage import audit
from kapnotes.ui.dialogs.client_dialog import ClientDialog, medicine_notes, parse_dob
from kapnotes.ui.dialogs.course_dialog import CourseDialog
from kapnotes.ui.dialogs.delete_client import DeleteClientDialog
from kapnotes.ui.dialogs.slot_dialog import SlotAction, SlotDialog

LEFT = Qt.MouseButton.LeftButton


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, LEFT)


def make_client(services, code="KAP-001", **extra) -> Client:
    return services.clients.create(Client(code=code, full_name="Ada Example", **extra))


def open_dialog(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


# -- client dialog -----------------------------------------------------------------------
def test_new_client_with_every_field_is_saved(qtbot, services):
    dlg = open_dialog(qtbot, ClientDialog(services))
    qtbot.keyClicks(dlg.code_edit, "kap-014")
    qtbot.keyClicks(dlg.full_name_edit, "Ada Example")
    qtbot.keyClicks(dlg.preferred_name_edit, "Ada")
    qtbot.keyClicks(dlg.dob_edit, "07/03/1981")
    assert dlg.dob_hint.text() == "Age 45"
    qtbot.keyClicks(dlg.phone_edit, "0400 000 000")
    qtbot.keyClicks(dlg.email_edit, "ada@example.org")
    qtbot.keyClicks(dlg.address_edit, "1 Nowhere St")
    qtbot.keyClicks(dlg.support_person_edit, "Sam Example")
    qtbot.keyClicks(dlg.support_relationship_edit, "partner")
    qtbot.keyClicks(dlg.support_phone_edit, "0400 111 111")
    qtbot.keyClicks(dlg.referring_edit, "Dr Ref Placeholder")
    qtbot.keyClicks(dlg.prescriber_edit, "Dr Jo Placeholder")
    qtbot.keyClicks(dlg.diagnosis_edit, "Major depressive disorder, recurrent")
    dlg.trials_spin.setValue(3)
    dlg.medicines_edit.setPlainText("Sertraline 100 mg mane\nDiazepam 5 mg\n\n")
    qtbot.keyClicks(dlg.background_edit, "Fictional background.")
    with qtbot.waitSignal(dlg.saved, timeout=1000) as sig:
        click(qtbot, dlg.save_button)
    c = services.clients.get(sig.args[0])
    assert (c.code, c.full_name, c.preferred_name) == ("KAP-014", "Ada Example", "Ada")
    assert c.date_of_birth == date(1981, 3, 7)
    assert (c.phone, c.email, c.address) == ("0400 000 000", "ada@example.org", "1 Nowhere St")
    assert (c.support_person, c.support_relationship, c.support_phone) == (
        "Sam Example", "partner", "0400 111 111")
    assert (c.referring_clinician, c.prescriber) == ("Dr Ref Placeholder", "Dr Jo Placeholder")
    assert c.antidepressant_trials == 3
    assert c.medicines == ("Sertraline 100 mg mane", "Diazepam 5 mg")
    assert c.background == "Fictional background."
    assert dlg.result() == dlg.DialogCode.Accepted


def test_medicines_note_flags_concomitant_classes_live(qtbot, services):
    dlg = open_dialog(qtbot, ClientDialog(services))
    assert "flagged here as you type" in dlg.medicine_note.text()
    qtbot.keyClicks(dlg.medicines_edit, "Diazepam")
    assert "Diazepam — benzodiazepine: record, review before dosing" in dlg.medicine_note.text()
    assert medicine_notes(["Sertraline", "Oxycodone 5 mg"]) == [
        "Oxycodone 5 mg — opioid: record, review before dosing"]


@pytest.mark.parametrize(("field", "text", "named"), [
    ("code_edit", "A", "Client code"),
    ("code_edit", "Ada Smith", "Client code"),
    ("dob_edit", "01/01/2030", "Date of birth"),
    ("dob_edit", "31/02/1990", "Date of birth"),
    ("email_edit", "not-an-email", "Email"),
])
def test_invalid_input_is_refused_naming_and_focusing_the_field(qtbot, services, field, text,
                                                                 named):
    dlg = open_dialog(qtbot, ClientDialog(services))
    if field != "code_edit":
        qtbot.keyClicks(dlg.code_edit, "KAP-001")
    qtbot.keyClicks(dlg.full_name_edit, "Ada Example")
    qtbot.keyClicks(getattr(dlg, field), text)
    with qtbot.assertNotEmitted(dlg.saved):
        click(qtbot, dlg.save_button)
    assert dlg.error_label.isVisible()
    assert dlg.error_label.text().startswith(f"{named}:")
    assert dlg.errors.field == named
    assert dlg.focusWidget() is getattr(dlg, field)
    assert services.clients.list(include_archived=True) == []
    assert dlg.isVisible()


def test_missing_name_and_duplicate_code_are_refused(qtbot, services):
    make_client(services, "KAP-001")
    dlg = open_dialog(qtbot, ClientDialog(services))
    qtbot.keyClicks(dlg.code_edit, "KAP-002")
    click(qtbot, dlg.save_button)
    assert dlg.errors.field == "Full name"
    qtbot.keyClicks(dlg.full_name_edit, "Bram Fictional")
    dlg.code_edit.setText("kap-001")
    click(qtbot, dlg.save_button)
    assert dlg.errors.field == "Client code"
    assert "already exists" in dlg.error_label.text()
    assert len(services.clients.list()) == 1


def test_edit_keeps_the_record_and_saves_changes(qtbot, services):
    ada = make_client(services, date_of_birth=date(1981, 3, 7), medicines=("Diazepam",))
    dlg = open_dialog(qtbot, ClientDialog(services, ada.id))
    assert dlg.windowTitle() == "Edit client"
    assert dlg.dob_edit.text() == "7 Mar 1981"
    assert "benzodiazepine" in dlg.medicine_note.text()
    dlg.dob_edit.clear()  # back to "not recorded"
    assert dlg.dob_hint.text() == "Not recorded"
    qtbot.keyClicks(dlg.preferred_name_edit, "Ada")
    with qtbot.waitSignal(dlg.saved, timeout=1000):
        click(qtbot, dlg.save_button)
    c = services.clients.get(ada.id)
    assert c.preferred_name == "Ada" and c.date_of_birth is None
    assert c.medicines == ("Diazepam",)


def test_parse_dob_accepts_iso_and_empty():
    assert parse_dob("") is None
    assert parse_dob("1981-03-07") == date(1981, 3, 7)
    assert parse_dob("7.3.1981") == date(1981, 3, 7)


# -- delete --------------------------------------------------------------------------------
def test_delete_needs_the_exact_code_and_is_audited(qtbot, services):
    ada = make_client(services, "KAP-001")
    make_client(services, "KAP-002")
    dlg = open_dialog(qtbot, DeleteClientDialog(services, ada.id))
    assert not dlg.delete_button.isEnabled()
    assert dlg.reason_edit is None  # a solo vault: nobody else to tell why
    qtbot.keyClicks(dlg.code_edit, "KAP-002")
    assert not dlg.delete_button.isEnabled()
    dlg.code_edit.clear()
    qtbot.keyClicks(dlg.code_edit, "KAP-00")
    assert not dlg.delete_button.isEnabled()
    qtbot.keyClicks(dlg.code_edit, "1")
    assert dlg.delete_button.isEnabled()
    with qtbot.waitSignal(dlg.deleted, timeout=1000) as sig:
        click(qtbot, dlg.delete_button)
    assert sig.args == [ada.id]
    assert [c.code for c in services.clients.list(include_archived=True)] == ["KAP-002"]
    entries = [e for e in audit.entries(services.vault) if e.event == "client.delete"]
    assert len(entries) == 1 and entries[0].record_id == str(ada.id)


# -- course --------------------------------------------------------------------------------
def test_new_course_previews_and_stores_the_plan(qtbot, services):
    ada = make_client(services, prescriber="Dr Jo Placeholder", date_of_birth=date(1955, 1, 1))
    dlg = open_dialog(qtbot, CourseDialog(services, ada.id))
    assert dlg.prescriber_edit.text() == "Dr Jo Placeholder"  # prefilled from the client
    assert not dlg.status_combo.isVisible()
    dlg.protocol_combo.setCurrentIndex(dlg.protocol_combo.findData("esketamine"))
    dlg.start_edit.setDate(QDate(2026, 11, 23))
    dlg.protocol_fields.spins["maintenance_interval_weeks"].setValue(2)
    preview = dlg.preview_label.text()
    assert "16 doses, first Mon 23 Nov 2026" in preview
    assert "28 mg" in preview  # 65 or over at the first dose
    with qtbot.waitSignal(dlg.saved, timeout=1000) as sig:
        click(qtbot, dlg.save_button)
    course = services.courses.get(sig.args[0])
    assert course.protocol == "esketamine" and course.start_date == date(2026, 11, 23)
    assert course.prescriber == "Dr Jo Placeholder" and course.maintenance_interval_weeks == 2
    assert len(services.courses.timeline(course.id).entries) == 33


def test_protocol_labels_and_custom_dose_days(qtbot, services):
    ada = make_client(services)
    dlg = open_dialog(qtbot, CourseDialog(services, ada.id))
    labels = [dlg.protocol_combo.itemText(i) for i in range(dlg.protocol_combo.count())]
    assert labels == ["Esketamine nasal spray (Spravato)", "IV ketamine series",
                      "KAP (sublingual/IM ketamine)", "Custom (defined by the practice)"]
    dlg.protocol_combo.setCurrentIndex(dlg.protocol_combo.findData("custom"))
    assert dlg.offsets_edit.isVisible()
    assert not any(spin.isVisible() for spin in dlg.protocol_fields.spins.values())
    qtbot.keyClicks(dlg.offsets_edit, "0, x")
    assert "Dose days" in dlg.preview_label.text()
    click(qtbot, dlg.save_button)
    assert dlg.errors.field == "Dose days" and services.courses.for_client(ada.id) == []
    dlg.offsets_edit.setText("0, 7, 21")
    assert dlg.preview_label.text().startswith("3 doses")
    with qtbot.waitSignal(dlg.saved, timeout=1000) as sig:
        click(qtbot, dlg.save_button)
    assert len(services.courses.timeline(sig.args[0]).entries) == 7


def test_discontinuing_a_course_needs_a_reason(qtbot, services):
    ada = make_client(services)
    course = services.courses.create(Course(client_id=ada.id, protocol="iv_ketamine",
                                            start_date=date(2026, 11, 23)))
    dlg = open_dialog(qtbot, CourseDialog(services, ada.id, course.id))
    assert not dlg.protocol_combo.isEnabled()  # the plan was generated from it
    dlg.status_combo.setCurrentIndex(dlg.status_combo.findData(CourseStatus.DISCONTINUED.value))
    assert dlg.reason_label.text() == "Reason (required):"
    with qtbot.assertNotEmitted(dlg.saved):
        click(qtbot, dlg.save_button)
    assert dlg.errors.field == "Reason" and dlg.focusWidget() is dlg.reason_edit
    assert services.courses.get(course.id).status is CourseStatus.ACTIVE
    qtbot.keyClicks(dlg.reason_edit, "Client chose to stop")
    with qtbot.waitSignal(dlg.saved, timeout=1000):
        click(qtbot, dlg.save_button)
    stored = services.courses.get(course.id)
    assert stored.status is CourseStatus.DISCONTINUED
    assert stored.status_reason == "Client chose to stop"
    assert any(e.event == "course.status" for e in audit.entries(services.vault))


# -- move / skip -----------------------------------------------------------------------------
def _first_dose(services):
    ada = make_client(services)
    course = services.courses.create(Course(client_id=ada.id, protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 27)))
    entries = services.courses.timeline(course.id).entries
    return course, next(e for e in entries if e.slot.kind.value == "dosing")


def test_move_needs_a_reason_and_a_new_date(qtbot, services):
    course, entry = _first_dose(services)
    dlg = open_dialog(qtbot, SlotDialog(services, entry.slot, SlotAction.MOVE))
    assert not dlg.ok_button.isEnabled()
    dlg.date_edit.setDate(QDate(2026, 11, 30))
    assert not dlg.ok_button.isEnabled()  # no reason yet
    qtbot.keyClicks(dlg.reason_edit, "Client unwell")
    assert dlg.ok_button.isEnabled()
    dlg.date_edit.setDate(QDate(2026, 11, 27))  # the date it already has
    assert not dlg.ok_button.isEnabled()
    dlg.date_edit.setDate(QDate(2026, 11, 30))
    with qtbot.waitSignal(dlg.changed, timeout=1000):
        click(qtbot, dlg.ok_button)
    moved = next(e for e in services.courses.timeline(course.id).entries
                 if e.slot.id == entry.slot.id)
    assert moved.slot.planned_date == date(2026, 11, 30)
    assert moved.slot.change_reason == "Client unwell"


def test_skip_needs_a_reason(qtbot, services):
    course, entry = _first_dose(services)
    dlg = open_dialog(qtbot, SlotDialog(services, entry.slot, SlotAction.SKIP))
    assert not dlg.date_edit.isVisible()
    qtbot.keyClicks(dlg.reason_edit, "   ")
    assert not dlg.ok_button.isEnabled()
    # Even if the button were pressed, the service refuses and names the field.
    dlg.apply()
    assert dlg.errors.field == "Reason"
    qtbot.keyClicks(dlg.reason_edit, "On leave")
    with qtbot.waitSignal(dlg.changed, timeout=1000):
        click(qtbot, dlg.ok_button)
    skipped = next(e for e in services.courses.timeline(course.id).entries
                   if e.slot.id == entry.slot.id)
    assert skipped.state.status.value == "skipped"


def test_a_second_active_course_is_warned_and_needs_confirming(qtbot, services):
    """Issue 14: a second active course was created without a word; scores then vanished."""
    ada = make_client(services)
    services.courses.create(Course(client_id=ada.id, protocol="esketamine",
                                   start_date=date(2026, 11, 2)))
    dlg = open_dialog(qtbot, CourseDialog(services, ada.id))
    assert dlg.second_course_label.isVisible()
    assert "already has an active course: Esketamine nasal spray (Spravato) from" \
        in dlg.second_course_label.text()
    asked: list[bool] = []
    dlg.confirm_second_course = lambda: asked.append(True) or False  # "Cancel"
    with qtbot.assertNotEmitted(dlg.saved):
        click(qtbot, dlg.save_button)
    assert asked == [True] and len(services.courses.for_client(ada.id)) == 1
    dlg.confirm_second_course = lambda: True  # "Create second course"
    with qtbot.waitSignal(dlg.saved, timeout=1000):
        click(qtbot, dlg.save_button)
    assert len(services.courses.for_client(ada.id)) == 2


def test_no_warning_once_the_other_course_has_ended(qtbot, services):
    ada = make_client(services)
    old = services.courses.create(Course(client_id=ada.id, protocol="esketamine",
                                         start_date=date(2026, 6, 1)))
    services.courses.set_status(old.id, CourseStatus.COMPLETED)
    dlg = open_dialog(qtbot, CourseDialog(services, ada.id))
    assert not dlg.second_course_label.isVisible()
    dlg.confirm_second_course = lambda: pytest.fail("no second running course to confirm")
    with qtbot.waitSignal(dlg.saved, timeout=1000):
        click(qtbot, dlg.save_button)


# -- weight on the client record (issue 13) ----------------------------------------------
def test_weight_is_kept_on_the_client_record_in_kg_or_lb_with_its_date(qtbot, services):
    dlg = open_dialog(qtbot, ClientDialog(services))
    qtbot.keyClicks(dlg.code_edit, "KAP-031")
    qtbot.keyClicks(dlg.full_name_edit, "Ada Example")
    assert dlg.weight.hint.text() == "No weight on record"
    dlg.weight.unit.setCurrentText("lb")
    qtbot.keyClicks(dlg.weight.edit, "154")
    assert "154 lb = 69.9 kg" in dlg.weight.hint.text()
    with qtbot.waitSignal(dlg.saved, timeout=1000):
        click(qtbot, dlg.save_button)
    (client,) = services.clients.list()
    (weight,) = services.monitoring.doses.weights(client.id)
    assert (weight.weight_kg, weight.entered_value, weight.entered_unit) == (69.9, 154, "lb")
    assert weight.measured_on == services.clock().date()

    services.clock.advance(days=7)  # a week on (a same-day correction is not a change)
    again = open_dialog(qtbot, ClientDialog(services, client.id))
    assert again.weight.hint.text().startswith("On record: 69.9 kg (154 lb), 20 Nov 2026")
    qtbot.keyClicks(again.weight.edit, "154")  # pounds typed again, with kg chosen
    assert "differs from the last recorded 69.9 kg" in again.weight.hint.text()


def test_an_impossible_weight_saves_nothing(qtbot, services):
    dlg = open_dialog(qtbot, ClientDialog(services))
    qtbot.keyClicks(dlg.code_edit, "KAP-032")
    qtbot.keyClicks(dlg.full_name_edit, "Bram Fictional")
    qtbot.keyClicks(dlg.weight.edit, "700")
    with qtbot.assertNotEmitted(dlg.saved):
        click(qtbot, dlg.save_button)
    assert dlg.errors.field == "Weight" and "between 20 and 300 kg" in dlg.error_label.text()
    assert services.clients.list(include_archived=True) == []  # not the client either
