"""No dead code in the app: vulture (configured in pyproject.toml, run by `make lint`) finds
nothing unused under kapnotes/. Tests and benchmarks count as callers (issue 17)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def unused_in_app(*args: str, cwd: Path = REPO) -> list[str]:
    run = subprocess.run([sys.executable, "-m", "vulture", *args], cwd=cwd,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode in (0, 3), run.stderr  # 3: vulture found something somewhere
    return [line for line in run.stdout.splitlines() if line.startswith("kapnotes/")]


def test_nothing_under_kapnotes_is_unused() -> None:
    unused = unused_in_app()
    assert unused == [], ("Unused code in kapnotes/: remove it, or call it; a name Qt or "
                          "reportlab calls by itself goes in vulture_whitelist.py with why.")


def test_the_check_reports_an_unused_function(tmp_path: Path) -> None:
    # In a copy of the layout, not in the package: parallel tests read kapnotes/ meanwhile.
    (tmp_path / "kapnotes").mkdir()
    (tmp_path / "kapnotes" / "probe.py").write_text(
        "def never_called() -> None:\n    pass\n", encoding="utf-8")
    assert unused_in_app("kapnotes", "--min-confidence", "60", cwd=tmp_path) == [
        "kapnotes/probe.py:1: unused function 'never_called' (60% confidence)"]
