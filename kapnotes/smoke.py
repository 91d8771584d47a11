"""Start-up smoke check for built bundles: open an existing vault without dialogs, show the
main window, quit after a moment with exit code 0.

Only reached when `KAPNOTES_SMOKE_EXIT_MS` is set (app.run_gui). It never creates a vault and
takes the passphrase from `KAPNOTES_PASSPHRASE`, the same automation-only variable the CLI
accepts; messages go to stderr, so no modal box can hang a headless build machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kapnotes.app import EXIT_ERROR, SMOKE_ENV
from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.passphrase import ENV_PASSPHRASE
from kapnotes.services.vault_access import unlock_vault
from kapnotes.window_run import run_window

MAX_SMOKE_MS = 600_000


class StderrPrompter:
    """Every message printed; every question answered "no" (nothing is changed)."""

    def error(self, title: str, text: str) -> None:
        _say(f"{title}: {text}")

    def warn(self, title: str, text: str) -> None:
        _say(f"{title}: {text}")

    def info(self, title: str, text: str) -> None:
        _say(f"{title}: {text}")

    def confirm(self, title: str, text: str, *, yes: str, no: str,
                destructive: bool = False) -> bool:
        _say(f"{title}: {text} → {no}")
        return False


def _say(text: str) -> None:
    print(f"kapnotes smoke: {text}", file=sys.stderr)


def run_smoke(app: QApplication, path: Path) -> int:
    raw = os.environ.get(SMOKE_ENV, "")
    if not raw.isdigit() or not 0 < int(raw) <= MAX_SMOKE_MS:
        _say(f"{SMOKE_ENV} must be milliseconds, 1–{MAX_SMOKE_MS}")
        return EXIT_ERROR
    passphrase = os.environ.get(ENV_PASSPHRASE)
    if passphrase is None or not path.exists():
        _say(f"needs an existing vault ({path}) and {ENV_PASSPHRASE}")
        return EXIT_ERROR
    try:
        vault = unlock_vault(path, passphrase=passphrase)
    except KapNotesError as exc:
        _say(exc.message)
        return EXIT_ERROR
    code = run_window(app, vault, StderrPrompter(), quit_after_ms=int(raw))
    _say(f"main window shown, closed after {raw} ms, exit {code}")
    return code
