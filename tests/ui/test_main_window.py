"""The main window over a real vault: empty state, menus, geometry, About, change passphrase."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QWidget

from kapnotes import __version__
from kapnotes.storage import lifecycle
from kapnotes.storage.backups import list_backups
from kapnotes.storage.vault import Vault
from kapnotes.ui.dialogs.about import AboutDialog
from kapnotes.ui.main_window import GEOMETRY_KEY, MainWindow

NEW_PASSPHRASE = "copper heron 7 meadow drift"


def make_window(qtbot, vault: Vault, settings: QSettings) -> MainWindow:
    window = MainWindow(vault, settings=settings)
    qtbot.addWidget(window)
    return window


def test_empty_state_says_what_to_do_first(qtbot, open_vault: Vault, settings) -> None:
    window = make_window(qtbot, open_vault, settings)
    window.show()
    assert window.centre.currentWidget() is window.empty_state
    texts = " ".join(label.text() for label in window.empty_state.findChildren(QLabel)
                     if label.isVisible())
    assert "No clients yet." in texts
    assert "File → New client (Ctrl+Shift+N)" in texts
    assert window.vault_label.text() == f"Vault: {open_vault.path.name}"
    assert window.save_state_label.text() == "All changes saved"


def test_menus_and_shortcuts(qtbot, open_vault: Vault, settings) -> None:
    window = make_window(qtbot, open_vault, settings)
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Reports", "Help"]
    shortcuts = {
        window.new_client_action: "Ctrl+Shift+N",
        window.export_action: "Ctrl+P",
        window.lock_action: "Ctrl+L",
        window.quit_action: "Ctrl+Q",
    }
    for action, keys in shortcuts.items():
        assert action.shortcut() == QKeySequence(keys), action.text()
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert window.redo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Redo)
    file_items = [a.objectName() for a in window.file_menu.actions() if not a.isSeparator()]
    assert file_items == ["new_client", "export", "backup_now", "restore_backup", "practice",
                          "change_passphrase", "audit_log", "lock", "quit"]
    assert not window.new_client_action.isEnabled()  # placeholder until clients land

    with qtbot.waitSignal(window.lock_requested, timeout=1000):
        window.lock_action.trigger()


def test_every_control_has_an_accessible_name(qtbot, open_vault: Vault, settings) -> None:
    window = make_window(qtbot, open_vault, settings)
    window.show()
    unnamed = [w for w in window.findChildren(QWidget)
               if w.isVisible() and isinstance(w, QLabel) and w.text() and not w.accessibleName()]
    assert unnamed == []
    for menu in (window.file_menu, window.edit_menu, window.view_menu, window.help_menu):
        assert menu.accessibleName()


def test_hooks_for_client_pane_and_pages(qtbot, open_vault: Vault, settings) -> None:
    window = make_window(qtbot, open_vault, settings)
    pane, page = QWidget(), QWidget()
    window.set_client_pane(pane)
    assert window.client_pane is pane and window.client_dock.widget() is pane
    window.show_page(page)
    assert window.current_page() is page
    window.show_empty_state()
    assert window.current_page() is window.empty_state
    window.show_page(page)
    window.remove_page(page)
    assert window.current_page() is window.empty_state
    window.set_save_state("Saving…")
    assert window.save_state_label.text() == "Saving…"


def test_geometry_is_saved_and_restored(qtbot, open_vault: Vault, settings) -> None:
    first = make_window(qtbot, open_vault, settings)
    first.show()
    # The offscreen screen is 800×800; restoreGeometry() clamps to it, so stay inside.
    first.setGeometry(10, 20, 780, 640)
    first.client_dock.hide()
    first.close()
    assert settings.value(GEOMETRY_KEY) is not None

    reread = QSettings(settings.fileName(), QSettings.Format.IniFormat)
    second = make_window(qtbot, open_vault, reread)
    second.show()
    assert (second.width(), second.height()) == (780, 640)
    assert second.client_dock.isHidden()


def test_first_start_fits_a_small_laptop(qtbot, open_vault: Vault, settings) -> None:
    window = make_window(qtbot, open_vault, settings)
    assert window.width() <= 1366 and window.height() <= 768
    assert window.minimumWidth() <= 1366 and window.minimumHeight() <= 768


def test_about_shows_version_and_vault_path(qtbot, open_vault: Vault, settings) -> None:
    window = make_window(qtbot, open_vault, settings)
    about = window.open_about()
    assert isinstance(about, AboutDialog)
    assert __version__ in about.version_label.text()
    assert about.vault_label.text() == str(open_vault.path)
    about.close()


def test_backup_now_writes_a_backup(qtbot, open_vault: Vault, settings) -> None:
    window = make_window(qtbot, open_vault, settings)
    with qtbot.waitSignal(window.backup_taken, timeout=5000) as sig:
        window.backup_action.trigger()
    assert Path(sig.args[0]).exists()
    assert [b.tag for b in list_backups(open_vault.path)] == ["manual"]


def test_change_passphrase_rekeys_the_real_vault(
    qtbot, open_vault: Vault, passphrase: str, settings
) -> None:
    window = make_window(qtbot, open_vault, settings)
    dlg = window.open_change_passphrase()
    qtbot.keyClicks(dlg.current_edit, "not my passphrase")
    qtbot.keyClicks(dlg.new_edit, NEW_PASSPHRASE)
    qtbot.keyClicks(dlg.confirm_edit, NEW_PASSPHRASE)
    qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
    assert "Wrong passphrase" in dlg.error_label.text()

    dlg.current_edit.setText(passphrase)
    with qtbot.waitSignal(window.passphrase_changed, timeout=5000):
        qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
    assert lifecycle.data_key_for(open_vault.path, passphrase=NEW_PASSPHRASE)


def test_change_passphrase_and_rekey_revokes_a_copied_key_file(
    qtbot, open_vault: Vault, passphrase: str, settings, tmp_path: Path
) -> None:
    from kapnotes.storage import keyfile
    from kapnotes.ui.dialogs.recovery_key import RecoveryKeyDialog

    copied = keyfile.key_file_for(open_vault.path).read_bytes()  # e.g. inside a backup
    window = make_window(qtbot, open_vault, settings)
    dlg = window.open_change_passphrase()
    qtbot.keyClicks(dlg.current_edit, passphrase)
    qtbot.keyClicks(dlg.new_edit, NEW_PASSPHRASE)
    qtbot.keyClicks(dlg.confirm_edit, NEW_PASSPHRASE)
    dlg.rekey_box.setChecked(True)
    with qtbot.waitSignal(window.passphrase_changed, timeout=10000):
        qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
    shown = window.findChild(RecoveryKeyDialog)
    assert shown is not None and shown.isVisible()
    window.grab().save(str(tmp_path / "rekeyed.png"))
    old_key = keyfile.KeyFile.from_bytes(copied, tmp_path / "copy.keys").unlock(
        passphrase=passphrase)
    assert old_key != lifecycle.data_key_for(open_vault.path, passphrase=NEW_PASSPHRASE)
    assert lifecycle.data_key_for(open_vault.path, recovery_key=shown.recovery_key)
    # The window's vault goes on working on the new key.
    with open_vault.transaction():
        open_vault.execute("INSERT INTO settings (key, value) VALUES ('after', 'rekey')")
