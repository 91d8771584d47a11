"""Qt's raster engine paints on the GUI thread alone.

By default Qt hands every fill of 96 or more pixel rows (a tall scroll bar's groove, a
list's background) to a pool of helper threads and waits for them: for the widget-sized
fills this app paints, the hand-off costs more than the fill (a first client open: ~1.5 ms
of CPU of its ~30, futex wake-ups and the helpers' scheduling; docs/BENCHMARKS.md). The same
code fills the same pixels either way, in one piece instead of in 64-row strips.
"""

from __future__ import annotations

import os

# Read by Qt once, when the pool is first asked for (the first large fill): set before the
# QApplication is made.
NO_GUI_THREAD_POOL = "QT_NO_GUI_THREADPOOL"


def keep_fills_on_the_gui_thread() -> None:
    os.environ.setdefault(NO_GUI_THREAD_POOL, "1")
