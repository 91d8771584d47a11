"""After real GUI sessions (create, type a note, lock, a wrong and a right passphrase, quit,
start again, unlock, quit) no file the app wrote holds the passphrase, the recovery key or the
note in plain text, and nothing with data in it is readable by other users."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kapnotes.app import run_gui
from kapnotes.domain.models import Client, Course
from kapnotes.ui.dialogs.create_vault import CreateVaultDialog
from kapnotes.ui.dialogs.recovery_key import RecoveryKeyDialog
from kapnotes.ui.dialogs.unlock import UnlockDialog
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.window_lock import WindowLock
from kapnotes.ui.workspace import Workspace

NOTE = "Fictional account: the heron by the weir came back"
WRONG = "fictional wrong guess 99"


def drive(handlers: dict[type, Callable[[object], None]], seen: list[str]) -> None:
    """Answer whatever the app shows next from a timer (modal dialogs, then the window)."""

    def tick() -> None:
        modal = QApplication.activeModalWidget()
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        target = modal if modal is not None else (windows[0] if windows else None)
        for kind, handle in handlers.items():
            if isinstance(target, kind):
                seen.append(kind.__name__)
                handle(target)
                if kind is MainWindow:
                    return  # the window quits itself
                break
        if len(seen) < 30:
            QTimer.singleShot(20, tick)

    QTimer.singleShot(20, tick)


def spellings(secret: str) -> list[bytes]:
    return [secret.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def test_no_secret_or_note_text_in_any_file_and_owner_only_modes(
    qtbot, data_dir: Path, tmp_path: Path, passphrase: str
) -> None:
    recovery: list[str] = []

    def create(dialog: CreateVaultDialog) -> None:
        dialog.passphrase_edit.setText(passphrase)
        dialog.confirm_edit.setText(passphrase)
        dialog.create_clicked()

    def keep_key(dialog: RecoveryKeyDialog) -> None:
        recovery.append(dialog.key_label.text())
        dialog.stored_checkbox.setChecked(True)
        dialog.continue_button.click()

    def first_session(window: MainWindow) -> None:
        ws = window.findChild(Workspace)
        lock = window.findChild(WindowLock)
        services = ws.services
        client = services.clients.create(Client(code="KAP-970", full_name="Vale Example"))
        course = services.courses.create(Course(client_id=client.id, protocol="custom",
                                                start_date=services.clock().date()))
        ws.new_session(course.id, "integration")
        field = ws.editor.form.editor("client_account").edit
        window.activateWindow()
        QApplication.processEvents()
        field.setFocus()
        assert QApplication.focusWidget() is field
        field.insertPlainText(NOTE)
        field.selectAll()
        field.copy()  # on the clipboard: the lock must take it off again
        window.lock_action.trigger()
        assert lock.locked
        lock.screen.passphrase_edit.setText(WRONG)
        lock.screen.unlock()
        lock.screen.passphrase_edit.setText(passphrase)
        lock.screen.unlock()
        assert not lock.locked
        window.quit_action.trigger()

    def unlock(dialog: UnlockDialog) -> None:
        dialog.passphrase_edit.setText(passphrase)
        dialog.unlock()

    def second_session(window: MainWindow) -> None:
        ws = window.findChild(Workspace)
        assert ws.services.clients.by_code("KAP-970") is not None
        window.quit_action.trigger()

    seen: list[str] = []
    drive({CreateVaultDialog: create, RecoveryKeyDialog: keep_key, MainWindow: first_session},
          seen)
    assert run_gui(None) == 0
    drive({UnlockDialog: unlock, MainWindow: second_session}, seen)
    assert run_gui(None) == 0
    assert seen == ["CreateVaultDialog", "RecoveryKeyDialog", "MainWindow", "UnlockDialog",
                    "MainWindow"]
    assert recovery and QApplication.clipboard().text() != NOTE

    secrets = {"passphrase": passphrase, "wrong guess": WRONG, "recovery key": recovery[0],
               "recovery key, bare": recovery[0].replace("-", ""), "note text": NOTE}
    folders = [data_dir, tmp_path / "qsettings"]
    files = [p for folder in folders if folder.exists() for p in folder.rglob("*")
             if p.is_file()]
    names = {p.name for p in files}
    assert {"vault.kapnotes", "vault.kapnotes.keys", "ui-settings.ini"} <= names
    for path in files:
        raw = path.read_bytes()
        for what, secret in secrets.items():
            for spelled in spellings(secret):
                assert spelled not in raw, f"{what} found in {path.relative_to(tmp_path)}"

    # Owner-only: every file the app wrote, or else the folder that holds it.
    for path in files:
        if not path.is_relative_to(data_dir):
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        folder_mode = stat.S_IMODE(path.parent.stat().st_mode)
        private = mode & 0o077 == 0 or (path.parent != data_dir and folder_mode & 0o077 == 0)
        assert private, f"{path.relative_to(data_dir)} is {oct(mode)} in {oct(folder_mode)}"
    vault_files = [p for p in files if p.name.startswith("vault.kapnotes")]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in vault_files), [
        (p.name, oct(stat.S_IMODE(p.stat().st_mode))) for p in vault_files]
    assert os.name != "nt"  # modes mean nothing on Windows; this test is for POSIX desktops
