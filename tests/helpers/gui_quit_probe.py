"""Start the real `kapnotes` GUI entry on a vault, let its unlock dialog show, then quit it.

`python tests/helpers/gui_quit_probe.py VAULT MODE`: MODE `at-once` quits the dialog in the
first turn of its event loop (before the steps it defers past its first paint have run);
`after-preload` lets the deferred steps (`kapnotes.startup.preload_window_modules`) finish
first. Prints JSON with the modules loaded when the dialog was quit; the exit code is the
entry's own.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

import kapnotes.startup

loaded: list[str] = []


def _quit_dialogs() -> None:
    loaded.extend(sorted(sys.modules))
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()


if __name__ == "__main__":
    vault, mode = sys.argv[1], sys.argv[2]
    real_preload = kapnotes.startup.preload_window_modules
    if mode == "at-once":
        def preload() -> None:  # in place of the deferred steps: the user quits first
            QTimer.singleShot(0, _quit_dialogs)
    else:
        def preload() -> None:
            real_preload()
            QTimer.singleShot(2000, _quit_dialogs)  # the steps take one turn each

    kapnotes.startup.preload_window_modules = preload
    from kapnotes.cli import main

    code = main(["--vault", vault])
    print(json.dumps(loaded), flush=True)
    sys.exit(code)
