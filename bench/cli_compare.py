"""Time real `kapnotes` commands on the bench vault, optionally paired with another checkout.

    python -m bench.cli_compare [--other /path/to/older/checkout] [--repeat 5]

Each command runs as its own process (`python -m kapnotes …`, the console entry), from launch
to exit, and must succeed (an older checkout that cannot read the bench vault's schema is
refused, not timed); with `--other`, the other checkout's same command runs right after each
sample, so both see the same load. Medians, min–max and the load average are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import build
from bench.sizes import CACHE_DIR, SIZES

REPO = Path(__file__).resolve().parent.parent


def commands(vault: Path, secret: Path, facts: dict, out: Path) -> dict[str, list[str]]:
    common = ["--vault", str(vault), "--passphrase-file", str(secret)]
    return {
        "list --json": ["list", "--json", *common],
        "check": ["check", *common],
        # The generator codes client N as KAP-000N (bench/rows.py).
        f"pdf of the {facts['pdf_course_sessions']}-session course": [
            "pdf", *common, "--client", f"KAP-{int(facts['pdf_client_id']):04d}",
            "--course", str(facts["pdf_course_id"]), "--out", str(out / "course.pdf")],
        "--version": ["--version"],
    }


def run_once(checkout: Path, args: list[str], env: dict[str, str]) -> float:
    python = checkout / ".venv" / "bin" / "python"
    if "--out" in args:  # a new file each time (older checkouts have no --force)
        at = args.index("--out") + 1
        args = [*args[:at], str(Path(args[at]).with_name(f"{time.time_ns()}.pdf")),
                *args[at + 1:]]
    t0 = time.perf_counter()
    done = subprocess.run([str(python), "-m", "kapnotes", *args], cwd=checkout, env=env,
                          capture_output=True, text=True, check=False)
    elapsed = (time.perf_counter() - t0) * 1000
    # `check` exits 1 when it finds problems (bench/rows.py signs notes without the seals the
    # app writes) after doing all its work; anything else failing is not a timing.
    if done.returncode != 0 and not (args[0] == "check" and done.returncode == 1
                                     and "NOT sound" in done.stderr):
        raise RuntimeError(f"{args[0]} failed in {checkout}: {done.stderr[-500:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.cli_compare", description=__doc__)
    p.add_argument("--other", type=Path, help="another checkout (with its .venv) to pair with")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--size", choices=sorted(SIZES), default="full")
    args = p.parse_args(argv)
    cv, _ = build(SIZES[args.size], cache_dir=CACHE_DIR)
    facts = cv.meta()
    out = Path(tempfile.mkdtemp(prefix="kapnotes-cli-"))
    env = {k: v for k, v in os.environ.items() if k != "KAPNOTES_TEST_ONLY_KDF_ITERATIONS"}
    env["KAPNOTES_DATA_DIR"] = str(out)
    # Compiled bytecode, as an installed app has it (bench/measure.py explains why).
    env["PYTHONPYCACHEPREFIX"] = str(REPO / "bench" / "cache" / "pycache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    checkouts = [("this", REPO)] + ([("other", args.other)] if args.other else [])
    print(f"vault {cv.path} ({cv.path.stat().st_size / 1e6:.0f} MB); load average at start "
          f"{os.getloadavg()}")
    for name, cmd in commands(cv.path, cv.passphrase_path, facts, out).items():
        samples: dict[str, list[float]] = {label: [] for label, _ in checkouts}
        for _ in range(args.repeat):
            for label, checkout in checkouts:
                samples[label].append(run_once(checkout, cmd, env))
        cells = [f"{label}: {statistics.median(s):,.0f} ms ({min(s):,.0f}–{max(s):,.0f})"
                 for label, s in samples.items()]
        print(f"{name:32s} " + "   ".join(cells))
    print(f"load average at end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
