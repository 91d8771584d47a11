"""The benchmark's `pdf` probe exports a course PDF as File → Export does, audit entry and all;
it must do that work on a copy, so the cached bench vault is the same after a run as before
(its audit log grew by the probe's repeat count on every run). No timing is asserted."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _audit_count(path: Path, passphrase: str) -> int:
    from kapnotes.storage import lifecycle

    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        return int(vault.query_one("SELECT count(*) FROM audit_log")[0])


def test_the_pdf_probe_leaves_the_cached_vault_as_it_found_it(tmp_path: Path) -> None:
    from bench.generate import build
    from bench.sizes import SIZES

    cv, _ = build(SIZES["tiny"], cache_dir=tmp_path / "cache", log=False)
    entries = _audit_count(cv.path, cv.passphrase)
    before = _digest(cv.path)
    done = subprocess.run(
        [sys.executable, "-m", "bench.probe", "pdf", "--vault", str(cv.path),
         "--passphrase-file", str(cv.passphrase_path), "--meta", str(cv.meta_path),
         "--repeat", "2"],
        cwd=REPO, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), capture_output=True,
        text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(next(ln for ln in done.stdout.splitlines() if ln.startswith("BENCH "))[6:])
    # It did export, twice, a course of many pages (bench/sizes.py's tiny pdf course).
    assert len(out["times_ms"]) == 2 and out["detail"]["pages"] >= 10
    expected = {cv.path.name, cv.path.name + ".keys", cv.path.name + ".lock",
                cv.passphrase_path.name, cv.meta_path.name}
    # Nothing left beside it: no write-ahead log holding the probe's writes, no copy.
    assert {p.name for p in cv.path.parent.iterdir()} - expected == set()
    assert _digest(cv.path) == before
    assert _audit_count(cv.path, cv.passphrase) == entries
