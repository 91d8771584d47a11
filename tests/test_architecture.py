"""Layering, enforced by the import contracts in `.importlinter` (import-linter).

The contracts follow imports transitively and see imports inside functions and under
TYPE_CHECKING; `make lint` runs them too. Here they run on the real tree, and on a copy of the
package with one violation planted, to show that each rule really catches what it names.
docs/ARCHITECTURE.md describes the layers.
"""

from __future__ import annotations

import ast
import configparser
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import kapnotes

PACKAGE_DIR = Path(kapnotes.__file__).resolve().parent
REPO = PACKAGE_DIR.parent
CONFIG = REPO / ".importlinter"

LAYERS = "Layers: each package imports only the ones below it"
CLI_NOT_UI = "The CLI never imports the window (only the launch of the GUI, kapnotes.app)"
NO_QT = "Domain, storage, services, export and configuration never import Qt"
DOMAIN_STDLIB = "Domain imports only the standard library (every runtime dependency listed)"
EXPORT_HANDED_DATA = "Export never imports storage or services"
NO_STORAGE_ABOVE = "The window and the CLI never import storage (they call services)"


def lint_imports(search_root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts, on the `kapnotes` package under search_root."""
    env = {**os.environ, "PYTHONPATH": str(search_root)}
    code = "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"
    return subprocess.run(
        [sys.executable, "-c", code, "--no-cache", "--no-logo", str(CONFIG)],
        cwd=search_root, env=env, capture_output=True, text=True, timeout=180, check=False,
    )


def broken_contracts(output: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"^(.+) BROKEN( \(.*\))?$", output, re.MULTILINE)}


def test_the_real_tree_keeps_every_contract() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert re.search(r"Contracts: [5-9] kept", result.stdout), result.stdout


# (file to plant in, the import planted, contracts that must then be broken)
PLANTED = {
    "export -> services": ("export/tables.py", "from kapnotes.services import clock",
                           {EXPORT_HANDED_DATA, LAYERS}),
    "storage -> export": ("storage/atomic.py", "import kapnotes.export.markup", {LAYERS}),
    "ui -> storage": ("ui/client_list.py", "from kapnotes.storage import clients",
                      {NO_STORAGE_ABOVE}),
    "ui -> storage under TYPE_CHECKING": (
        "ui/widgets/signer_field.py",
        "import typing\nif typing.TYPE_CHECKING:\n    from kapnotes.storage.vault import Vault",
        {NO_STORAGE_ABOVE}),
    "window launch -> storage": ("window_run.py", "import kapnotes.storage.backups",
                                 {NO_STORAGE_ABOVE}),
    "cli -> storage": ("cli/portable_commands.py", "from kapnotes.storage import output_guard",
                       {NO_STORAGE_ABOVE}),
    "cli -> ui": ("cli/record_commands.py", "from kapnotes.ui import prompter", {CLI_NOT_UI}),
    # Transitive: kapnotes.app is allowed only from the launch in cli/__init__; from any other
    # CLI module the chain cli -> app -> ui is found.
    "cli -> app -> ui": ("cli/pdf_command.py", "import kapnotes.app", {CLI_NOT_UI}),
    "domain -> PySide6": ("domain/dates.py", "from PySide6 import QtCore",
                          {NO_QT, DOMAIN_STDLIB}),
    # Inside a function, where a first-import check at start-up cannot see it.
    "storage -> PySide6 in a function": (
        "storage/atomic.py", "def _planted():\n    import PySide6.QtWidgets\n", {NO_QT}),
    "a module with no layer": ("helpers_planted.py", "", {LAYERS}),
}


@pytest.mark.parametrize("case", list(PLANTED))
def test_a_planted_violation_is_caught(case: str, tmp_path: Path) -> None:
    where, planted, contracts = PLANTED[case]
    copy = tmp_path / "kapnotes"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / where
    before = target.read_text(encoding="utf-8") if target.exists() else ""
    target.write_text(before + f"\n{planted}  # planted\n" if planted else "", encoding="utf-8")

    result = lint_imports(tmp_path)

    assert result.returncode != 0, result.stdout
    assert broken_contracts(result.stdout) == contracts, result.stdout
    planted_module = "kapnotes." + where.removesuffix(".py").replace("/", ".")
    assert planted_module in result.stdout  # the report names where the violation is


def test_domain_contract_lists_every_runtime_dependency() -> None:
    """A dependency added to pyproject.toml must be added to the domain's forbidden list."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {re.split(r"[\[<>=!~; ]", dep, maxsplit=1)[0].lower().replace("_", "-")
              for dep in project["dependencies"]}
    top_level = {name for name, dists in importlib.metadata.packages_distributions().items()
                 if any(d.lower().replace("_", "-") in wanted for d in dists)
                 and not name.startswith("__")}
    assert {"PySide6", "reportlab", "sqlcipher3"} <= top_level
    config = configparser.ConfigParser()
    config.read(CONFIG, encoding="utf-8")
    forbidden = set(config["importlinter:contract:domain-stdlib-only"]["forbidden_modules"].split())
    missing = {name for name in top_level if name.split(".")[0] not in forbidden
               and name not in {"Shiboken"}}  # Shiboken: a folder of PySide's, not a module
    assert missing == set()


def _lazy_targets_not_imported(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    if "lazy_module" not in source:  # no call of it, nothing to find: most are not parsed
        return []
    tree = ast.parse(source)
    lazy = [node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "lazy_module"
            and node.args and isinstance(node.args[0], ast.Constant)]
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
    return [f"{path.relative_to(REPO)}: {name}" for name in lazy if name not in imported]


def test_every_lazy_module_is_also_imported_for_type_checkers() -> None:
    """`lazy_module("x")` is a string the contracts cannot see; the module also imports x under
    `if TYPE_CHECKING:` (kapnotes/lazy.py), so the import graph has the edge."""
    offending = [line for path in sorted(PACKAGE_DIR.rglob("*.py"))
                 if path.name != "lazy.py" for line in _lazy_targets_not_imported(path)]
    assert offending == []


SQL_CALLS = {"transaction", "execute", "executemany", "query", "query_one"}
SQL_CALL_WORD = re.compile(rf"\b({'|'.join(sorted(SQL_CALLS))})\b")


def test_the_window_never_opens_a_vault_transaction_or_runs_sql() -> None:
    """A save spanning two service calls is itself a service call (docs/ARCHITECTURE.md);
    the window passes the open vault to services and never queries through it."""
    window = [*sorted((PACKAGE_DIR / "ui").rglob("*.py")),
              *(PACKAGE_DIR / f"{name}.py" for name in ("app", "window_run", "startup", "smoke"))]
    sources = [(path, path.read_text(encoding="utf-8")) for path in window]
    offending = [
        f"{path.relative_to(REPO)}:{node.lineno} .{node.func.attr}()"
        # Only a file naming one of the calls can make it: the others are not parsed.
        for path, source in sources if SQL_CALL_WORD.search(source)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS
    ]
    assert offending == []


_IMPORT_ALL = """
import importlib, json, pkgutil, sys
for name in sys.argv[1:]:
    package = importlib.import_module(name)
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(info.name)
print(json.dumps(sorted(sys.modules)))
"""


def test_domain_storage_services_load_no_reportlab_at_import() -> None:
    """Not a layering rule (services may call export) but a start-up one: the PDF stack loads
    when a PDF is first made, so importing every module of these packages loads none of it."""
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, "kapnotes.domain", "kapnotes.storage",
         "kapnotes.services"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert "kapnotes.storage.schema.m001_core" in loaded  # subpackages are walked too
    assert [m for m in loaded if m.split(".")[0] in {"reportlab", "pypdf"}] == []


def test_no_test_imports_a_conftest_module() -> None:
    """`conftest` is a different module in every folder (and under pytest-xdist): shared test
    code lives in tests/helpers/ instead."""
    tests = Path(__file__).resolve().parent
    sources = [(path, path.read_text(encoding="utf-8")) for path in sorted(tests.rglob("*.py"))]
    offending = [
        f"{path.relative_to(tests)}:{node.lineno}"
        # Only a file with the word can import it: the others are not parsed.
        for path, source in sources if "conftest" in source
        for node in ast.walk(ast.parse(source))
        if (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "conftest")
        or (isinstance(node, ast.Import) and any(a.name.split(".")[-1] == "conftest"
                                                 for a in node.names))
    ]
    assert offending == []
