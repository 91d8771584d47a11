"""Time real `kapnotes` commands on the bench vault, optionally paired with another checkout.

    python -m bench.cli_compare [--other /path/to/older/checkout] [--repeat 5]

Each command runs as its own process (`python -m kapnotes …`, the console entry), from launch
to exit, and must succeed (an older checkout that cannot read the bench vault's schema is
refused, not timed); with `--other`, the other checkout's same command runs right after each
sample, so both see the same load. Medians, min–max and the load average are printed.

    python -m bench.cli_compare --other /path/to/older/checkout --its-own-vault

pairs with a checkout too old to read the bench vault's schema (e.g. main before issue 16,
the "today" of its targets): the other checkout builds its own bench vault with its own
generator, and this checkout times a copy of that vault, upgraded once (untimed) by its own
`kapnotes list`, so both sides hold the same notes, each in the schema its code reads.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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


@dataclass(frozen=True)
class BenchVault:
    path: Path
    secret: Path
    facts: dict


def _their_vault(other: Path, size: str, out: Path, env: dict[str, str]) -> BenchVault:
    """The other checkout's bench vault, built by its own generator in `out`."""
    cache = out / "other-cache"
    subprocess.run([str(other / ".venv" / "bin" / "python"), "-m", "bench.generate",
                    "--size", size, "--cache-dir", str(cache)],
                   cwd=other, env={**env, "QT_QPA_PLATFORM": "offscreen"}, check=True)
    stem = cache / f"vault-{size}"
    return BenchVault(stem.with_suffix(".kapnotes"), stem.with_suffix(".passphrase"),
                      json.loads(stem.with_suffix(".json").read_text()))


def _upgraded_copy(theirs: BenchVault, out: Path, env: dict[str, str]) -> BenchVault:
    """A copy of `theirs` that this checkout has opened once (upgrading its schema)."""
    folder = out / "this"
    folder.mkdir()
    copy = folder / theirs.path.name
    for suffix in ("", ".keys"):
        shutil.copy2(f"{theirs.path}{suffix}", f"{copy}{suffix}")
    run_once(REPO, ["list", "--json", "--vault", str(copy), "--passphrase-file",
                    str(theirs.secret)], env)
    return BenchVault(copy, theirs.secret, theirs.facts)


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
    p.add_argument("--only", help="time only the commands whose name starts so (e.g. check)")
    p.add_argument("--its-own-vault", action="store_true",
                   help="the other checkout times its own generator's vault, this one a copy "
                        "of it that it upgraded (for a checkout that cannot read this schema)")
    args = p.parse_args(argv)
    if args.its_own_vault and not args.other:
        p.error("--its-own-vault needs --other")
    out = Path(tempfile.mkdtemp(prefix="kapnotes-cli-"))
    try:
        return _compare(args, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)  # the PDFs, and with --its-own-vault two vaults


def _compare(args: argparse.Namespace, out: Path) -> int:
    env = {k: v for k, v in os.environ.items() if k != "KAPNOTES_TEST_ONLY_KDF_ITERATIONS"}
    env["KAPNOTES_DATA_DIR"] = str(out)
    # Compiled bytecode, as an installed app has it (bench/measure.py explains why).
    env["PYTHONPYCACHEPREFIX"] = str(REPO / "bench" / "cache" / "pycache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    checkouts = [("this", REPO)] + ([("other", args.other)] if args.other else [])
    if args.its_own_vault:
        theirs = _their_vault(args.other, args.size, out, env)
        vaults = {"this": _upgraded_copy(theirs, out, env), "other": theirs}
    else:
        cv, _ = build(SIZES[args.size], cache_dir=CACHE_DIR)
        ours = BenchVault(cv.path, cv.passphrase_path, cv.meta())
        vaults = {label: ours for label, _ in checkouts}
    for label, vault in vaults.items():
        print(f"{label}: vault {vault.path} ({vault.path.stat().st_size / 1e6:.0f} MB)")
    print(f"load average at start {os.getloadavg()}")
    runs = {label: commands(v.path, v.secret, v.facts, out) for label, v in vaults.items()}
    for name in [n for n in runs["this"] if n.startswith(args.only or "")]:
        samples: dict[str, list[float]] = {label: [] for label, _ in checkouts}
        for _ in range(args.repeat):
            for label, checkout in checkouts:
                samples[label].append(run_once(checkout, runs[label][name], env))
        cells = [f"{label}: {statistics.median(s):,.0f} ms ({min(s):,.0f}–{max(s):,.0f})"
                 for label, s in samples.items()]
        if len(samples) == 2:
            ratio = statistics.median(samples["this"]) / statistics.median(samples["other"])
            cells.append(f"this/other {ratio:.2f}")
        print(f"{name:32s} " + "   ".join(cells))
    print(f"load average at end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
