"""The built wheel carries the shipped resources (under kapnotes/resources) and the command."""

from __future__ import annotations

import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import kapnotes
from tests.uv_tool import uv_command

SOURCE_ROOT = Path(kapnotes.__file__).resolve().parent.parent
RESOURCES = SOURCE_ROOT / "resources"


def _shipped_files() -> list[str]:
    return sorted(
        "kapnotes/resources/" + p.relative_to(RESOURCES).as_posix()
        for p in RESOURCES.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


@pytest.fixture(scope="module")
def shipped() -> list[str]:
    """Resource files in the source tree, listed before the build so that all were there."""
    return _shipped_files()


@pytest.fixture(scope="module")
def wheel(
    tmp_path_factory: pytest.TempPathFactory, shipped: list[str]
) -> Iterator[zipfile.ZipFile]:
    if not (SOURCE_ROOT / "pyproject.toml").exists():
        pytest.skip("not running from a source checkout")
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [*uv_command(), "build", "--wheel", "--out-dir", str(out), str(SOURCE_ROOT)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr
    built = sorted(out.glob("kapnotes-*.whl"))
    assert len(built) == 1, built
    with zipfile.ZipFile(built[0]) as archive:
        yield archive


def test_wheel_contains_every_shipped_resource(
    wheel: zipfile.ZipFile, shipped: list[str]
) -> None:
    names = set(wheel.namelist())
    assert "kapnotes/resources/fonts/DejaVuSans.ttf" in shipped
    assert [name for name in shipped if name not in names] == []
    for folder in ("templates", "scales", "protocols", "fonts", "icons"):
        if any(n.startswith(f"kapnotes/resources/{folder}/") for n in shipped):
            assert any(n.startswith(f"kapnotes/resources/{folder}/") for n in names), folder


def test_wheel_has_the_package_and_the_console_script(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert {"kapnotes/__init__.py", "kapnotes/__main__.py", "kapnotes/cli/__init__.py",
            "kapnotes/storage/vault.py"} <= names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = wheel.read(entry_points).decode()
    assert "[console_scripts]" in text
    assert "kapnotes = kapnotes.cli:main" in text
    assert not [n for n in names if n.startswith("tests/")]
