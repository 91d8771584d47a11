"""The benchmark still runs end to end (tiny vault, one repetition); no timing is asserted."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OPERATIONS = {"startup", "startup_first_of_day", "open_client_first", "open_client",
              "search_word", "search_phrase", "search_painted", "autosave", "pdf", "rss",
              "pdf_cli", "pdf_rss", "pdf_rss_2x", "check_rss"}


def test_bench_tiny_writes_every_operation(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "tiny", "--repeat", "1", "--json", str(out),
         "--cache-dir", str(tmp_path / "cache")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=280, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["size"]["name"] == "tiny"
    ops = {op["id"]: op for op in result["operations"]}
    assert set(ops) == OPERATIONS
    for op in ops.values():
        for key in ("time", "floor"):
            assert isinstance(op[key], int | float) and math.isfinite(op[key]), (op["id"], key)
            assert op[key] >= 0
        assert op["operation"] and op["unit"] in ("ms", "MB")
    assert "operation" in done.stdout and "floor" in done.stdout  # the printed table
