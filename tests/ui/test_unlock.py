"""Create, unlock and recovery dialogs against real vaults in tmp_path (no exec(), no mocks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.recording import file_digest
from PySide6.QtCore import Qt

from kapnotes.domain.errors import WrongPassphraseError
from kapnotes.domain.passphrase import MIN_LENGTH
from kapnotes.storage import lifecycle
from kapnotes.storage.keyfile import key_file_for
from kapnotes.storage.vault import Vault
from kapnotes.ui.dialogs.create_vault import CreateVaultDialog
from kapnotes.ui.dialogs.recovery_key import RecoveryKeyDialog, recovery_sheet
from kapnotes.ui.dialogs.unlock import UnlockDialog, default_delay

NEW_PASSPHRASE = "copper heron 7 meadow drift"


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# -- create ---------------------------------------------------------------------------------
def test_create_refuses_mismatch_with_a_message(qtbot, vault_path: Path) -> None:
    dlg = CreateVaultDialog(vault_path)
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.passphrase_edit, "lantern orchard 42")
    qtbot.keyClicks(dlg.confirm_edit, "lantern orchard 43")
    click(qtbot, dlg.create_button)
    assert "do not match" in dlg.error_label.text()
    assert not dlg.error_label.isHidden()
    assert not vault_path.exists()


def test_create_refuses_too_short(qtbot, vault_path: Path) -> None:
    dlg = CreateVaultDialog(vault_path)
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.passphrase_edit, "short")
    qtbot.keyClicks(dlg.confirm_edit, "short")
    assert "too short" in dlg.strength_label.text()
    click(qtbot, dlg.create_button)
    assert f"at least {MIN_LENGTH}" in dlg.error_label.text()
    assert not vault_path.exists()


def test_strength_hint_follows_typing(qtbot, vault_path: Path) -> None:
    dlg = CreateVaultDialog(vault_path)
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.passphrase_edit, "password12")
    assert dlg.strength_label.text().startswith("Strength: weak")
    dlg.passphrase_edit.setText("Juniper kettle 93 oboe; violet")
    assert dlg.strength_label.text().startswith("Strength: strong")


def test_create_makes_a_real_vault_and_offers_its_recovery_key(
    qtbot, vault_path: Path, passphrase: str
) -> None:
    dlg = CreateVaultDialog(vault_path)
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.passphrase_edit, passphrase)
    qtbot.keyClicks(dlg.confirm_edit, passphrase)
    with qtbot.waitSignal(dlg.created, timeout=5000) as sig:
        click(qtbot, dlg.create_button)
    created = sig.args[0]
    try:
        assert isinstance(created.vault, Vault)
        assert created.vault.path == vault_path and vault_path.exists()
        assert dlg.passphrase_edit.text() == "" and dlg.confirm_edit.text() == ""
    finally:
        created.vault.close()

    printed: list[str] = []
    keys = RecoveryKeyDialog(created.recovery_key, vault_path,
                             printer=lambda doc, parent: printed.append(doc.toPlainText()))
    qtbot.addWidget(keys)
    assert keys.key_label.text() == created.recovery_key
    assert keys.key_label.font().pointSize() >= 16
    assert not keys.continue_button.isEnabled()
    keys.reject()  # Esc must not skip the key before it is stored
    assert keys.result() == 0 and not keys.stored_checkbox.isChecked()
    click(qtbot, keys.print_button)
    assert created.recovery_key in printed[0] and str(vault_path) in printed[0]
    click(qtbot, keys.copy_button)
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == created.recovery_key
    keys.stored_checkbox.setChecked(True)
    assert keys.continue_button.isEnabled()


def test_recovery_sheet_escapes_the_path(tmp_path: Path) -> None:
    doc = recovery_sheet("ABCD-EFGH", tmp_path / "a<b>.kapnotes")
    assert "a<b>.kapnotes" in doc.toPlainText()


# -- unlock ---------------------------------------------------------------------------------
def test_wrong_passphrase_is_a_clear_error_and_changes_no_byte(
    qtbot, new_vault: Path
) -> None:
    before = (file_digest(new_vault), file_digest(key_file_for(new_vault)))
    dlg = UnlockDialog(new_vault)
    qtbot.addWidget(dlg)
    opened: list[object] = []
    dlg.unlocked.connect(opened.append)
    qtbot.keyClicks(dlg.passphrase_edit, "not the passphrase at all")
    click(qtbot, dlg.unlock_button)
    assert "Wrong passphrase" in dlg.error_label.text()
    assert not dlg.error_label.isHidden()
    assert opened == [] and dlg.failures == 1
    assert dlg.unlock_button.isEnabled()  # the first failures cost nothing
    assert (file_digest(new_vault), file_digest(key_file_for(new_vault))) == before


def test_right_passphrase_emits_an_open_vault(qtbot, new_vault: Path, passphrase: str) -> None:
    dlg = UnlockDialog(new_vault)
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.passphrase_edit, passphrase)
    with qtbot.waitSignal(dlg.unlocked, timeout=5000) as sig:
        click(qtbot, dlg.unlock_button)
    vault = sig.args[0]
    try:
        assert isinstance(vault, Vault) and vault.path == new_vault
        assert vault.query_one("SELECT 1")[0] == 1
        assert dlg.passphrase_edit.text() == ""  # not left lying in the widget
    finally:
        vault.close()


def test_recovery_key_and_new_passphrase_unlock(qtbot, vault_path: Path, passphrase: str) -> None:
    created = lifecycle.create_vault(vault_path, passphrase)
    created.vault.close()
    dlg = UnlockDialog(vault_path)
    qtbot.addWidget(dlg)
    click(qtbot, dlg.forgot_button)
    assert dlg.pages.currentIndex() == 1
    # Typed as read off paper: lower case, spaces instead of dashes.
    qtbot.keyClicks(dlg.recovery_edit, created.recovery_key.lower().replace("-", " "))
    qtbot.keyClicks(dlg.new_fields.passphrase_edit, NEW_PASSPHRASE)
    qtbot.keyClicks(dlg.new_fields.confirm_edit, NEW_PASSPHRASE)
    with qtbot.waitSignal(dlg.unlocked, timeout=5000) as sig:
        click(qtbot, dlg.reset_button)
    sig.args[0].close()
    # The new passphrase is now the one; the old one no longer opens the vault.
    assert lifecycle.data_key_for(vault_path, passphrase=NEW_PASSPHRASE)
    with pytest.raises(WrongPassphraseError):
        lifecycle.data_key_for(vault_path, passphrase=passphrase)


def test_wrong_recovery_key_is_refused(qtbot, new_vault: Path) -> None:
    before = file_digest(key_file_for(new_vault))
    dlg = UnlockDialog(new_vault)
    qtbot.addWidget(dlg)
    dlg.show_recovery()
    qtbot.keyClicks(dlg.recovery_edit, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    qtbot.keyClicks(dlg.new_fields.passphrase_edit, NEW_PASSPHRASE)
    qtbot.keyClicks(dlg.new_fields.confirm_edit, NEW_PASSPHRASE)
    click(qtbot, dlg.reset_button)
    assert "recovery key does not unlock" in dlg.recovery_error_label.text()
    assert file_digest(key_file_for(new_vault)) == before


def test_repeated_failures_slow_down_with_a_countdown(qtbot, tmp_path: Path) -> None:
    # A stand-in opener keeps this test free of key derivation; the real one is tested above.
    def opener(_: str) -> Vault:
        raise WrongPassphraseError("Wrong passphrase: the vault was not opened.")

    delays: list[int] = []

    def delay_for(failures: int) -> int:
        delays.append(failures)
        return default_delay(failures)

    dlg = UnlockDialog(tmp_path / "vault.kapnotes", opener=opener, delay_for=delay_for)
    qtbot.addWidget(dlg)
    for _ in range(2):
        dlg.passphrase_edit.setText("guess")
        click(qtbot, dlg.unlock_button)
        assert dlg.unlock_button.isEnabled()
    dlg.passphrase_edit.setText("guess")
    click(qtbot, dlg.unlock_button)
    assert not dlg.unlock_button.isEnabled() and not dlg.reset_button.isEnabled()
    assert dlg.seconds_left == 5 and "5 s" in dlg.wait_label.text()
    assert not dlg.wait_label.isHidden()
    dlg.unlock()  # Enter while waiting does nothing
    assert dlg.failures == 3
    for _ in range(5):
        dlg.tick()
    assert dlg.unlock_button.isEnabled() and dlg.wait_label.isHidden()
    dlg.passphrase_edit.setText("guess")
    click(qtbot, dlg.unlock_button)
    assert dlg.seconds_left == 10  # it grows
    assert delays == [1, 2, 3, 4]


def test_default_delay_grows_and_is_capped() -> None:
    assert [default_delay(n) for n in range(1, 7)] == [0, 0, 5, 10, 20, 40]
    assert default_delay(50) == 300


def test_print_to_file_never_targets_the_vault_or_its_files(new_vault: Path,
                                                            tmp_path: Path) -> None:
    from kapnotes.ui.dialogs.recovery_key import print_target_refusal

    key_file = new_vault.with_name(new_vault.name + ".keys")
    for target in (new_vault, key_file, new_vault.parent / "backups" / "key.pdf"):
        assert "choose another" in print_target_refusal(str(target), new_vault)
    assert print_target_refusal(str(tmp_path / "recovery-key.pdf"), new_vault) == ""
    assert print_target_refusal("", new_vault) == ""  # a real printer
