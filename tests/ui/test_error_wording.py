"""Messages a therapist reads: each names its subject, goes away once its cause is fixed, and
counts agree with their nouns; the packet's file name counts the clients actually chosen."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from helpers import dosing
from PySide6.QtCore import Qt

from kapnotes.domain.models import Client, Course, Modality, SessionKind
from kapnotes.domain.screening import Answer, ScreenItem
from kapnotes.ui.dialogs.client_dialog import ClientDialog
from kapnotes.ui.dialogs.screening_dialog import ScreeningDialog
from kapnotes.ui.export_runner import ExportController

ME = "Dr Demo Clinician"
LEFT = Qt.MouseButton.LeftButton


def _client(services, code: str, clinician: str) -> int:
    client = services.clients.create(Client(code=code, full_name=f"Client {code}"))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 10, 1)))
    services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                  starts_at=datetime(2026, 10, 1, 10), clinician=clinician,
                                  modality=Modality.IN_PERSON)
    return int(client.id)


def test_the_packet_file_name_counts_the_clients_chosen(qtbot, services, tmp_path: Path) -> None:
    services.vault.actor.clinician = ME
    ids = [_client(services, "KAP-201", ME), _client(services, "KAP-202", "Dr Other Person"),
           _client(services, "KAP-203", "Dr Other Person")]
    parent_dialogs = ExportController(services, None, status=lambda _m: None,
                                      opener=lambda _p: None, folder=tmp_path)
    dlg = parent_dialogs.export_packet()
    qtbot.addWidget(dlg)
    assert dlg.options.path_edit.text().endswith("(1 client).pdf")
    dlg.client_list.item(1).setCheckState(Qt.CheckState.Checked)  # a second client ticked
    assert dlg.chosen_ids() == ids[:2]
    assert dlg.options.path_edit.text().endswith("(2 clients).pdf")
    qtbot.mouseClick(dlg.all_button, LEFT)
    assert dlg.options.path_edit.text().endswith("(3 clients).pdf")
    # A name the user typed is theirs: ticking more no longer changes it.
    dlg.options.path_edit.setText(str(tmp_path / "For supervision.pdf"))
    qtbot.mouseClick(dlg.mine_button, LEFT)
    assert dlg.options.path_edit.text().endswith("For supervision.pdf")


def test_a_refusal_goes_once_the_field_is_fixed(qtbot, services) -> None:
    dlg = ClientDialog(services)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.code_edit, "KAP-300")
    qtbot.mouseClick(dlg.save_button, LEFT)
    assert dlg.error_label.isVisible()
    assert dlg.error_label.text() == "Full name: is required."
    qtbot.keyClicks(dlg.full_name_edit, "Wren Example")
    assert not dlg.error_label.isVisible()  # fixed: the old message does not linger


def test_a_screening_refusal_goes_once_the_screen_is_changed(qtbot, services) -> None:
    client_id = _client(services, "KAP-301", ME)
    dlg = ScreeningDialog(services.monitoring, client_id)
    qtbot.addWidget(dlg)
    dlg.show()
    for item in ScreenItem:
        dlg.set_answer(item, Answer.NO)
    qtbot.mouseClick(dlg.save_button, LEFT)
    assert dlg.error.isVisible() and dlg.error.text().startswith("Screened by")
    qtbot.keyClicks(dlg.screened_by, ME)
    assert not dlg.error.isVisible()


def test_counts_agree_with_their_nouns(services, clock) -> None:
    client_id = _client(services, "KAP-302", ME)
    course = services.courses.for_client(client_id)[0]
    dose = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                         starts_at=clock.now, clinician=ME)
    # Screened and a pre-dose reading first: the dose gate refuses a device without them.
    dosing.ready_to_dose(services, dose.id, clock.now, minutes_before=0)
    clock.advance(minutes=1)
    services.monitoring.add_device(dose.id)
    clock.advance(minutes=1)
    blockers = services.notes.sign_blockers(dose.id)
    assert "Monitoring lasted 1 minute, less than the 2-hour minimum." in blockers
