"""Export dialogs and the runner: options, password twice or generated, packet choice,
rendering off the GUI thread with progress, cancel, the audit entry, nothing opened in tests."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kapnotes.domain.models import Client, Course, Modality, SessionKind
from kapnotes.services import exports
from kapnotes.storage import audit
from kapnotes.ui.dialogs.export_dialog import ExportChoice, ExportDialog
from kapnotes.ui.dialogs.export_packet_dialog import ExportPacketDialog
from kapnotes.ui.export_runner import ExportController, ExportRunner

ME = "Dr Demo Clinician"


def make_client(services: object, code: str, name: str, clinician: str) -> int:
    client = services.clients.create(Client(code=code, full_name=name,
                                            date_of_birth=date(1980, 5, 6)))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 10, 1)))
    s = services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                      starts_at=datetime(2026, 10, 1, 10), clinician=clinician,
                                      modality=Modality.IN_PERSON)
    services.notes.save_fields(s.id, {"reasons": "Low mood for years."})
    return client.id


@pytest.fixture
def clients(services: object) -> list[int]:
    services.vault.actor.clinician = ME
    return [make_client(services, "KAP-101", "Aino Fictus", ME),
            make_client(services, "KAP-102", "Bram Imaginary", "Dr Other Person"),
            make_client(services, "KAP-103", "Cleo Madeup", ME)]


def test_options_default_to_deidentified_and_password_needs_two_matching(qtbot,
                                                                         tmp_path: Path) -> None:
    dlg = ExportDialog(kind="session", suggested_name="KAP-101 note.pdf", folder=tmp_path)
    qtbot.addWidget(dlg)
    p = dlg.options
    assert p.deidentify_check.isChecked() and not p.private_check.isChecked()
    assert not p.audit_check.isVisibleTo(dlg)  # sessions have no course audit section
    assert p.path_edit.text() == str(tmp_path / "KAP-101 note.pdf")
    assert not p.password_edit.isEnabled()
    emitted: list[ExportChoice] = []
    dlg.export_requested.connect(emitted.append)

    p.protect_check.setChecked(True)
    qtbot.keyClicks(p.password_edit, "short")
    qtbot.keyClicks(p.confirm_edit, "short")
    dlg.accept()
    assert "at least 10" in dlg.error_label.text() and not emitted
    p.password_edit.setText("long enough 1")
    p.confirm_edit.setText("long enough 2")
    dlg.accept()
    assert "do not match" in dlg.error_label.text() and not emitted

    generated = p.generate()
    assert p.password_edit.text() == p.confirm_edit.text() == generated
    assert generated in p.generated_label.text() and p.generated_label.isVisibleTo(dlg)
    dlg.accept()
    [choice] = emitted
    assert choice.password == generated and choice.deidentified
    assert generated not in repr(choice)  # never printed by accident


def test_existing_file_is_replaced_only_when_confirmed(qtbot, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"old")
    dlg = ExportDialog(kind="course", suggested_name="a.pdf", folder=tmp_path)
    qtbot.addWidget(dlg)
    emitted: list[ExportChoice] = []
    dlg.export_requested.connect(emitted.append)
    dlg.confirm_replace = lambda _path: False
    dlg.accept()
    assert not emitted
    dlg.confirm_replace = lambda _path: True
    dlg.options.audit_check.setChecked(True)
    dlg.accept()
    assert emitted[0].include_audit and emitted[0].path == tmp_path / "a.pdf"


def test_the_dialog_refuses_the_backups_folder_and_a_link_to_the_vault(qtbot,
                                                                      tmp_path: Path) -> None:
    vault = tmp_path / "vault.kapnotes"
    vault.write_bytes(b"vault")
    (tmp_path / "backups").mkdir()
    link = tmp_path / "note.pdf"
    link.symlink_to(vault)
    dlg = ExportDialog(kind="course", suggested_name="a.pdf", folder=tmp_path)
    qtbot.addWidget(dlg)
    dlg.options.vault_path = vault
    dlg.confirm_replace = lambda _path: True  # even when the user says "Replace"
    emitted: list[ExportChoice] = []
    dlg.export_requested.connect(emitted.append)
    for target, words in ((tmp_path / "backups" / "a.pdf", "backups folder"),
                          (link, "is the vault")):
        dlg.options.path_edit.setText(str(target))
        dlg.accept()
        assert words in dlg.error_label.text() and not emitted
    assert vault.read_bytes() == b"vault"


def test_packet_dialog_defaults_to_my_active_clients(qtbot, services: object,
                                                     clients: list[int], tmp_path: Path) -> None:
    rows = exports.active_clients(services)
    assert [(c.code, who.mine) for c, who in rows] == [
        ("KAP-101", True), ("KAP-102", False), ("KAP-103", True)]
    dlg = ExportPacketDialog(rows, suggested_name="packet.pdf", folder=tmp_path)
    qtbot.addWidget(dlg)
    assert dlg.chosen_ids() == [clients[0], clients[2]]
    assert dlg.count_label.text() == "2 chosen"
    dlg.select([])
    assert dlg.chosen_ids() == []
    emitted: list[tuple[list[int], ExportChoice]] = []
    dlg.export_requested.connect(lambda ids, c: emitted.append((ids, c)))
    dlg.accept()
    assert "at least one client" in dlg.error_label.text() and not emitted
    qtbot.keyClicks(dlg.filter_edit, "bram")
    assert [dlg.client_list.item(i).isHidden() for i in range(3)] == [True, False, True]
    dlg.all_button.click()  # all shown by the filter
    assert dlg.chosen_ids() == [clients[1]]
    dlg.mine_button.click()
    assert dlg.chosen_ids() == [clients[0], clients[2]]
    dlg.accept()
    assert emitted[0][0] == [clients[0], clients[2]] and emitted[0][1].deidentified


def _job(services: object, client_id: int) -> exports.ExportJob:
    return exports.build_course_report(services, client_id, exports.options_for(services))


def test_runner_renders_off_thread_records_and_opens(qtbot, services: object,
                                                     clients: list[int], tmp_path: Path) -> None:
    opened: list[Path] = []
    choice = ExportChoice(path=tmp_path / "KAP-101.pdf", password="correct horse 12")
    runner = ExportRunner(services, _job(services, clients[0]), choice, opener=opened.append)
    with qtbot.waitSignal(runner.finished, timeout=30000) as blocker:
        runner.start()
    assert blocker.args == [str(choice.path)]
    assert opened == [choice.path]
    assert runner.highest == runner.progress.maximum()  # the bar filled as pages were laid out
    reader = PdfReader(io.BytesIO(choice.path.read_bytes()))
    assert reader.is_encrypted and reader.decrypt("correct horse 12")
    assert "KAP-101" in reader.pages[0].extract_text()
    entry = audit.entries(services.vault)[-1]
    assert (entry.event, entry.record_type) == ("export.pdf", "course")
    assert "Aino" not in entry.detail and "deidentified=yes" in entry.detail
    assert not runner.progress.isVisible()


def test_runner_refuses_the_vault_key_file_even_after_the_replace_question(
        qtbot, services: object, clients: list[int]) -> None:
    """The save dialog may have asked "Replace?", but the vault's own files are never it."""
    key_file = services.vault.path.with_name(services.vault.path.name + ".keys")
    before = key_file.read_bytes()
    runner = ExportRunner(services, _job(services, clients[0]), ExportChoice(path=key_file),
                          opener=lambda p: None)
    with qtbot.waitSignal(runner.failed, timeout=30000) as blocker:
        runner.start()
    assert "vault" in blocker.args[0] and "choose another file" in blocker.args[0]
    assert key_file.read_bytes() == before


def test_cancel_stops_the_runner_and_leaves_no_file(qtbot, services: object,
                                                    clients: list[int], tmp_path: Path) -> None:
    opened: list[Path] = []
    out = tmp_path / "exports"
    out.mkdir()
    choice = ExportChoice(path=out / "out.pdf")
    runner = ExportRunner(services, _job(services, clients[0]), choice, opener=opened.append)
    runner.stop.set()  # as if Cancel was pressed before the first page was laid out
    before = len(audit.entries(services.vault))
    with qtbot.waitSignal(runner.cancelled, timeout=30000):
        runner.start()
    assert list(out.iterdir()) == [] and opened == []
    assert len(audit.entries(services.vault)) == before


def test_cancel_button_of_the_progress_dialog(qtbot, services: object, clients: list[int],
                                              tmp_path: Path) -> None:
    runner = ExportRunner(services, _job(services, clients[0]),
                          ExportChoice(path=tmp_path / "out.pdf"), opener=lambda p: None)
    runner.progress.findChild(QPushButton).click()
    assert runner.stop.is_set()
    assert runner.progress.labelText() == "Cancelling…"


def test_controller_from_dialog_to_file(qtbot, services: object, clients: list[int],
                                        tmp_path: Path) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    opened: list[Path] = []
    messages: list[str] = []
    ctl = ExportController(services, parent, status=messages.append, opener=opened.append,
                           folder=tmp_path)
    dlg = ctl.export_course(clients[0])
    assert dlg.options.path_edit.text().endswith("KAP-101 course summary 2026-11-20.pdf")
    dlg.options.deidentify_check.setChecked(False)
    dlg.accept()
    assert ctl.runner is not None
    qtbot.waitUntil(lambda: bool(opened), timeout=30000)
    assert "Aino Fictus" in PdfReader(str(opened[0])).pages[0].extract_text()
    assert messages[-1].startswith("Exported KAP-101 course summary")


def test_file_menu_export_follows_the_page(qtbot, services: object, clients: list[int],
                                           tmp_path: Path, settings: object) -> None:
    from kapnotes.ui.main_window import MainWindow
    from kapnotes.ui.workspace import Workspace

    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    ws = Workspace(window, services, signer_name=ME)
    ws.exports.controller.folder = tmp_path
    assert window.export_action.isEnabled()
    names = [a.objectName() for a in window.file_menu.actions()]
    assert names.index("export_packet") == names.index("export") + 1
    assert ws.exports.export_current() is None  # start page: nothing to export
    ws.open_client(clients[0])
    dlg = ws.exports.export_current()
    assert dlg is not None and dlg.windowTitle() == "Export course summary"
    dlg.close()
    ws.client_view.export_button.click()  # the client page's own button does the same
    assert ws.exports.controller.dialog.windowTitle() == "Export course summary"
    ws.exports.controller.dialog.close()
    session_id = services.notes.sessions_for_course(
        services.courses.for_client(clients[0])[0].id)[0].id
    ws.open_session(session_id)
    window.export_action.trigger()
    assert ws.exports.controller.dialog.windowTitle() == "Export session note"
    ws.exports.controller.dialog.close()
    ws.editor.export_button.click()  # the note's own button does the same
    assert ws.exports.controller.dialog.windowTitle() == "Export session note"
    ws.exports.controller.dialog.close()
    window.findChild(type(window.export_action), "export_packet").trigger()
    packet = ws.exports.controller.dialog
    assert packet.windowTitle() == "Export supervision packet"
    assert Qt.CheckState.Checked == packet.client_list.item(0).checkState()
    packet.close()


def test_cancel_while_rendering(qtbot, services: object, clients: list[int], tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    runner = ExportRunner(services, _job(services, clients[0]), ExportChoice(path=out / "x.pdf"),
                          opener=lambda p: None)

    def slow_render(report: object, *, password: object, progress: object) -> bytes:
        progress(0.3)  # rendering has begun …
        runner.stop.wait(20)  # … and goes on until the user cancels
        progress(0.6)  # the next progress report notices the cancel
        return b"%PDF never written"

    monkeypatch.setattr("kapnotes.export.pdf.render_pdf", slow_render)
    with qtbot.waitSignal(runner.cancelled, timeout=30000):
        runner.start()
        qtbot.waitUntil(lambda: runner.progress.value() >= 300, timeout=10000)
        runner.progress.findChild(QPushButton).click()
    assert list(out.iterdir()) == []
    assert not runner.running and runner.worker_thread.isFinished()


def test_three_exports_in_a_row_in_one_window(qtbot, services: object, clients: list[int],
                                              tmp_path: Path, settings: object) -> None:
    """Issue 14: after the first export the dialog was deleted and every later export raised
    'Internal C++ object (ExportDialog) already deleted'. Button, Ctrl+P, then the packet."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QApplication

    from kapnotes.ui.main_window import MainWindow
    from kapnotes.ui.workspace import Workspace

    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    window.show()
    ws = Workspace(window, services, signer_name=ME)
    opened: list[Path] = []
    ws.exports.controller.folder = tmp_path
    ws.exports.controller.opener = opened.append
    reviewed: list[tuple[str, ...]] = []  # the de-identification review, answered "Save PDF"
    ws.exports.controller.review = lambda places: reviewed.append(places) is None
    ws.open_client(clients[0])

    def finish_export(name: str) -> None:
        dialog = ws.exports.controller.dialog
        dialog.options.path_edit.setText(str(tmp_path / name))
        dialog.accept()
        qtbot.waitUntil(lambda: len(opened) == int(name[0]), timeout=30000)
        QApplication.processEvents()  # the closed dialog is really deleted here
        qtbot.wait(50)

    ws.client_view.export_button.click()
    finish_export("1-button.pdf")
    assert window.export_action.shortcut() == QKeySequence("Ctrl+P")
    window.export_action.trigger()
    finish_export("2-ctrl-p.pdf")
    window.findChild(type(window.export_action), "export_packet").trigger()
    finish_export("3-packet.pdf")
    assert [p.name for p in opened] == ["1-button.pdf", "2-ctrl-p.pdf", "3-packet.pdf"]
    assert len(reviewed) == 3  # de-identified by default: each export was offered for review
    for path in opened:
        reader = PdfReader(str(path))
        assert len(reader.pages) >= 1 and "KAP-101" in reader.pages[0].extract_text()


def test_packet_dialog_says_a_client_without_sessions_is_nobody_elses(
        qtbot, services: object, clients: list[int], tmp_path: Path) -> None:
    """File → Export supervision packet: a new client whose course has no session yet is not
    "(other clinician)"; only a client whose sessions were all held by someone else is."""
    new = services.clients.create(Client(code="KAP-104", full_name="Dara Newcomer"))
    services.courses.create(Course(client_id=new.id, protocol="esketamine",
                                   start_date=date(2026, 11, 1)))
    ctl = ExportController(services, None, status=lambda _m: None, opener=lambda _p: None,
                           folder=tmp_path)
    dlg = ctl.export_packet()
    qtbot.addWidget(dlg)
    texts = {dlg.client_list.item(i).text().split(" — ")[0]: dlg.client_list.item(i).text()
             for i in range(dlg.client_list.count())}
    assert "other clinician" in texts["KAP-102"]
    assert "other clinician" not in texts["KAP-104"]
    assert texts["KAP-104"].endswith("(no sessions yet)")
    assert "(" not in texts["KAP-101"]
    assert dlg.chosen_ids() == [clients[0], clients[2]]  # still only the sessions I held
