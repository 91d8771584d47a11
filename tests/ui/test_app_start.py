"""Start-up refusals and rescue: second instance, damaged vault → newest good backup."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from helpers.recording import RecordingPrompter, file_digest

from kapnotes.app import (
    StartupAbort,
    ensure_not_in_use,
    open_with_passphrase,
    resolve_vault_path,
)
from kapnotes.storage import lifecycle
from kapnotes.storage.backups import list_backups, take_backup
from kapnotes.storage.keyfile import key_file_for
from kapnotes.storage.process_lock import VaultProcessLock


def damage(path: Path) -> None:
    """Flip bytes inside the third page: the integrity check fails, the size stays whole."""
    data = bytearray(path.read_bytes())
    for i in range(4096 * 2, 4096 * 2 + 2000):
        data[i] ^= 0x55
    path.write_bytes(bytes(data))


def test_vault_path_from_argument_or_environment(data_dir: Path, tmp_path: Path) -> None:
    assert resolve_vault_path(None) == data_dir / "vault.kapnotes"
    assert resolve_vault_path(str(tmp_path / "x.kapnotes")) == tmp_path / "x.kapnotes"


def test_second_instance_is_refused_without_writing(new_vault: Path, passphrase: str) -> None:
    before = (file_digest(new_vault), file_digest(key_file_for(new_vault)))
    prompter = RecordingPrompter()
    with VaultProcessLock(new_vault):  # the "first instance"
        with pytest.raises(StartupAbort) as refused:
            ensure_not_in_use(new_vault, prompter)
        assert refused.value.exit_code == 1
        assert prompter.kinds() == ["error"]
        assert "already open" in prompter.messages[0][2]
        # Even if it got past the first check (a race), unlocking refuses the same way.
        with pytest.raises(StartupAbort):
            open_with_passphrase(new_vault, passphrase, prompter)
    assert (file_digest(new_vault), file_digest(key_file_for(new_vault))) == before
    ensure_not_in_use(new_vault, RecordingPrompter())  # free again once the other one quits


def test_damaged_vault_offers_and_restores_newest_good_backup(
    vault_path: Path, passphrase: str
) -> None:
    created = lifecycle.create_vault(vault_path, passphrase)
    vault = created.vault
    vault.execute("CREATE TABLE IF NOT EXISTS test_marker (n INTEGER)")  # fictional marker
    vault.execute("INSERT INTO test_marker VALUES (1)")
    take_backup(vault, tag="auto", now=datetime(2026, 11, 1, 9, 0))
    vault.execute("INSERT INTO test_marker VALUES (2)")
    take_backup(vault, tag="auto", now=datetime(2026, 11, 2, 9, 0))
    vault.close()
    newest = list_backups(vault_path)[0]
    damage(newest.path)  # the newest backup is bad too: the older one must be used
    damage(vault_path)

    prompter = RecordingPrompter(confirm=True)
    reopened = open_with_passphrase(vault_path, passphrase, prompter)
    try:
        rows = [r[0] for r in reopened.query("SELECT n FROM test_marker")]
    finally:
        reopened.close()
    assert rows == [1]
    assert prompter.kinds() == ["confirm", "info"]
    assert "damaged" in prompter.messages[0][2].lower()
    assert "Sun 1 Nov 2026" in prompter.messages[1][2]
    assert any(b.tag.endswith("replaced") for b in list_backups(vault_path))  # kept aside


def test_declining_the_restore_exits_and_leaves_the_file(
    vault_path: Path, passphrase: str
) -> None:
    created = lifecycle.create_vault(vault_path, passphrase)
    take_backup(created.vault, tag="auto", now=datetime(2026, 11, 1, 9, 0))
    created.vault.close()
    damage(vault_path)
    before = file_digest(vault_path)
    prompter = RecordingPrompter(confirm=False)
    with pytest.raises(StartupAbort):
        open_with_passphrase(vault_path, passphrase, prompter)
    assert file_digest(vault_path) == before


def test_first_run_end_to_end_through_the_real_window(qtbot, data_dir: Path,
                                                      passphrase: str) -> None:
    """run_gui(): create dialog → recovery key → main window → Quit, driven by a timer."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kapnotes.app import run_gui
    from kapnotes.ui.dialogs.create_vault import CreateVaultDialog
    from kapnotes.ui.dialogs.recovery_key import RecoveryKeyDialog
    from kapnotes.ui.main_window import MainWindow

    seen: list[str] = []

    def drive() -> None:
        modal = QApplication.activeModalWidget()
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if isinstance(modal, CreateVaultDialog):
            modal.passphrase_edit.setText(passphrase)
            modal.confirm_edit.setText(passphrase)
            seen.append("create")
            modal.create_clicked()
        elif isinstance(modal, RecoveryKeyDialog):
            seen.append("recovery key")
            modal.stored_checkbox.setChecked(True)
            modal.continue_button.click()
        elif windows:
            seen.append("main window")
            windows[0].quit_action.trigger()
            return
        if len(seen) < 20:
            QTimer.singleShot(20, drive)

    QTimer.singleShot(20, drive)
    assert run_gui(None) == 0
    assert seen == ["create", "recovery key", "main window"]
    vault = data_dir / "vault.kapnotes"
    assert [b.tag for b in list_backups(vault)] == ["auto"]  # on open; close finds it done
    settings_text = (data_dir / "ui-settings.ini").read_text(encoding="utf-8", errors="replace")
    assert "geometry" in settings_text and passphrase not in settings_text


def test_restore_from_the_menu_swaps_the_open_vault(vault_path: Path, passphrase: str) -> None:
    from kapnotes.domain.errors import WrongPassphraseError
    from kapnotes.ui.restore_flow import restore_open_vault

    vault = lifecycle.create_vault(vault_path, passphrase).vault
    vault.execute("CREATE TABLE test_marker (n INTEGER)")
    backup = take_backup(vault, tag="manual", now=datetime(2026, 11, 1, 9, 0))
    vault.execute("INSERT INTO test_marker VALUES (1)")
    with pytest.raises(WrongPassphraseError):  # checked before anything is closed
        restore_open_vault(vault, backup, "not the passphrase at all")
    assert vault.query_one("SELECT count(*) FROM test_marker")[0] == 1  # still open
    restored, error = restore_open_vault(vault, backup, passphrase)
    try:
        assert error is None
        assert restored.query_one("SELECT count(*) FROM test_marker")[0] == 0
    finally:
        restored.close()
