"""Which system libraries Qt's X11 (xcb) platform plugin cannot find, named as packages.

`make run` calls this on Linux before starting the window: without these libraries Qt aborts
with "could not load the Qt platform plugin xcb", which names no package. libxcb-cursor0 is
the one missing most often, but a minimal install can lack several (docs/INSTALL.md), so the
plugin and its Qt library are asked with `ldd` rather than checked against a fixed list.
Exit 0 when nothing is missing (or there is nothing to ask), 1 after printing the install line.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
_SONAME = re.compile(r"^(lib[\w.+-]+?)\.so\.(\d+)$")
# Fedora's names, where they are not guessable from Debian's (docs/INSTALL.md).
_FEDORA = {"libxcb-cursor0": "xcb-util-cursor", "libxcb-icccm4": "xcb-util-wm",
           "libxcb-keysyms1": "xcb-util-keysyms", "libxcb-image0": "xcb-util-image",
           "libxcb-render-util0": "xcb-util-renderutil", "libxkbcommon-x11-0": "libxkbcommon-x11"}


def missing_sonames(ldd_output: str) -> list[str]:
    """The libraries `ldd` reports as not found, each once, in order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


# Libraries whose package is not named by the rule below.
_IRREGULAR = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0"}


def debian_package(soname: str) -> str:
    """Debian's package for a shared library: name and major version joined, lower case,
    with a hyphen when the name ends in a digit (libxcb-icccm.so.4 → libxcb-icccm4,
    libxkbcommon-x11.so.0 → libxkbcommon-x11-0, libX11.so.6 → libx11-6)."""
    if soname in _IRREGULAR:
        return _IRREGULAR[soname]
    match = _SONAME.match(soname)
    if not match:
        return soname
    name, major = match.groups()
    return (f"{name}-{major}" if name[-1].isdigit() else f"{name}{major}").lower()


def _qt_xcb_files() -> list[Path]:
    spec = importlib.util.find_spec("PySide6")  # finds the package without loading Qt
    if spec is None or not spec.submodule_search_locations:
        return []
    qt = Path(next(iter(spec.submodule_search_locations))) / "Qt"
    files = [qt / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "lib").glob(
        "libQt6XcbQpa.so*"))[:1]]
    return [f for f in files if f.is_file()]


def main() -> int:
    ldd = shutil.which("ldd")
    files = _qt_xcb_files()
    if not ldd or not files:
        return 0
    found = subprocess.run([ldd, *map(str, files)], capture_output=True, text=True,
                           timeout=30, check=False)
    packages = list(dict.fromkeys(debian_package(s) for s in missing_sonames(found.stdout)))
    if not packages:
        return 0
    fedora = " ".join(_FEDORA.get(p, p) for p in packages)
    print(f"KAP Notes needs these system packages for Qt on Linux: {' '.join(packages)}.")
    print(f"Install them with:  sudo apt-get install {' '.join(packages)}   (Fedora: {fedora})")
    return 1


if __name__ == "__main__":
    sys.exit(main())
