"""`make run`'s check of the system libraries Qt's xcb plugin needs (scripts/qt_os_libs.py):
every library ldd cannot find is named as the package to install, not only libxcb-cursor0."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "qt_os_libs.py"

# ldd's answer for the plugin on a minimal Debian 12 with only libxcb-cursor0 added.
LDD_MINIMAL = """\
	linux-vdso.so.1 (0x00007ffd5c9f6000)
	libQt6XcbQpa.so.6 => /opt/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f0c2a000000)
	libxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f0c29ff0000)
	libxcb-icccm.so.4 => not found
	libxcb-keysyms.so.1 => not found
	libxcb-icccm.so.4 => not found
	libxkbcommon-x11.so.0 => not found
"""


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("qt_os_libs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_library_not_found_is_named_once() -> None:
    assert _script().missing_sonames(LDD_MINIMAL) == [
        "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"]


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libGL.so.1", "libgl1"),
    ("libX11.so.6", "libx11-6"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
])
def test_a_library_is_named_by_its_debian_package(soname: str, package: str) -> None:
    assert _script().debian_package(soname) == package


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("ldd"),
                    reason="the check asks ldd, on Linux only")
def test_the_check_agrees_with_ldd_on_this_machine() -> None:
    """Run as `make run` runs it: exit 1 naming every missing package exactly when ldd finds
    a library of the installed plugin missing, else exit 0 and silence."""
    plugin = Path(str(importlib.util.find_spec("PySide6").submodule_search_locations[0]),
                  "Qt", "plugins", "platforms", "libqxcb.so")
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                          timeout=60, check=False)
    missing = _script().missing_sonames(subprocess.run(
        ["ldd", str(plugin)], capture_output=True, text=True, check=False).stdout)
    if missing:
        assert done.returncode == 1
        for soname in missing:
            assert _script().debian_package(soname) in done.stdout
        assert "sudo apt-get install" in done.stdout
    else:
        assert (done.returncode, done.stdout) == (0, "")
