"""A solo vault's window (File → Practice shows only Join…) never loads the practice server's
client code: psycopg is imported only once a vault joins (docs/PRACTICE-SERVER.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from kapnotes.storage import lifecycle
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.practice_menu import PracticeMenu
from kapnotes.window_run import start_workspace
from kapnotes.ui.prompter import MessageBoxPrompter
vault = lifecycle.unlock_vault(Path(sys.argv[1]), passphrase=sys.argv[2])
window = MainWindow(vault)
start_workspace(window, MessageBoxPrompter(window))
practice = PracticeMenu(window, first_sync_ms=0)
window.show()
app.processEvents()
practice.sync_action.trigger()  # hidden and disabled: does nothing
app.processEvents()
assert not practice.status_label.isVisible()
print(sorted(m for m in sys.modules if m.startswith("psycopg")))
window.close()
vault.close()
"""


def test_a_solo_window_never_imports_psycopg(new_vault: Path, passphrase: str) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", PROBE, str(new_vault), passphrase],
                            capture_output=True, text=True, timeout=120, check=False, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
