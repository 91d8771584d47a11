"""PySide6 asks of every module imported after it whether it uses PySide; the app answers
from one read of the source file (kapnotes/ui/pyside_import_check.py). The answer must be
PySide's own, module for module."""

from __future__ import annotations

import importlib
import json
import sys
from types import ModuleType

import pytest

import kapnotes.ui.pyside_import_check as check

MODULES = ("kapnotes.ui.main_window", "kapnotes.ui.workspace", "kapnotes.domain.models",
           "kapnotes.storage.vault", "json", "kapnotes.ui.pyside_import_check")


def _pyside_helper() -> ModuleType:
    import PySide6.QtCore  # noqa: F401  (loads PySide's support modules)

    helper = sys.modules.get(check.HELPER_MODULE)
    if helper is None or not callable(getattr(helper, check.HELPER, None)):
        pytest.skip("this PySide6 has no module check to replace")
    return helper


def test_the_fast_check_answers_as_pysides_own_check() -> None:
    helper = _pyside_helper()
    original = getattr(helper, check.HELPER)
    while getattr(original, "kapnotes_fast", False):  # installed already by the app
        original = original.original
    fast = check.fast_check(original)
    modules = [importlib.import_module(name) for name in MODULES]
    answers = {m.__name__: fast(m) for m in modules}
    assert answers == {m.__name__: original(m) for m in modules}
    assert answers["kapnotes.ui.main_window"] is True
    assert answers["kapnotes.domain.models"] is False
    assert fast(sys) is original(sys) is False  # a built-in module: no source at all
    assert fast(json.decoder) is False


def test_installing_twice_wraps_once(monkeypatch: pytest.MonkeyPatch) -> None:
    helper = _pyside_helper()
    monkeypatch.setattr(helper, check.HELPER, getattr(helper, check.HELPER))
    assert check.install() is True
    once = getattr(helper, check.HELPER)
    assert check.install() is True
    assert getattr(helper, check.HELPER) is once
    assert getattr(once, "kapnotes_fast", False) is True


def test_without_the_helper_nothing_is_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, check.HELPER_MODULE, raising=False)
    assert check.install() is False


_FIRST_CHECKED = """
import json, sys
import shibokensupport.feature as feature  # loaded with PySide6 by kapnotes.app's first import
checked = []
original = feature._mod_uses_pyside
def watching(module):
    checked.append(module.__name__)
    return original(module)
feature._mod_uses_pyside = watching
"""


def test_the_app_installs_the_fast_check_before_its_own_imports(tmp_path) -> None:
    """In a fresh process: by the time `kapnotes.app` imports its own modules, the check
    PySide calls for each is the fast one (PySide's own is not called for them)."""
    import subprocess

    script = ("import PySide6.QtCore\n" + _FIRST_CHECKED + "import kapnotes.app\n"
              "print(json.dumps([getattr(feature._mod_uses_pyside, 'kapnotes_fast', False), "
              "checked]))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    fast, by_pysides_own = json.loads(done.stdout.strip().splitlines()[-1])
    assert fast is True
    # Only the packages on the way to the fast check, and what it hands back (built-ins).
    before = ("kapnotes", "kapnotes.ui", "kapnotes.ui.pyside_early",
              "kapnotes.ui.pyside_import_check")
    assert [name for name in by_pysides_own
            if name.startswith("kapnotes") and name not in before] == []
