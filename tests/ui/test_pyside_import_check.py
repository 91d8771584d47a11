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
