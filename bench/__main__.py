"""`python -m bench [--size full|tiny] [--repeat N] [--json PATH] [--only OP …]`
(`--practice`: workstation sync against a practice server, bench/practice_sync.py)

Generates the synthetic vault once (cached in bench/cache/), measures each operation beside
its floor, prints the table and writes the JSON (bench/results.json by default).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.generate import build
from bench.measure import Row, Runner
from bench.sizes import CACHE_DIR, SIZES

DEFAULT_JSON = Path(__file__).resolve().parent / "results.json"
OPERATIONS = ("startup", "open_client", "search", "autosave", "pdf", "rss", "pdf_cli",
              "pdf_rss", "check_rss", "launch", "check_cli")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    load = [round(x, 1) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    return {"os": platform.platform(), "python": platform.python_version(), "cpu": cpu,
            "cores": os.cpu_count(), "memory_gb": mem_gb, "load_average_at_start": load}


def table(rows: list[Row]) -> str:
    head = ("operation", "time", "floor", "ratio", "spread (min–max)", "target", "result")
    lines = [head]
    for r in rows:
        result = "—" if r.passed is None else ("pass" if r.passed else "FAIL")
        spread = (f"{min(r.samples):,.1f}–{max(r.samples):,.1f}" if len(r.samples) > 1
                  else "—")
        lines.append((r.operation, f"{r.time:,.1f} {r.unit}", f"{r.floor:,.1f} {r.unit}",
                      f"{r.ratio:,.1f}×", spread, r.target, result))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) if i < 5
                             else cell.ljust(w) for i, (cell, w) in
                             enumerate(zip(line, widths, strict=True))).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--repeat", type=int, default=5, help="runs per operation (median)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument("--only", nargs="+", choices=OPERATIONS, help="measure only these")
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    parser.add_argument("--sweep", action="store_true",
                        help="measure at 1×, 4×, 16× and 32× the demo practice (bench/sweep.py)")
    parser.add_argument("--practice", action="store_true",
                        help="workstation sync at practice scale (bench/practice_sync.py)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.practice:
        from bench import practice_sync

        result = practice_sync.run(args.repeat)
        print(practice_sync.report(result))
        log(f"wrote {practice_sync.RESULTS}")
        return 0
    if args.sweep:
        return _sweep(args)

    size = SIZES[args.size]
    cv, seconds = build(size, cache_dir=args.cache_dir)
    meta = cv.meta()
    log(f"vault: {cv.path} ({size.name}: {size.clients:,} clients, {size.courses:,} courses, "
        f"{size.sessions:,} sessions, {size.vitals:,} vitals)")
    host = machine()  # before measuring: the load average says how busy the machine was
    rows = Runner(cv, args.repeat, log).all(set(args.only) if args.only else None)
    print(table(rows))
    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "size": meta["size"],
        "repeat": args.repeat,
        "machine": host,
        "vault": {"file_mb": round(cv.path.stat().st_size / 1e6, 1),
                  "generation_seconds": meta.get("generation_seconds"),
                  "generated_this_run": seconds is not None, "rows": meta.get("rows")},
        "operations": [r.to_json() for r in rows],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    log(f"wrote {args.json}")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from bench.sweep import run_sweep, sweep_table

    host = machine()
    results = run_sweep(args.repeat, set(args.only) if args.only else None, log,
                        cache_dir=args.cache_dir)
    print(sweep_table(results))
    out = args.json if args.json != DEFAULT_JSON else DEFAULT_JSON.with_name("sweep.json")
    results = {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
               "repeat": args.repeat, "machine": host, **results}
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
