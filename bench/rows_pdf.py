"""Rows for the PDF and memory measurements (bench/probes_pdf.py), kept apart from
measure.py: the real `kapnotes pdf` command beside its floor process, peak memory exporting
from the window, and peak memory while the background check runs."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import PROBE_TIMEOUT_S, REPO, Row


def _run(cmd: list[str], env: dict[str, str]) -> float:
    """Wall seconds from just before the process starts to its exit."""
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=PROBE_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[2:4]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return time.monotonic() - started


def pdf_cli(runner: Any) -> Row:
    """`kapnotes pdf --client … --course …` of the 60-session course, as a user runs it, beside
    a process that unwraps the key file, reads and de-identifies the course's rows and writes
    the same text in the same font on the same number of pages (bench/probes_pdf.py
    `pdf_cli_floor`); paired runs, medians."""
    from bench.probes_pdf import page_lines

    cv, facts = runner.cv, runner.cv.meta()
    work = Path(tempfile.mkdtemp(prefix="bench-pdf-", dir=cv.path.parent))
    out = work / "course.pdf"
    code = f"KAP-{int(facts['pdf_client_id']):04d}"
    cmd = [sys.executable, "-m", "kapnotes", "pdf", "--vault", str(cv.path),
           "--passphrase-file", str(cv.passphrase_path), "--client", code,
           "--course", str(facts["pdf_course_id"]), "--out", str(out), "--force"]
    _run(cmd, runner.env)  # once untimed: its pages are what the floor draws
    lines = work / "lines.json"
    lines.write_text(json.dumps(page_lines(out.read_bytes())), encoding="utf-8")
    floor_cmd = [sys.executable, "-m", "bench.probe", "pdf_cli_floor", "--vault", str(cv.path),
                 "--passphrase-file", str(cv.passphrase_path), "--meta", str(cv.meta_path)]
    floor_env = dict(runner.env, BENCH_PDF_LINES=str(lines))
    times, floors = [], []
    for _ in range(runner.repeat):
        floors.append(_run(floor_cmd, floor_env) * 1000)
        times.append(_run(cmd, runner.env) * 1000)
    pages = len(json.loads(lines.read_text(encoding="utf-8")))
    for p in work.iterdir():
        p.unlink()
    work.rmdir()
    t = statistics.median(times)
    return Row("pdf_cli", f"kapnotes pdf, {facts['pdf_course_sessions']}-session course "
               f"({pages} pages), launch → exit", t, statistics.median(floors), "ms",
               "≤ 1500 ms", t <= 1500, times, floors,
               {"floor_is": "fresh process: key-file unwrap, the vault opened with that key, "
                            "the course's rows read (one plain SELECT per table) and their "
                            "texts de-identified, then the same text, same font, same pages, "
                            "written and fsynced"})


def pdf_rss(runner: Any) -> list[Row]:
    out, _ = runner.probe("pdf_rss", 1)
    before = out["before_mb"]
    rows = []
    for size, row_id in zip(out["exports"], ("pdf_rss", "pdf_rss_2x"), strict=True):
        peak = size["peak_mb"]
        rows.append(Row(row_id, f"peak RSS exporting a course PDF from "
                        f"the window ({size['sessions']} sessions' pages, {size['pages']} "
                        "pages)", peak, before, "MB", "≤ 180 MB", peak <= 180, [peak], [before],
                        {"floor_is": "the window's own peak before the export"}))
    return rows


def check_rss(runner: Any) -> Row:
    out, _ = runner.probe("check_rss", 1)
    peak, before = out["memory_mb"]["VmHWM"], out["before_mb"]
    return Row("check_rss", "peak RSS while the background check (and daily backup) runs",
               peak, before, "MB", "≤ 150 MB", peak <= 150 and not out["problems"], [peak],
               [before], {"seconds": out["seconds"], "backup": out["backup"],
                          "floor_is": "the window's own peak before the check (20 clients "
                                      "opened)"})
