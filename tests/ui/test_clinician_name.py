"""The clinician's name lives in the vault's settings and fills in every place a person is
named: the sign and addendum dialogs, a (re-)screen, the screening acknowledgement."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QSettings

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.services.clinician import clinician_name, set_clinician_name
from kapnotes.ui.dialogs.screening_ack import ScreeningAckBanner
from kapnotes.ui.dialogs.screening_dialog import ScreeningDialog
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.session_editor import SessionEditor
from kapnotes.window_run import start_workspace

NAME = "Dr Imani Example"


def _dose(services) -> tuple[int, int]:
    client = services.clients.create(Client(code="KAP-610", full_name="Rowan Example"))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 11, 2)))
    session = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                            starts_at=datetime(2026, 11, 20, 9, 0),
                                            clinician="")
    return int(client.id), int(session.id)


def test_the_old_per_user_name_moves_into_the_vault(qtbot, services, settings, prompter) -> None:
    settings.setValue("clinician/name", NAME)
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    workspace = start_workspace(window, prompter)
    assert clinician_name(services.vault) == NAME
    assert workspace.signer_name == NAME and services.vault.actor.clinician == NAME


def test_re_screening_names_the_clinician_without_typing(qtbot, services) -> None:
    client_id, _ = _dose(services)
    answers = tuple(ScreenAnswer(item, Answer.NO) for item in ScreenItem)
    services.monitoring.save_screen(client_id, Screen(date(2026, 11, 1), answers, ()),
                                    screened_by="Dr Former Screener")
    # No name in settings yet: the last screener is offered and may be changed.
    first = ScreeningDialog(services.monitoring, client_id)
    qtbot.addWidget(first)
    assert first.screened_by.text() == "Dr Former Screener"
    assert not first.screened_by.isReadOnly()

    set_clinician_name(services.vault, NAME)
    again = ScreeningDialog(services.monitoring, client_id, screened_by="")
    qtbot.addWidget(again)
    assert again.screened_by.text() == NAME and again.screened_by.isReadOnly()


def test_sign_addendum_and_acknowledgement_take_the_name(qtbot, services) -> None:
    set_clinician_name(services.vault, NAME)
    _, session_id = _dose(services)
    banner = ScreeningAckBanner(services.monitoring, session_id)
    qtbot.addWidget(banner)
    assert banner.by.text() == NAME and banner.by.isReadOnly()

    editor = SessionEditor(services, session_id)
    qtbot.addWidget(editor)
    editor.request_sign()
    assert editor.sign_dialog.signer_edit.text() == NAME
    assert editor.sign_dialog.signer_edit.isReadOnly()


def test_settings_keeps_the_name_in_the_vault(qtbot, services, settings: QSettings) -> None:
    from kapnotes.services.settings_service import SettingsService
    from kapnotes.ui.dialogs.settings_dialog import SettingsDialog

    dlg = SettingsDialog(SettingsService(services.vault), settings)
    qtbot.addWidget(dlg)
    dlg.clinician_edit.setText(NAME)
    assert dlg.save()
    assert clinician_name(services.vault) == NAME
    assert settings.value("clinician/name") is None  # not in the per-user INI any more


def test_the_monitoring_record_names_the_clinician(qtbot, services) -> None:
    from kapnotes.ui.monitoring_panel import MonitoringPanel

    set_clinician_name(services.vault, NAME)
    _, session_id = _dose(services)
    panel = MonitoringPanel(services, session_id)
    qtbot.addWidget(panel)
    assert panel.dose.clinician.placeholderText() == NAME
    panel.dose.save({"lot_number": "LOT-1"})
    assert services.monitoring.details(session_id).monitoring_clinician == NAME


def test_a_re_screen_starts_from_the_medicines_the_client_takes_now(qtbot, services) -> None:
    client_id, _ = _dose(services)
    answers = tuple(ScreenAnswer(item, Answer.NO) for item in ScreenItem)
    services.monitoring.save_screen(client_id, Screen(date(2026, 11, 1), answers, ()),
                                    screened_by=NAME)
    dlg = ScreeningDialog(services.monitoring, client_id, medicines=("Lorazepam 0.5 mg prn",))
    qtbot.addWidget(dlg)
    assert dlg.medicines.toPlainText() == "Lorazepam 0.5 mg prn"
