"""Our dialogs keep Qt's own methods: an attribute or method of ours named like one of Qt's
(`create`, `result`, `screen`, `thread`) replaced it for every Python caller. mypy in
`make lint` now refuses such a name; these tests show what each one broke."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QThread
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QDialog

from kapnotes.domain.models import Client, Course
from kapnotes.services import exports
from kapnotes.ui.dialogs.create_vault import CreateVaultDialog
from kapnotes.ui.dialogs.export_dialog import ExportChoice
from kapnotes.ui.dialogs.measure_dialog import MeasureDialog
from kapnotes.ui.dialogs.screening_dialog import ScreeningDialog
from kapnotes.ui.export_runner import ExportRunner


def test_qt_create_makes_the_window_not_a_vault(qtbot, vault_path: Path) -> None:
    """QWidget.create() builds the native window; it used to create the vault instead."""
    dlg = CreateVaultDialog(vault_path)
    qtbot.addWidget(dlg)
    dlg.passphrase_edit.setText("lantern orchard 42 quietly")
    dlg.confirm_edit.setText("lantern orchard 42 quietly")
    dlg.create()
    assert not vault_path.exists()
    dlg.create_clicked()
    assert vault_path.exists()


def test_measure_dialog_result_is_the_dialog_code(qtbot, services) -> None:
    """QDialog.result() used to be the live score (not callable once a total was typed)."""
    client_id = services.clients.create(Client(code="KAP-852", full_name="Lee Sample")).id
    dlg = MeasureDialog(services, client_id, scale_id="phq9")
    qtbot.addWidget(dlg)
    for item_id in map(str, range(1, 10)):
        qtbot.keyClicks(dlg.item_boxes[item_id], "1")
    assert dlg.preview_result is not None and dlg.preview_result.total == 9
    assert dlg.result() == QDialog.DialogCode.Rejected


def test_screening_dialog_screen_is_the_display(qtbot, services) -> None:
    """QWidget.screen() used to return the typed-in screening record."""
    client_id = services.clients.create(Client(code="KAP-853", full_name="Ari Sample")).id
    dlg = ScreeningDialog(services.monitoring, client_id)
    qtbot.addWidget(dlg)
    assert isinstance(dlg.screen(), QScreen)
    assert dlg.entered_screen().answers == ()


def test_export_runner_thread_is_its_own_qt_thread(qtbot, services, tmp_path: Path) -> None:
    """QObject.thread() used to be the worker thread object itself (not callable)."""
    client_id = services.clients.create(Client(code="KAP-854", full_name="Kai Sample")).id
    services.courses.create(Course(client_id=client_id, protocol="esketamine",
                                   start_date=date(2026, 11, 2)))
    job = exports.build_course_report(services, client_id, exports.options_for(services))
    runner = ExportRunner(services, job, ExportChoice(tmp_path / "kai.pdf"))
    assert runner.thread() is QThread.currentThread()
    assert runner.worker_thread is not runner.thread()
