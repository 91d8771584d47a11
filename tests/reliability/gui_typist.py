"""A therapist typing into a real session editor, offscreen, one key every 100 ms.

Run by test_gui_kill.py, which SIGKILLs it mid-sentence. It prints `READY` once the editor
has focus (with `--wait-for-go`, it then waits for a GO line on stdin before the first key),
then one line per key: `K <index> <CLOCK_MONOTONIC seconds>` after the key was delivered, so
the parent knows exactly what had been typed, and when, at the kill.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TEXT = ("Client described the music as a tide that carried her back to the garden; "
        "she wept, then laughed, and asked to keep the eyeshade on a little longer. ") * 4
INTERVAL_MS = 100


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vault", required=True)
    parser.add_argument("--passphrase-file", required=True)
    parser.add_argument("--session", type=int, required=True)
    parser.add_argument("--field", required=True)
    parser.add_argument("--wait-for-go", action="store_true",
                        help="after READY, start typing only once a GO line comes on stdin")
    args = parser.parse_args()

    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from kapnotes.services.container import build_services
    from kapnotes.storage import lifecycle
    from kapnotes.ui.session_editor import SessionEditor

    app = QApplication(sys.argv[:1])
    passphrase = Path(args.passphrase_file).read_text(encoding="utf-8").strip()
    vault = lifecycle.unlock_vault(Path(args.vault), passphrase=passphrase)
    editor = SessionEditor(build_services(vault), args.session)  # the app's own timings
    editor.resize(1200, 800)
    editor.show()
    target = editor.form.editor(args.field).edit
    target.setFocus()
    position = [0]

    def type_next() -> None:
        i = position[0]
        if i >= len(TEXT):
            return
        QTest.keyClicks(target, TEXT[i])
        position[0] += 1
        sys.stdout.write(f"K {i} {time.monotonic():.4f}\n")
        sys.stdout.flush()

    timer = QTimer()
    timer.timeout.connect(type_next)
    print("READY", flush=True)
    if args.wait_for_go and sys.stdin.readline().strip() != "GO":
        return 0  # the test no longer needs this typist
    timer.start(INTERVAL_MS)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
