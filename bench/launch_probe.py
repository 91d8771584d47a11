"""Launch → unlock dialog painted: `python bench/launch_probe.py MODE --vault PATH`.

A script, not `bench.probe`: that module's own imports would count. MODE `app` runs the real
console entry (`kapnotes.cli.main` with no command: the GUI, as the `kapnotes` command and
the desktop launcher run it) on an existing vault, so the unlock dialog is what shows;
`floor` shows a bare `QDialog` in the same kind of fresh process; `floor_text` one with a
label, a password field and a button (text on screen loads Qt's fonts, which a bare dialog
never does). Each reports `time.monotonic()` once a dialog window has become the focus
window (shown and exposed) and the event loop has gone idle twice after that (its first
paint done); the parent subtracts its own reading from just before it started the process.
The only hook in the app's path is an import hook that wraps `kapnotes.app.application` to
connect one signal: no event filter slows the app.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import sys
import time
from typing import Any


def _report(window: Any) -> None:
    from PySide6.QtWidgets import QApplication

    shown = [type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()]
    print("BENCH " + json.dumps({"ready": time.monotonic(), "shown": shown,
                                 "exposed": bool(window.isExposed())}), flush=True)
    os._exit(0)


def watch(app: Any) -> None:
    """Report once the first window to take focus has painted and the loop is idle."""
    from PySide6.QtCore import QTimer

    fired: list[bool] = []

    def changed(window: Any) -> None:
        if window is None or fired:
            return
        fired.append(True)
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, lambda: _report(window)))

    app.focusWindowChanged.connect(changed)


class _WrapApplication:
    """Once `kapnotes.app` has loaded (when the entry point asks for it), wrap its
    `application()` so the QApplication it makes is watched. A finder and loader by their
    methods alone: `importlib.abc` would load `importlib.resources` and more, into the app's
    time."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "kapnotes.app":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None:
            self._loader = spec.loader
            spec.loader = self
        return spec

    def create_module(self, spec: Any) -> Any:
        return None

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)  # type: ignore[union-attr]
        real = module.application

        def application() -> Any:
            app = real()
            watch(app)
            return app

        module.application = application


def main() -> int:
    mode, vault = sys.argv[1], sys.argv[sys.argv.index("--vault") + 1]
    if mode in ("floor", "floor_text"):
        from PySide6.QtWidgets import QApplication, QDialog

        app = QApplication(sys.argv[:1])
        watch(app)
        dialog = QDialog()
        if mode == "floor_text":  # the least a passphrase dialog shows: text needs fonts
            from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout

            layout = QVBoxLayout(dialog)
            layout.addWidget(QLabel("Passphrase", dialog))
            field = QLineEdit(dialog)
            field.setEchoMode(QLineEdit.EchoMode.Password)
            layout.addWidget(field)
            layout.addWidget(QPushButton("Unlock", dialog))
        dialog.show()
        return app.exec()
    sys.meta_path.insert(0, _WrapApplication())
    from kapnotes.cli import main as kapnotes_main  # the `kapnotes` console entry

    return kapnotes_main(["--vault", vault])


if __name__ == "__main__":
    sys.exit(main())
