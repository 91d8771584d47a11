"""Start-up work that can overlap: deriving the vault key while the window's modules load.

PBKDF2-HMAC-SHA512 at 256,000 iterations (~130 ms) releases the GIL, so on a machine with two
cores the imports the window needs for its first paint (~120 ms of CPU) and Qt's font
database run alongside it instead of after it. The worker thread runs PBKDF2 alone: the key
file is read before it starts and the slot opened after, on the main thread, so the worker
never waits for the interpreter's lock while the main thread imports. What the window builds
on first use (the services beyond the client list's: kapnotes/services/container.py) loads
after that paint, or, when the passphrase is typed, while it is typed, one module per turn of
the event loop.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kapnotes.lazy import lazy_module
from kapnotes.services.vault_access import load_opening_modules, unlock_vault, unwrap_in_steps

if TYPE_CHECKING:
    from kapnotes import policy
    from kapnotes.services.vault_access import Vault
else:
    # Read (a refused entry logged) once the unlock dialog is on screen: its module and file
    # are not needed to paint the dialog (kapnotes/cli reads it at exit if it was not).
    policy = lazy_module("kapnotes.policy")

# What runs the window once the vault is open: services, pages, menus, idle lock; and what
# the window needs that the unlock dialog deferred (the UI settings' folder: platformdirs).
# Listed from the largest parts down, so that a loading step stays short.
WINDOW_MODULES = ("kapnotes.services.container", "kapnotes.ui.main_window",
                  "kapnotes.ui.workspace", "kapnotes.ui.practice_menu", "kapnotes.window_run",
                  "platformdirs")
# Not needed to paint the window: the services built on first use (Services.__getattr__).
LATER_MODULES = ("kapnotes.services.notes", "kapnotes.services.courses",
                 "kapnotes.services.monitoring", "kapnotes.services.measures",
                 "kapnotes.services.approvals", "kapnotes.services.s8_register",
                 "kapnotes.services.consents", "kapnotes.services.course_items",
                 "kapnotes.services.retention", "kapnotes.services.session_events",
                 "kapnotes.services.intentions", "kapnotes.services.themes")


def load_window_modules() -> None:
    """Import what the window's first paint needs (a no-op the second time); warm Qt's fonts."""
    for name in WINDOW_MODULES:
        importlib.import_module(name)
    load_opening_modules()
    _warm_up_fonts()
    _warm_up_file_readers()


def preload_window_modules() -> None:
    """While the passphrase is typed: the window's modules, then the later ones, one module
    per turn of the event loop, so a keystroke waits for one import at most."""
    from PySide6.QtCore import QTimer

    steps: list[Callable[[], object]] = [
        policy.current_policy,
        *(lambda name=name: importlib.import_module(name) for name in WINDOW_MODULES),
        load_opening_modules, _warm_up_fonts, _warm_up_file_readers,
        *(lambda name=name: importlib.import_module(name) for name in LATER_MODULES)]

    def step() -> None:
        steps.pop(0)()
        if steps:
            QTimer.singleShot(0, step)

    step()


def _warm_up_file_readers() -> None:
    """Read the templates and protocols once (results dropped) while the key is derived: the
    first read pays one-time costs (resource lookup, parsers; ~5 ms) that the window's own
    read, after the unlock, then does not."""
    from kapnotes.services.container import load_templates
    from kapnotes.services.protocols import load_practice_protocols

    try:
        load_templates()
        load_practice_protocols()
    except Exception:  # a head start only: the window's own read reports any problem
        pass


def _warm_up_fonts() -> None:
    """Let Qt load its font database now (tens of ms), not at the window's first paint."""
    from PySide6.QtGui import QFontDatabase, QFontMetrics, QGuiApplication

    if QGuiApplication.instance() is None:  # a headless caller: nothing to warm
        return
    QFontDatabase.families()
    metrics = QFontMetrics(QGuiApplication.font())
    metrics.horizontalAdvance("KAP Notes — Ready 0123456789")


def unlock_overlapped(path: Path, passphrase: str, *, deep_check: bool) -> Vault:
    """Derive the key on a worker thread while the window's modules load, then open."""
    derive, open_slot = unwrap_in_steps(path, passphrase=passphrase)
    kek = _Worker(derive)
    load_window_modules()
    data_key = open_slot(kek.result())  # a wrong passphrase raises here, before the vault
    return unlock_vault(path, passphrase=passphrase, data_key=data_key,
                        check_integrity=deep_check)


class _Worker:
    """One call on its own thread; `result()` waits, and raises what the call raised. A plain
    thread: `concurrent.futures` is ~3 ms of imports before the derivation could start."""

    def __init__(self, call: Callable[[], bytes]) -> None:
        self._call = call
        self._value: bytes | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="kapnotes-kdf", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._call()
        except BaseException as exc:  # handed to the caller, as it would have met it
            self._error = exc

    def result(self) -> bytes:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value
