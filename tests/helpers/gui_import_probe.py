"""Run the real `kapnotes` GUI entry up to its unlock dialog and print the loaded modules.

`python tests/helpers/gui_import_probe.py VAULT`: the unlock dialog starts loading the window's
modules (`kapnotes.startup.preload_window_modules`) only after its first paint; this script puts
a stand-in there that prints `sorted(sys.modules)` as JSON and exits, so what it prints is all
that was imported before the dialog was on screen.
"""

from __future__ import annotations

import json
import os
import sys

import kapnotes.startup


def _print_modules_and_exit() -> None:
    print(json.dumps(sorted(sys.modules)), flush=True)
    os._exit(0)


if __name__ == "__main__":
    kapnotes.startup.preload_window_modules = _print_modules_and_exit
    from kapnotes.cli import main

    sys.exit(main(["--vault", sys.argv[1]]))
