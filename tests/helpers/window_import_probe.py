"""Unlock a vault as the GUI does and print the modules loaded when the main window has painted.

`python tests/helpers/window_import_probe.py VAULT PASSPHRASE`: the app's own path after the
passphrase is known (`kapnotes.app.open_with_passphrase`, which derives the key while the
window's modules load, then `kapnotes.window_run.run_window`); once the window is shown and
the event loop has gone idle twice (its first paint done), prints `{"shown": [...],
"modules": sorted(sys.modules)}` as JSON and exits.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kapnotes.app import application, open_with_passphrase
    from kapnotes.ui.prompter import MessageBoxPrompter

    app = application()
    prompter = MessageBoxPrompter()
    vault = open_with_passphrase(Path(sys.argv[1]), sys.argv[2], prompter, deep_check=False)
    from kapnotes.window_run import run_window

    def report() -> None:
        shown = [type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()]
        print(json.dumps({"shown": shown, "modules": sorted(sys.modules)}), flush=True)
        os._exit(0)

    QTimer.singleShot(0, lambda: QTimer.singleShot(0, report))
    run_window(app, vault, prompter)


if __name__ == "__main__":
    main()
