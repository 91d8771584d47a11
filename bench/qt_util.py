"""Small Qt helpers for the probes: wait until the event loop is idle, read peak memory."""

from __future__ import annotations

import resource
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer


def idle(hops: int = 2) -> None:
    """Run the event loop until everything queued so far (layouts, paints) is handled.

    A zero timer fires only after the events already posted; two hops also catch the
    events those handlers post (a layout request posting an update, say).
    """
    for _ in range(hops):
        loop = QEventLoop()
        QTimer.singleShot(0, loop.quit)
        loop.exec()


def memory_mb() -> dict[str, float]:
    """Peak (VmHWM) and current (VmRSS) resident memory of this process, in MB."""
    found: dict[str, float] = {}
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0]) / 1024
    if "VmHWM" not in found:  # macOS: ru_maxrss is in bytes there, kB on Linux
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        found["VmHWM"] = peak / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return found


def jsonable(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value
