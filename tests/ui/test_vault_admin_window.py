"""The window's vault actions go through the same services as the CLI
(kapnotes/services/vault_admin.py), so they leave the same audit entries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from kapnotes.services.audit_log import read_audit_log
from kapnotes.services.vault_access import Vault, unlock_vault
from kapnotes.ui.main_window import MainWindow

NEW = "copper heron 7 meadow drift"


def test_window_and_cli_log_a_passphrase_change_alike(qtbot, open_vault: Vault,
                                                     passphrase: str, settings,
                                                     tmp_path: Path) -> None:
    window = MainWindow(open_vault, settings=settings)
    qtbot.addWidget(window)
    dlg = window.open_change_passphrase()
    qtbot.keyClicks(dlg.current_edit, passphrase)
    qtbot.keyClicks(dlg.new_edit, NEW)
    qtbot.keyClicks(dlg.confirm_edit, NEW)
    with qtbot.waitSignal(window.passphrase_changed, timeout=5000):
        qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
    window_entry = read_audit_log(open_vault).entries[-1]
    open_vault.close()

    # The same change back, from the command line (the real console entry).
    old_file, new_file = tmp_path / "old.txt", tmp_path / "new.txt"
    old_file.write_text(NEW + "\n")
    new_file.write_text(passphrase + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "kapnotes", "passwd", "--vault", str(open_vault.path),
         "--passphrase-file", str(old_file), "--new-passphrase-file", str(new_file)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    with unlock_vault(open_vault.path, passphrase=passphrase) as vault:
        cli_entry = read_audit_log(vault).entries[-1]

    assert (window_entry.event, window_entry.detail) == ("vault.passphrase_change",
                                                         "via passphrase")
    assert (cli_entry.event, cli_entry.detail) == (window_entry.event, window_entry.detail)


def test_the_same_passphrase_again_is_refused_in_the_dialog(qtbot, open_vault: Vault,
                                                           passphrase: str, settings) -> None:
    window = MainWindow(open_vault, settings=settings)
    qtbot.addWidget(window)
    dlg = window.open_change_passphrase()
    qtbot.keyClicks(dlg.current_edit, passphrase)
    qtbot.keyClicks(dlg.new_edit, passphrase)
    qtbot.keyClicks(dlg.confirm_edit, passphrase)
    qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
    assert "same as the current one" in dlg.error_label.text()
    assert passphrase not in dlg.error_label.text()
    assert dlg.isVisible()
