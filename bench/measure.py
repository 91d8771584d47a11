"""Run every probe in its own process and reduce the samples to one row per operation."""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench.sizes import CachedVault

REPO = Path(__file__).resolve().parent.parent
PROBE_TIMEOUT_S = 900
PYCACHE = REPO / "bench" / "cache" / "pycache"
# Everything a probe imports, so its bytecode is written before timing starts.
WARM_MODULES = ("kapnotes.app", "kapnotes.window_run", "kapnotes.ui.session_editor",
                "kapnotes.ui.dialogs.search_dialog", "kapnotes.services.exports",
                "kapnotes.export.pdf", "kapnotes.export.encrypt", "pypdf", "bench.probe",
                "bench.probes_ops", "bench.probes_pdf", "bench.pdf_case", "bench.qt_util",
                "kapnotes.cli.pdf_command", "kapnotes.cli", "kapnotes.ui.dialogs.unlock",
                "kapnotes.storage.seal_check", "kapnotes.storage.file_checks")


@dataclass
class Row:
    """One line of the results table."""

    id: str
    operation: str
    time: float
    floor: float
    unit: str
    target: str
    passed: bool | None  # None: no target for this row
    samples: list[float] = field(default_factory=list)
    floor_samples: list[float] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.time / self.floor if self.floor else math.inf

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "operation": self.operation, "time": round(self.time, 3),
                "floor": round(self.floor, 3), "unit": self.unit,
                "ratio": round(self.ratio, 2), "target": self.target, "pass": self.passed,
                "samples": [round(s, 3) for s in self.samples],
                "floor_samples": [round(s, 3) for s in self.floor_samples],
                "detail": self.detail}


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class Runner:
    """Starts probes with a private settings/data folder, so no real user file is touched."""

    def __init__(self, cv: CachedVault, repeat: int, log: Callable[[str], None]) -> None:
        self.cv = cv
        self.repeat = repeat
        self.log = log
        self.home = Path(tempfile.mkdtemp(prefix="kapnotes-bench-"))
        self.env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
                        XDG_CONFIG_HOME=str(self.home / "config"),
                        XDG_DATA_HOME=str(self.home / "data"),
                        XDG_STATE_HOME=str(self.home / "state"),
                        XDG_CACHE_HOME=str(self.home / "cache"),
                        # Compiled bytecode, as the installed app has it (the bundle ships
                        # .pyc; pip compiles at install). Without this, an environment with
                        # PYTHONDONTWRITEBYTECODE=1 compiled every module from source in
                        # every probe: ~170 ms of each start-up that no user pays. The
                        # caller's cache when it names one: `make test` has filled its own.
                        PYTHONPYCACHEPREFIX=os.environ.get("PYTHONPYCACHEPREFIX")
                        or str(PYCACHE))
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self._compile()

    def _compile(self) -> None:
        """Write the bytecode once, before any probe is timed."""
        modules = ", ".join(WARM_MODULES)
        subprocess.run([sys.executable, "-c", f"import {modules}"], cwd=REPO, env=self.env,
                       check=True, timeout=PROBE_TIMEOUT_S)

    def probe(self, operation: str, repeat: int | None = None) -> tuple[dict[str, Any], float]:
        """(the probe's JSON, seconds from just before the process started to its end)."""
        cmd = [sys.executable, "-m", "bench.probe", operation, "--vault", str(self.cv.path),
               "--passphrase-file", str(self.cv.passphrase_path),
               "--meta", str(self.cv.meta_path), "--repeat", str(repeat or self.repeat)]
        started = time.monotonic()
        done = subprocess.run(cmd, cwd=REPO, env=self.env, capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT_S, check=False)
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")]
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"probe {operation} failed ({done.returncode}):\n"
                               f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        return json.loads(lines[-1][6:]), started

    # -- operations ----------------------------------------------------------------------
    def startup(self) -> list[Row]:
        self._forget_todays_backup()
        first, t0 = self.probe("startup")
        first_ms = (first["ready"] - t0) * 1000
        times, floors, marks, cpu, floor_cpu = [], [], [], [], []
        floor_mem = 0.0
        for _ in range(self.repeat):
            f, t0 = self.probe("startup_floor")
            floors.append((f["ready"] - t0) * 1000)
            floor_cpu.append(f["cpu_ms"])
            floor_mem = max(floor_mem, f["memory_mb"]["VmHWM"])
            a, t0 = self.probe("startup")
            times.append((a["ready"] - t0) * 1000)
            cpu.append(a["cpu_ms"])
            marks.append({k: round((v - t0) * 1000, 1) for k, v in a["marks"].items()})
        self.floor_memory_mb = floor_mem
        floor = statistics.median(floors)
        time_ms = statistics.median(times)
        # CPU time (all threads) to the first paint: what load cannot stretch; the wall
        # ratio also depends on whether a second core is free for the key derivation.
        detail = {"marks_ms_from_launch": marks[len(marks) // 2], "page": a.get("page"),
                  "exposed": a.get("exposed"), "cpu_ms": round(statistics.median(cpu), 1),
                  "floor_cpu_ms": round(statistics.median(floor_cpu), 1),
                  "cpu_ratio": round(statistics.median(cpu) / statistics.median(floor_cpu), 2)}
        return [
            Row("startup", "unlock → main window shown and idle", time_ms, floor, "ms",
                "≤ 1.3× floor", time_ms <= 1.3 * floor, times, floors, detail),
            Row("startup_first_of_day", "same, first unlock of the day (takes the daily "
                "backup)", first_ms, floor, "ms", "—", None, [first_ms], floors, {}),
        ]

    def _forget_todays_backup(self) -> None:
        """The first start of a day takes the automatic backup; make this run that start."""
        folder = self.cv.path.parent / "backups"
        stamp = date.today().strftime("%Y%m%d")
        for p in folder.glob(f"{self.cv.path.stem}-{stamp}-*-auto*"):
            p.unlink()

    def open_client(self) -> list[Row]:
        out, _ = self.probe("open_client", max(self.repeat, 5))
        t, f = out["times_ms"], out["floors_ms"]
        time_ms = statistics.median(t)
        sessions = self.cv.meta()["big_course_sessions"]
        first, first_floor = [], []
        for _ in range(self.repeat):  # one fresh process per sample, app and floor paired
            first.append(self.probe("open_client_first", 1)[0]["time_ms"])
            first_floor.append(self.probe("open_client_first_floor", 1)[0]["time_ms"])
        first_ms = statistics.median(first)
        return [
            Row("open_client_first", f"open a client, first after start-up ({sessions}-session "
                "course)", first_ms, statistics.median(first_floor), "ms", "≤ 30 ms",
                first_ms <= 30, first, first_floor, {}),
            Row("open_client", f"open a client, warm (opened before; {sessions}-session "
                "course shown)", time_ms, statistics.median(f), "ms", "≤ 50 ms",
                time_ms <= 50, t, f, out["detail"]),
        ]

    def search(self) -> list[Row]:
        out, _ = self.probe("search")
        rows = []
        for kind in ("word", "phrase"):
            t, f = out[kind]["times_ms"], out[kind]["floors_ms"]
            detail = {**out[kind]["detail"], "p50_ms": round(statistics.median(t), 3),
                      "floor_p50_ms": round(statistics.median(f), 3)}
            rows.append(Row(f"search_{kind}", f"full-text search, {kind} (p95)", p95(t),
                            p95(f), "ms", "p95 ≤ 20 ms", p95(t) <= 20, t, f, detail))
        t, f = out["painted"]["times_ms"], out["painted"]["floors_ms"]
        detail = {**out["painted"]["detail"], "p50_ms": round(statistics.median(t), 3),
                  "floor_p50_ms": round(statistics.median(f), 3)}
        rows.append(Row("search_painted", "search dialog, keystroke → results painted (p95; "
                        "words and 1–3 letter prefixes)", p95(t), p95(f), "ms",
                        "p95 ≤ 16 ms", p95(t) <= 16, t, f, detail))
        return rows

    def autosave(self) -> Row:
        out, _ = self.probe("autosave")
        t, f = out["times_ms"], out["floors_ms"]
        time_ms = statistics.median(t)
        return Row("autosave", "autosave one field edit (durable commit)", time_ms,
                   statistics.median(f), "ms", "≤ 10 ms", time_ms <= 10, t, f, out["detail"])

    def pdf(self) -> list[Row]:
        """Two rows from one probe (bench/probes_ops.py `pdf`): the whole path, vault read to
        file, beside a floor that reads and de-identifies too; and the render stage alone
        beside the floor's drawing alone."""
        out, _ = self.probe("pdf")
        t, f, detail = out["times_ms"], out["floors_ms"], out["detail"]
        time_ms = statistics.median(t)
        what = f"course-summary PDF, {detail['sessions']} sessions ({detail['pages']} pages)"
        floor = statistics.median(f)
        rows = [Row("pdf", f"{what}, in the app: vault read → file", time_ms, floor, "ms",
                    "≤ 1.5× floor", time_ms <= 1.5 * floor, t, f, detail)]
        if detail.get("render_ms") is not None:
            render, draw = detail["render_ms"], detail["floor_draw_ms"]
            rows.append(Row("pdf_render", f"{what}, render + write + audit of the built "
                            "report", render, draw, "ms", "≤ 1.5× floor", render <= 1.5 * draw,
                            detail["render_samples_ms"], detail["floor_draw_samples_ms"],
                            {"floor_is": "the floor's drawing and writing alone"}))
        return rows

    def rss(self) -> Row:
        out, _ = self.probe("rss", 1)
        peak = out["memory_mb"]["VmHWM"]
        floor = getattr(self, "floor_memory_mb", 0.0)
        if not floor:
            f, _ = self.probe("startup_floor", 1)
            floor = f["memory_mb"]["VmHWM"]
        return Row("rss", f"peak RSS after opening {out['clients']} clients", peak, floor, "MB",
                   "≤ 250 MB", peak <= 250, [peak], [floor],
                   {"before_mb": out["before_mb"], "floor_is": "bare window + key derivation"})

    def all(self, only: set[str] | None = None) -> list[Row]:
        from bench import rows_launch, rows_pdf  # they import this module

        steps: list[tuple[str, Callable[[], Row | list[Row]]]] = [
            ("startup", self.startup), ("open_client", self.open_client),
            ("search", self.search), ("autosave", self.autosave), ("pdf", self.pdf),
            ("rss", self.rss), ("pdf_cli", lambda: rows_pdf.pdf_cli(self)),
            ("pdf_rss", lambda: rows_pdf.pdf_rss(self)),
            ("check_rss", lambda: rows_pdf.check_rss(self)),
            ("launch", lambda: rows_launch.launch_unlock(self)),
            ("check_cli", lambda: rows_launch.check_cli(self))]
        rows: list[Row] = []
        for name, step in steps:
            if only and name not in only:
                continue
            self.log(f"measuring {name} …")
            got = step()
            rows.extend(got if isinstance(got, list) else [got])
        return rows
