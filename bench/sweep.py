"""`python -m bench --sweep`: the same measurements at 1×, 4×, 16× and 32× the demo practice.

The demo practice (`kapnotes demo`) is 5 clients; each sweep size multiplies its clients,
courses, sessions and vitals, while the course that is opened and the one that is printed stay
the same size (20 and 12 sessions), so any growth down a column is the vault's size showing
through, not more work asked for. Every size is measured in one run, one after the other, with
the load average recorded before each.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from typing import Any

from bench.generate import build
from bench.measure import Row, Runner
from bench.sizes import CACHE_DIR, Size

DEMO = Size("demo", clients=5, courses=10, sessions=60, vitals=300, big_sessions=20,
            pdf_sessions=12)
FACTORS = (1, 4, 16, 32)


def sweep_sizes() -> list[Size]:
    return [Size(f"demo{f}x", clients=DEMO.clients * f, courses=DEMO.courses * f,
                 sessions=DEMO.sessions * f, vitals=DEMO.vitals * f,
                 big_sessions=DEMO.big_sessions, pdf_sessions=DEMO.pdf_sessions)
            for f in FACTORS]


def spread(row: Row) -> str:
    """min–max of the samples: how far one run can be from the median on this machine."""
    if len(row.samples) < 2:
        return "—"
    return f"{min(row.samples):,.1f}–{max(row.samples):,.1f}"


def run_sweep(repeat: int, only: set[str] | None, log: Callable[[str], None],
              cache_dir: Any = CACHE_DIR) -> dict[str, Any]:
    results: dict[str, Any] = {"factors": list(FACTORS), "sizes": []}
    for size in sweep_sizes():
        cv, _ = build(size, cache_dir=cache_dir)
        load = [round(x, 2) for x in os.getloadavg()]
        log(f"sweep {size.name}: {size.sessions:,} sessions, load average {load}")
        rows = Runner(cv, repeat, log).all(only)
        results["sizes"].append({
            "size": size.name, "sessions": size.sessions, "load_average_at_start": load,
            "file_mb": round(cv.path.stat().st_size / 1e6, 2),
            "rows": [{**r.to_json(), "spread": spread(r),
                      "floor_median": round(statistics.median(r.floor_samples or [r.floor]), 3)}
                     for r in rows],
        })
    return results


def sweep_table(results: dict[str, Any]) -> str:
    """One line per operation, one column per size: median (min–max), and the load."""
    sizes = results["sizes"]
    ops: dict[str, str] = {}
    for s in sizes:
        for r in s["rows"]:
            ops.setdefault(r["id"], r["operation"])
    head = ["operation", *[f"{s['size']} ({s['sessions']:,} sessions, {s['file_mb']} MB)"
                           for s in sizes]]
    lines = [head]
    for op_id, name in ops.items():
        cells = [name]
        for s in sizes:
            r = next((r for r in s["rows"] if r["id"] == op_id), None)
            cells.append("—" if r is None else f"{r['time']:,.1f} {r['unit']} ({r['spread']})")
        lines.append(cells)
    lines.append(["load average at start (1, 5, 15 min)",
                  *[", ".join(str(x) for x in s["load_average_at_start"]) for s in sizes]])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
           for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)
