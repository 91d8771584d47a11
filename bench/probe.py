"""One measurement in its own process: `python -m bench.probe OPERATION --vault … --repeat N`.

Prints a single `BENCH {json}` line. Start-up probes report `time.monotonic()` at the moment
the window is shown and the event loop idle; the parent subtracts its own monotonic reading
taken just before it started this process (the clock is system-wide), so interpreter start
and every import count, as they do for a therapist double-clicking the app.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROBES: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {}


def probe(name: str) -> Callable[[Callable[[argparse.Namespace], dict[str, Any]]],
                                 Callable[[argparse.Namespace], dict[str, Any]]]:
    def register(fn: Callable[[argparse.Namespace], dict[str, Any]]
                 ) -> Callable[[argparse.Namespace], dict[str, Any]]:
        PROBES[name] = fn
        return fn
    return register


@probe("startup")
def startup(args: argparse.Namespace) -> dict[str, Any]:
    """The app's own start-up path, with the passphrase given instead of typed."""
    marks: dict[str, float] = {}
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kapnotes.app import (
        application,
        audit_unlock,
        ensure_not_in_use,
        open_with_passphrase,
        warn_if_network,
    )
    from kapnotes.storage.unlock_failures import FailedUnlocks
    from kapnotes.ui.prompter import MessageBoxPrompter
    marks["imported"] = time.monotonic()
    from bench.qt_util import idle, memory_mb

    app = application()
    prompter = MessageBoxPrompter()
    path = Path(args.vault)
    ensure_not_in_use(path, prompter)
    warn_if_network(path, prompter)
    marks["app"] = time.monotonic()
    # As the unlock dialog does: the whole-file check runs behind the window.
    vault = open_with_passphrase(path, args.passphrase, prompter, deep_check=False)
    audit_unlock(vault, FailedUnlocks.for_vault(path), reset_by_recovery=False)
    marks["unlocked"] = time.monotonic()
    # Loaded while the key was derived, as in the app (importing it earlier would not be).
    from kapnotes.ui.main_window import MainWindow
    from kapnotes.window_run import run_window

    result: dict[str, Any] = {}

    def ready() -> None:
        idle()
        result["ready"] = time.monotonic()
        result["cpu_ms"] = time.process_time() * 1000  # every thread's, to the first paint
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = windows[0]
        result["exposed"] = bool(window.windowHandle() and window.windowHandle().isExposed())
        result["page"] = window.current_page().objectName()
        result["memory_mb"] = memory_mb()
        window.close()

    QTimer.singleShot(0, ready)
    run_window(app, vault, prompter)  # returns when the window closes
    return {"ready": result["ready"], "marks": marks, **{k: v for k, v in result.items()
                                                          if k != "ready"}}


@probe("startup_floor")
def startup_floor(args: argparse.Namespace) -> dict[str, Any]:
    """A bare window and one key derivation (the app's key-file unwrap): the machine's floor."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    from bench.qt_util import idle, memory_mb
    from kapnotes.storage import keyfile

    app = QApplication(sys.argv[:1])
    keyfile.read_key_file(keyfile.key_file_for(Path(args.vault))).unlock(
        passphrase=args.passphrase)
    window = QMainWindow()
    window.resize(1280, 760)
    window.show()
    result: dict[str, Any] = {}

    def ready() -> None:
        idle()
        result["ready"] = time.monotonic()
        result["cpu_ms"] = time.process_time() * 1000
        result["memory_mb"] = memory_mb()
        window.close()
        app.quit()

    QTimer.singleShot(0, ready)
    app.exec()
    return result


def main(argv: list[str] | None = None) -> int:
    # Registers the in-process probes.
    from bench import probes_ops, probes_pdf  # noqa: F401

    parser = argparse.ArgumentParser(prog="python -m bench.probe")
    parser.add_argument("operation", choices=sorted(PROBES))
    parser.add_argument("--vault", required=True)
    parser.add_argument("--passphrase-file", required=True)
    parser.add_argument("--meta", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    args.passphrase = Path(args.passphrase_file).read_text(encoding="utf-8").strip()
    args.facts = json.loads(Path(args.meta).read_text(encoding="utf-8"))
    out = PROBES[args.operation](args)
    print("BENCH " + json.dumps(out), flush=True)
    sys.stderr.flush()
    # Skip interpreter teardown: PySide6 can crash while garbage-collecting Qt objects at
    # exit, after the result is out. Everything the probe wrote is committed already.
    os._exit(0)


if __name__ == "__main__":
    # Run the module's imported copy, the one `probes_ops` registers its probes with.
    from bench import probe as registered

    sys.exit(registered.main())
