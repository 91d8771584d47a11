"""The uv command the tests use: the same one the Makefile found, passed in `KAPNOTES_UV`.

A fresh machine may have uv only as `python3 -m uv` (a `pip install --user uv` whose bin folder
is not on PATH), so looking for `uv` on PATH, or running it through the test venv's Python,
is not enough.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess

import pytest


def uv_command() -> list[str]:
    """The uv command line prefix, or skip the test with the reason none could be found."""
    given = os.environ.get("KAPNOTES_UV", "").strip()
    if given:
        return shlex.split(given)
    found = shutil.which("uv")
    if found:
        return [found]
    for python in ("python3", "python"):
        interpreter = shutil.which(python)
        if interpreter and _runs([interpreter, "-m", "uv", "--version"]):
            return [interpreter, "-m", "uv"]
    pytest.skip("uv is not installed (not on PATH, not as python3 -m uv, KAPNOTES_UV unset)")


def _runs(command: list[str]) -> bool:
    try:
        return subprocess.run(command, capture_output=True, timeout=60, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
