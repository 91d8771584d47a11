"""File → Export all data (JSON)… / Import data (JSON)… through the real main window."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from helpers.vault_template import open_copy
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kapnotes.services import portable_export
from kapnotes.services.portable_import import Decision
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.workspace import Workspace
from tests.services.portable_data import vault_state


@pytest.fixture
def export_file(tmp_path: Path, passphrase: str, clock: Any, rich_demo_vault: Path) -> Path:
    """A whole-vault export of a separate demo vault (the source practice)."""
    out = tmp_path / "practice.json"
    with open_copy(rich_demo_vault, tmp_path / "source.kapnotes", clock, tmp_path / "st",
                   passphrase) as source:
        portable_export.export_to_file(source.vault, out)
    return out


def make_workspace(qtbot: Any, services: Any, settings: Any) -> tuple[MainWindow, Workspace]:
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    workspace = Workspace(window, services, signer_name="Dr Test Clinician")
    window.show()
    return window, workspace


def messages(ws: Workspace) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    ws.portable.message_shown.connect(lambda title, text: seen.append((title, text)))
    return seen


def test_menu_import_fills_an_empty_vault_and_refreshes_the_list(
        qtbot: Any, services: Any, settings: Any, export_file: Path) -> None:
    window, ws = make_workspace(qtbot, services, settings)
    assert ws.portable.import_action in window.file_menu.actions()
    assert ws.portable.export_action in window.file_menu.actions()
    assert ws.client_list.model.rowCount() == 0
    seen = messages(ws)
    ws.portable.choose_open_path = lambda: export_file
    ws.portable.import_action.trigger()
    assert seen[-1][0] == "Import finished"
    assert "5 clients added" in seen[-1][1]
    assert ws.client_list.model.rowCount() == 4  # the archived demo client is not listed
    assert ws.portable.progress is None  # the progress dialog is gone


def test_duplicate_question_merge_is_answered_in_the_real_dialog(
        qtbot: Any, services: Any, settings: Any, export_file: Path) -> None:
    _window, ws = make_workspace(qtbot, services, settings)
    ws.portable.import_from(export_file)
    seen = messages(ws)
    asked: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and box.objectName() == "duplicate_question"
        asked.append(box.text())
        merge = next(b for b in box.buttons() if b.text() == "Merge")
        merge.click()

    def answer_each() -> None:  # one question per duplicate client, five in all
        answer()
        if len(asked) < 5:
            QTimer.singleShot(0, answer_each)

    QTimer.singleShot(0, answer_each)
    tally = ws.portable.import_from(export_file)
    assert len(asked) == 5 and "KAP-001" in asked[0]
    assert tally is not None and (tally.clients_merged, tally.sessions) == (5, 0)
    assert seen[-1][0] == "Import finished" and "5 merged" in seen[-1][1]


def test_cancel_at_the_duplicate_question_imports_nothing(
        qtbot: Any, services: Any, settings: Any, export_file: Path) -> None:
    _window, ws = make_workspace(qtbot, services, settings)
    doc = json.loads(export_file.read_text(encoding="utf-8"))
    one = {**doc, "clients": doc["clients"][:1],
           "audit": [e for e in doc["audit"] if e["client"] == "KAP-001"]}
    first = export_file.with_name("one.json")
    first.write_text(json.dumps(one), encoding="utf-8")
    ws.portable.import_from(first)
    before = vault_state(services.vault)
    seen = messages(ws)
    ws.portable.ask = lambda code: None  # Cancel
    assert ws.portable.import_from(export_file) is None
    assert seen[-1] == ("Import cancelled", "Nothing was imported.")
    assert vault_state(services.vault) == before


def test_skip_imports_the_other_clients(qtbot: Any, services: Any, settings: Any,
                                        export_file: Path) -> None:
    _window, ws = make_workspace(qtbot, services, settings)
    ws.portable.import_from(export_file)
    ws.portable.ask = lambda code: Decision.SKIP
    tally = ws.portable.import_from(export_file)
    assert tally is not None and tally.clients_skipped == 5 and tally.sessions == 0


def test_invalid_file_is_refused_with_the_path(qtbot: Any, services: Any, settings: Any,
                                               export_file: Path) -> None:
    _window, ws = make_workspace(qtbot, services, settings)
    doc = json.loads(export_file.read_text(encoding="utf-8"))
    doc["clients"][2]["antidepressant_trials"] = 99
    bad = export_file.with_name("bad.json")
    bad.write_text(json.dumps(doc), encoding="utf-8")
    before = vault_state(services.vault)
    seen = messages(ws)
    assert ws.portable.import_from(bad) is None
    title, text = seen[-1]
    assert title == "Import refused"
    assert "clients[2].antidepressant_trials: 99 is outside 0–50" in text
    assert vault_state(services.vault) == before


def test_menu_export_writes_an_owner_only_file_and_warns(
        qtbot: Any, services: Any, settings: Any, export_file: Path, tmp_path: Path) -> None:
    _window, ws = make_workspace(qtbot, services, settings)
    ws.portable.import_from(export_file)
    out = tmp_path / "from-gui.json"
    ws.portable.choose_save_path = lambda: out
    seen = messages(ws)
    ws.portable.export_action.trigger()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert seen[-1][0] == "Export finished" and "plaintext" in seen[-1][1]
    assert json.loads(out.read_text(encoding="utf-8"))["clients"]


def test_cancel_in_the_progress_dialog_rolls_the_import_back(
        qtbot: Any, services: Any, settings: Any, export_file: Path) -> None:
    _window, ws = make_workspace(qtbot, services, settings)
    before = vault_state(services.vault)
    real_step = ws.portable._step

    def cancel_on_third(done: int, total: int) -> None:
        if done == 3 and ws.portable.progress is not None:
            ws.portable.progress.cancel()
        real_step(done, total)

    ws.portable._step = cancel_on_third  # type: ignore[method-assign]
    seen = messages(ws)
    assert ws.portable.import_from(export_file) is None
    assert seen[-1] == ("Import cancelled", "Nothing was imported.")
    assert vault_state(services.vault) == before


def test_menu_export_onto_the_vault_itself_is_refused(
        qtbot: Any, services: Any, settings: Any) -> None:
    _window, ws = make_workspace(qtbot, services, settings)
    seen = messages(ws)
    before = services.vault.path.read_bytes()
    ws.portable.choose_save_path = lambda: services.vault.path
    ws.portable.export_action.trigger()
    assert seen[-1][0] == "Export failed" and "vault" in seen[-1][1]
    assert services.vault.path.read_bytes() == before


def test_menu_export_is_dated_by_the_services_clock(
        qtbot: Any, services: Any, settings: Any, clock: Any, tmp_path: Path) -> None:
    # One clock (issue 17): the file's exported_at is the services' now, not the wall clock.
    from datetime import UTC

    _window, ws = make_workspace(qtbot, services, settings)
    clock.advance(days=400)
    out = tmp_path / "dated.json"
    ws.portable.choose_save_path = lambda: out
    ws.portable.export_action.trigger()
    stamp = json.loads(out.read_text(encoding="utf-8"))["exported_at"]
    assert stamp == clock().astimezone().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
