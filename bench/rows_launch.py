"""Rows for the real console entry (bench/launch_probe.py and `kapnotes check`), kept apart
from measure.py: launch → unlock dialog painted beside a bare dialog, and `kapnotes check` on
the bench vault beside a process that runs only the whole-file checks and one that does the
pre-issue check's work ("today")."""

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
CHECK_SHARE_OF_TODAY = 0.55  # issue 16: each check once, ≤ 55 % of "today"


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


# "Today" (issue 16): what `kapnotes check` did when the issue was filed (main at d578484,
# kapnotes/storage/vault.py then), on this vault: every open ran quick_check and SQLCipher's
# check of every page at SQLite's default cache, set the app's 64 MB cache, and `check`
# then ran integrity_check and the page check again. Its imports, key file and audit chain
# are left out, so "today" is if anything faster here than it was (the pre-issue checkout's
# own `check` on its own vault: 6.32-6.47 s, this 6.16-6.24 s; docs/BENCHMARKS.md).
_CHECK_TODAY = """
import sys
from pathlib import Path
from kapnotes.storage import keyfile
from kapnotes.storage.vault import connect_keyed
path = Path(sys.argv[1])
key = keyfile.read_key_file(keyfile.key_file_for(path)).unlock(
    passphrase=Path(sys.argv[2]).read_text(encoding="utf-8").strip())
conn = connect_keyed(path, key)
conn.execute("PRAGMA cache_size = -2000")
conn.execute("PRAGMA quick_check").fetchall()
conn.execute("PRAGMA cipher_integrity_check").fetchall()
conn.execute("PRAGMA cache_size = -65536")
conn.execute("PRAGMA integrity_check").fetchall()
conn.execute("PRAGMA cipher_integrity_check").fetchall()
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
    cache; `check` gives integrity_check a cache as large as the file (file_checks.py).
    Its target is issue 16's, ≤ 55 % of "today": the pre-issue check's work (`_CHECK_TODAY`)
    on the same vault, paired sample by sample; the issue's own figure (55 % of the ~6 s it
    measured on another machine) is kept beside it."""
    cv = runner.cv
    cmd = [*_console_entry(), "check", "--vault", str(cv.path),
           "--passphrase-file", str(cv.passphrase_path)]
    floor_cmd = [sys.executable, "-c", _CHECK_FLOOR, str(cv.path), str(cv.passphrase_path)]
    today_cmd = [sys.executable, "-c", _CHECK_TODAY, str(cv.path), str(cv.passphrase_path)]
    times: list[float] = []
    floors: list[float] = []
    todays: list[float] = []
    cpu: list[float] = []
    runs = [lambda: todays.append(_timed(today_cmd, runner.env)),
            lambda: floors.append(_timed(floor_cmd, runner.env)),
            lambda: times.append(_timed(cmd, runner.env, cpu))]
    for sample in range(runner.repeat):  # each goes first in turn: no side always warmest
        for run in runs[sample % 3:] + runs[:sample % 3]:
            run()
    time_ms, floor = statistics.median(times), statistics.median(floors)
    today = statistics.median(todays)
    seals = cv.meta().get("rows", {}).get("sessions")
    issue_ms = CHECK_SHARE_OF_TODAY * ISSUE_CHECK_S * 1000
    return Row("check_cli", "kapnotes check, launch → exit (whole file, audit chain, every "
               "seal)", time_ms, floor, "ms", f"≤ {CHECK_SHARE_OF_TODAY:.0%} of today "
               f"({CHECK_SHARE_OF_TODAY * today:,.0f} ms)",
               time_ms <= CHECK_SHARE_OF_TODAY * today, times, floors,
               {"floor_is": "fresh process: key unwrap + integrity_check + the HMAC of the "
                "pages it does not read, sequential", "sessions": seals,
                "today_is": "fresh process: key unwrap + quick_check and "
                "cipher_integrity_check (2 MB cache), then integrity_check and "
                "cipher_integrity_check (64 MB cache): the pre-issue check's work",
                "today_ms": round(today, 3), "today_samples": [round(t, 3) for t in todays],
                "share_of_today": round(time_ms / today, 3),
                "issue_figure_ms": round(issue_ms), "meets_issue_figure": time_ms <= issue_ms,
                "command": " ".join(Path(c).name for c in cmd[:2]), "cpu_s": cpu,
                "cpu_median_s": statistics.median(cpu), "load_average": os.getloadavg()})
