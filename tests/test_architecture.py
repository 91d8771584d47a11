"""Layering: the core never loads Qt; storage, domain and services never load reportlab; domain
is stdlib only; export is handed data and never reaches into storage.

Modules are found with pkgutil, so a new module is covered the day it is added.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import kapnotes

PACKAGE_DIR = Path(kapnotes.__file__).resolve().parent
CORE = ("kapnotes.domain", "kapnotes.storage", "kapnotes.services", "kapnotes.export")
NO_PDF = ("kapnotes.domain", "kapnotes.storage", "kapnotes.services")

_IMPORT_ALL = """
import importlib, json, pkgutil, sys
imported = []
for name in sys.argv[1:]:
    package = importlib.import_module(name)
    imported.append(name)
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
print(json.dumps({"imported": imported, "loaded": sorted(sys.modules)}))
"""


def _import_in_fresh_process(packages: tuple[str, ...]) -> tuple[list[str], list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, *packages],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return data["imported"], data["loaded"]


def test_core_packages_load_no_qt() -> None:
    imported, loaded = _import_in_fresh_process(CORE)
    assert "kapnotes.storage.vault" in imported
    assert "kapnotes.storage.schema.m001_core" in imported  # subpackages are walked too
    assert [m for m in loaded if m.split(".")[0] == "PySide6"] == []


def test_domain_storage_services_load_no_reportlab() -> None:
    _, loaded = _import_in_fresh_process(NO_PDF)
    assert [m for m in loaded if m.split(".")[0] in {"reportlab", "pypdf"}] == []


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a file; relative ones resolved."""
    package = ".".join(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                found.append((node.lineno, f"{base}.{node.module}" if node.module else base))
            else:
                found.append((node.lineno, node.module or ""))
    return found


def _files(package: str) -> list[Path]:
    files = sorted((PACKAGE_DIR.parent / package.replace(".", "/")).rglob("*.py"))
    assert files, package
    return files


def test_domain_imports_only_stdlib_and_domain() -> None:
    outside = {
        (path.relative_to(PACKAGE_DIR.parent).as_posix(), name)
        for path in _files("kapnotes.domain")
        for _, name in _imports(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and name != "kapnotes.domain" and not name.startswith("kapnotes.domain.")
    }
    assert outside == set()


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("kapnotes.domain", ("PySide6", "reportlab", "sqlcipher3", "kapnotes.storage")),
        ("kapnotes.storage", ("PySide6", "reportlab", "kapnotes.services", "kapnotes.ui")),
        ("kapnotes.services", ("PySide6", "reportlab", "kapnotes.ui")),
        ("kapnotes.export", ("PySide6", "kapnotes.storage", "kapnotes.ui")),
    ],
)
def test_layers_do_not_import_what_they_must_not(package: str, forbidden: tuple[str, ...]) -> None:
    """Also catches imports inside functions, which the fresh-process check cannot see."""
    offending = [
        f"{path.relative_to(PACKAGE_DIR.parent)}:{line} imports {name}"
        for path in _files(package)
        for line, name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]
    assert offending == []


def test_no_test_imports_a_conftest_module() -> None:
    """`conftest` is a different module in every folder (and under pytest-xdist): shared test
    code lives in tests/helpers/ instead."""
    tests = Path(__file__).resolve().parent
    offending = [
        f"{path.relative_to(tests)}:{node.lineno}"
        for path in sorted(tests.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "conftest")
        or (isinstance(node, ast.Import) and any(a.name.split(".")[-1] == "conftest"
                                                 for a in node.names))
    ]
    assert offending == []
