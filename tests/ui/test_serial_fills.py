"""The app's QApplication paints on the GUI thread alone (kapnotes/ui/serial_fills.py): a
tall scroll bar, whose groove Qt's raster engine would otherwise split over helper threads,
is painted without starting any. Run in a fresh process: the pool is decided once per
process, and the test session's QApplication exists already."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from pathlib import Path
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollBar
if sys.argv[1] == "app":
    from kapnotes.app import application
    app = application()
else:
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])
bar = QScrollBar(Qt.Orientation.Vertical)
bar.resize(16, 900)
bar.setRange(0, 1000)
image = bar.grab().toImage()
threads = [p.read_text().strip() for p in Path("/proc/self/task").glob("*/comm")]
print(sum(name.startswith("Thread (pooled)") for name in threads), image.height())
"""


def _pooled_threads(kind: str) -> tuple[int, int]:
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GUI_THREADPOOL"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run([sys.executable, "-c", PROBE, kind], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    threads, height = done.stdout.split()
    return int(threads), int(height)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads read from /proc")
def test_the_app_paints_a_tall_scroll_bar_without_helper_threads() -> None:
    threads, height = _pooled_threads("app")
    assert height == 900  # it was painted
    assert threads == 0
    # The probe can see them: a plain QApplication starts Qt's fill threads for the same bar.
    assert _pooled_threads("plain")[0] > 0
