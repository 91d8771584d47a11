"""Rows for the real console entry (bench/launch_probe.py and `kapnotes check`), kept apart
from measure.py: launch → unlock dialog painted beside a bare dialog, and `kapnotes check` on
the bench vault beside a process that runs only the whole-file checks."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.measure import PROBE_TIMEOUT_S, REPO, Row

ISSUE_CHECK_S = 6.0  # `kapnotes check` on the bench vault when issue 16 was filed
CHECK_TARGET_S = 0.55 * ISSUE_CHECK_S


def _launch(runner: Any, mode: str) -> dict[str, Any]:
    cmd = [sys.executable, str(REPO / "bench" / "launch_probe.py"), mode,
           "--vault", str(runner.cv.path)]
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=REPO, env=runner.env, capture_output=True, text=True,
                          timeout=PROBE_TIMEOUT_S, check=False)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"launch probe {mode} failed ({done.returncode}):\n"
                           f"{done.stderr[-3000:]}")
    out = json.loads(lines[-1][6:])
    return {**out, "ms": (out["ready"] - started) * 1000}


def launch_unlock(runner: Any) -> Row:
    """The `kapnotes` command started on an existing vault until its unlock dialog is painted,
    paired sample by sample with a fresh process showing a bare QDialog."""
    times, floors, text_floors, shown = [], [], [], []
    for _ in range(runner.repeat):
        floors.append(_launch(runner, "floor")["ms"])
        text_floors.append(_launch(runner, "floor_text")["ms"])
        got = _launch(runner, "app")
        times.append(got["ms"])
        shown = got["shown"]
    if shown != ["UnlockDialog"]:
        raise RuntimeError(f"the app showed {shown}, not the unlock dialog")
    time_ms, floor = statistics.median(times), statistics.median(floors)
    text_floor = statistics.median(text_floors)
    return Row("launch_unlock", "launch (`kapnotes` command) → unlock dialog painted", time_ms,
               floor, "ms", "≤ 1.3× floor", time_ms <= 1.3 * floor, times, floors,
               {"floor_is": "fresh process: QApplication + bare QDialog shown and painted",
                "text_floor_ms": round(text_floor, 3),
                "text_floor_samples": [round(t, 3) for t in text_floors],
                "ratio_to_text_floor": round(time_ms / text_floor, 2),
                "text_floor_is": "the same with a label, a password field and a button"})


_CHECK_FLOOR = """
import sys
from pathlib import Path
from kapnotes.storage import keyfile
from kapnotes.storage.vault import connect_keyed
path = Path(sys.argv[1])
key = keyfile.read_key_file(keyfile.key_file_for(path)).unlock(
    passphrase=Path(sys.argv[2]).read_text(encoding="utf-8").strip())
conn = connect_keyed(path, key)
conn.execute("PRAGMA integrity_check").fetchall()
try:  # the pages integrity_check does not read (free-list leaves, past the end)
    from kapnotes.storage.page_macs import unread_page_problems
except ImportError:  # a checkout from before it: SQLCipher's check of every page
    conn.execute("PRAGMA cipher_integrity_check").fetchall()
else:
    unread_page_problems(path, key)
"""


def _timed(cmd: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Wall milliseconds of one run; its CPU seconds (user + sys) appended to `cpu`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=PROBE_TIMEOUT_S, check=False)
    wall_ms = (time.monotonic() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[1:4]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(round(after.ru_utime + after.ru_stime
                         - before.ru_utime - before.ru_stime, 3))
    return wall_ms


def _console_entry() -> list[str]:
    """The `kapnotes` command as installed (the console script beside this interpreter);
    `python -m kapnotes`, the same `kapnotes.cli.main`, where there is none."""
    script = Path(sys.executable).with_name("kapnotes")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kapnotes"]


def check_cli(runner: Any) -> Row:
    """`kapnotes check` (whole-file checks, audit chain, every signed note's seal) through
    the installed console entry, from launch to exit, paired with a process that unwraps
    the key and runs only the whole-file checks, one after the other: SQLite's
    integrity_check (which verifies the HMAC of every page it reads) and the HMAC of the
    pages it does not read (storage/page_macs.py; in a checkout from before that module,
    SQLCipher's cipher_integrity_check of every page). The floor uses the usual 64 MB page
    cache; `check` gives integrity_check a cache as large as the file (file_checks.py)."""
    cv = runner.cv
    cmd = [*_console_entry(), "check", "--vault", str(cv.path),
           "--passphrase-file", str(cv.passphrase_path)]
    floor_cmd = [sys.executable, "-c", _CHECK_FLOOR, str(cv.path), str(cv.passphrase_path)]
    times: list[float] = []
    floors: list[float] = []
    cpu: list[float] = []
    for _ in range(runner.repeat):
        floors.append(_timed(floor_cmd, runner.env))
        times.append(_timed(cmd, runner.env, cpu))
    time_ms, floor = statistics.median(times), statistics.median(floors)
    seals = cv.meta().get("rows", {}).get("sessions")
    return Row("check_cli", "kapnotes check, launch → exit (whole file, audit chain, every "
               "seal)", time_ms, floor, "ms", f"≤ {CHECK_TARGET_S * 1000:,.0f} ms (55 % of "
               f"~{ISSUE_CHECK_S:.0f} s)", time_ms <= CHECK_TARGET_S * 1000, times, floors,
               {"floor_is": "fresh process: key unwrap + integrity_check + the HMAC of the "
                "pages it does not read, sequential", "sessions": seals,
                "command": " ".join(Path(c).name for c in cmd[:2]), "cpu_s": cpu,
                "cpu_median_s": statistics.median(cpu), "load_average": os.getloadavg()})
