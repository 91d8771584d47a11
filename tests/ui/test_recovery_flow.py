"""Passphrase lost → the recovery key opens → a new passphrase is set, through the storage
functions and through the app's unlock flow; every backup carries its key file and opens
with it; failed attempts before an unlock reach the audit log, across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.recording import RecordingPrompter
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kapnotes.app import unlock_interactively
from kapnotes.domain.errors import WrongPassphraseError
from kapnotes.storage import audit, lifecycle
from kapnotes.storage.backups import list_backups, take_backup
from kapnotes.storage.keyfile import key_file_for
from kapnotes.storage.unlock_failures import counter_file_for
from kapnotes.storage.vault import connect_keyed
from kapnotes.ui.dialogs.unlock import UnlockDialog

NEW_PASSPHRASE = "copper heron 7 meadow drift"


def create_with_backup(vault_path: Path, passphrase: str) -> tuple[str, Path]:
    created = lifecycle.create_vault(vault_path, passphrase)
    vault = created.vault
    vault.execute("CREATE TABLE test_marker (n INTEGER)")  # fictional marker row
    vault.execute("INSERT INTO test_marker VALUES (41)")
    backup = take_backup(vault, tag="manual")
    vault.close()
    return created.recovery_key, backup


def marker(path: Path, data_key: bytes) -> list[int]:
    conn = connect_keyed(path, data_key)
    try:
        return [r[0] for r in conn.execute("SELECT n FROM test_marker").fetchall()]
    finally:
        conn.close()


def test_lost_passphrase_recovered_through_the_storage_functions(
    vault_path: Path, passphrase: str
) -> None:
    recovery, _backup = create_with_backup(vault_path, passphrase)
    with pytest.raises(WrongPassphraseError):
        lifecycle.unlock_vault(vault_path, passphrase="what was it again")
    with lifecycle.unlock_vault(vault_path, recovery_key=recovery) as vault:
        assert [r[0] for r in vault.query("SELECT n FROM test_marker")] == [41]
    lifecycle.reset_passphrase_with_recovery(vault_path, recovery_key=recovery,
                                             new=NEW_PASSPHRASE)
    with lifecycle.unlock_vault(vault_path, passphrase=NEW_PASSPHRASE) as vault:
        assert [r[0] for r in vault.query("SELECT n FROM test_marker")] == [41]
    with pytest.raises(WrongPassphraseError):
        lifecycle.data_key_for(vault_path, passphrase=passphrase)
    # The recovery key keeps working after the reset.
    assert lifecycle.data_key_for(vault_path, recovery_key=recovery)


def test_every_backup_carries_its_key_file_and_opens_with_it(
    vault_path: Path, passphrase: str
) -> None:
    recovery, backup = create_with_backup(vault_path, passphrase)
    assert key_file_for(backup).exists()
    assert all(b.key_path.exists() for b in list_backups(vault_path))
    assert key_file_for(backup).stat().st_mode & 0o077 == 0
    # The backup alone (its own key file, the vault gone) opens with the passphrase …
    vault_path.unlink()
    key_file_for(vault_path).unlink()
    assert marker(backup, lifecycle.data_key_for(backup, passphrase=passphrase)) == [41]
    # … and with the recovery key when the passphrase is lost.
    assert marker(backup, lifecycle.data_key_for(backup, recovery_key=recovery)) == [41]


def drive_unlock_dialog(steps: list) -> None:
    """Answer the modal unlock dialog from a timer, one step per call."""

    def tick() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, UnlockDialog) and steps:
            steps.pop(0)(modal)
        if steps:
            QTimer.singleShot(20, tick)

    QTimer.singleShot(20, tick)


def test_lost_passphrase_recovered_through_the_unlock_dialog_and_audited(
    qtbot, vault_path: Path, passphrase: str
) -> None:
    recovery, _backup = create_with_backup(vault_path, passphrase)

    def wrong(dialog: UnlockDialog) -> None:
        dialog.passphrase_edit.setText("what was it again")
        dialog.unlock()
        assert dialog.failures == 1

    def recover(dialog: UnlockDialog) -> None:
        dialog.show_recovery()
        dialog.recovery_edit.setText(recovery)
        dialog.new_fields.passphrase_edit.setText(NEW_PASSPHRASE)
        dialog.new_fields.confirm_edit.setText(NEW_PASSPHRASE)
        dialog.reset_with_recovery_key()

    drive_unlock_dialog([wrong, recover])
    vault = unlock_interactively(vault_path, RecordingPrompter())
    assert vault is not None
    try:
        events = [(e.event, e.outcome, e.detail) for e in audit.entries(vault)]
    finally:
        vault.close()
    assert events[-3][:2] == ("vault.unlock_failed", "refused")
    assert events[-3][2].startswith("1 failed attempt, first ")
    assert events[-2] == ("vault.unlock", "ok", "window")
    assert events[-1] == ("vault.passphrase_change", "ok", "via recovery key")
    assert not counter_file_for(vault_path).exists()
    assert lifecycle.data_key_for(vault_path, passphrase=NEW_PASSPHRASE)


def test_failed_attempts_survive_a_restart_and_hold_no_secret(
    qtbot, vault_path: Path, passphrase: str
) -> None:
    create_with_backup(vault_path, passphrase)
    guesses = ["first fictional guess", "second fictional guess"]

    def guess(dialog: UnlockDialog) -> None:
        dialog.passphrase_edit.setText(guesses[dialog.failures])
        dialog.unlock()

    # First run: two wrong guesses, then Quit.
    drive_unlock_dialog([guess, guess, lambda d: d.reject()])
    assert unlock_interactively(vault_path, RecordingPrompter()) is None
    counter = counter_file_for(vault_path)
    raw = counter.read_text(encoding="utf-8")
    assert '"count": 2' in raw and not any(g in raw for g in guesses)
    assert counter.stat().st_mode & 0o777 == 0o600

    # Next run: the slow-down continues where it stopped, and the unlock logs both failures.
    seen: list[int] = []

    def right(dialog: UnlockDialog) -> None:
        seen.append(dialog.failures)
        dialog.passphrase_edit.setText(passphrase)
        dialog.unlock()

    drive_unlock_dialog([right])
    vault = unlock_interactively(vault_path, RecordingPrompter())
    assert vault is not None
    try:
        failed = [e for e in audit.entries(vault) if e.event == "vault.unlock_failed"]
    finally:
        vault.close()
    assert seen == [2]
    assert len(failed) == 1 and failed[0].detail.startswith("2 failed attempts")
    assert not counter.exists()
