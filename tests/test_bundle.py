"""Installing KAP Notes: the wheel the way `pipx install .` does it, and the PyInstaller bundle.

The wheel test (~5 s with uv's cache) builds the wheel, installs it into a fresh virtual
environment (what pipx does) and runs the `kapnotes` command from there: version, a demo vault,
and its client list. The bundle test builds the one-folder app and starts it headless
(`make bundle bundle-smoke`, ~30 s build + ~10 s smoke on a warm cache); it is slow and opt-in:
KAPNOTES_BUNDLE_TEST=1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kapnotes
from tests.uv_tool import uv_command

SOURCE_ROOT = Path(kapnotes.__file__).resolve().parent.parent
PASSPHRASE = "harbour wheel test 42 quietly"

needs_source = pytest.mark.skipif(not (SOURCE_ROOT / "pyproject.toml").exists(),
                                  reason="not running from a source checkout")


def _run(cmd: list[str], env: dict[str, str] | None = None, timeout: int = 600,
         cwd: Path = SOURCE_ROOT) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                            env=env, cwd=cwd)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


@needs_source
def test_wheel_installs_into_a_fresh_environment_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run([*uv_command(), "build", "--wheel", "--quiet", "--out-dir", str(dist), str(SOURCE_ROOT)])
    wheel = next(dist.glob("kapnotes-*.whl"))
    venv = tmp_path / "venv"
    # pipx = a private venv + pip install + the console script on PATH; uv does the first two
    # from its cache in seconds (plain `python -m venv` + pip downloads ~150 MB of Qt).
    _run([*uv_command(), "venv", "--quiet", "--python", sys.executable, str(venv)])
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    # Name the target interpreter: under `uv run` the environment points at the project's .venv.
    _run([*uv_command(), "pip", "install", "--quiet", "--python", str(bin_dir / "python"),
          str(wheel)])
    exe = str(bin_dir / "kapnotes")

    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPNOTES_")}
    env.update(KAPNOTES_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen",
               KAPNOTES_POLICY=str(tmp_path / "no-policy.json"))
    assert _run([exe, "--version"], env=env).stdout.strip() == f"KAP Notes {kapnotes.__version__}"
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    vault = tmp_path / "demo.kapnotes"
    _run([exe, "demo", "--vault", str(vault), "--passphrase-file", str(secret)], env=env)
    listed = json.loads(_run([exe, "list", "--vault", str(vault), "--passphrase-file",
                              str(secret), "--json"], env=env).stdout)
    assert listed and listed[0]["code"].startswith("KAP-")
    # The installed package finds its resources (the icon and templates) inside the wheel;
    # run outside the checkout, or `python -c` would import the source tree instead.
    probe = "from kapnotes.paths import resource_path as r; print(r('icons', 'kapnotes.svg'))"
    shipped = Path(_run([str(bin_dir / "python"), "-c", probe], env=env,
                        cwd=tmp_path).stdout.strip())
    assert shipped.is_file() and venv in shipped.parents


@pytest.mark.slow
@needs_source
@pytest.mark.skipif(os.environ.get("KAPNOTES_BUNDLE_TEST") != "1",
                    reason="builds the PyInstaller bundle; set KAPNOTES_BUNDLE_TEST=1")
@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_bundle_builds_and_starts_headless() -> None:
    result = _run(["make", "bundle", "bundle-smoke"], timeout=1200)
    assert "bundle-smoke: OK" in result.stdout
    internal = SOURCE_ROOT / "dist" / "bundle" / "kapnotes" / "_internal"
    assert (internal / "kapnotes" / "resources" / "templates" / "dosing.json").is_file()
    assert (internal / "kapnotes" / "resources" / "fonts" / "DejaVuSans.ttf").is_file()
