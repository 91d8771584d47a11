"""A cheaper answer to the question PySide6 asks of every module imported after it.

PySide6 replaces `__import__` to support its opt-in `from __feature__ import …` switches
(KAP Notes uses none). After each new module is imported it asks whether that module uses
PySide: its helper `shibokensupport.feature._mod_uses_pyside` reads the module's source with
`inspect.getsource` (linecache, tokenize) and looks for the word "PySide6". The window's ~270
modules made that ~10-25 ms of every start-up, and linecache kept all their source lines in
memory. This gives the same answer (is "PySide6" in the source file?) from one read of the
file; anything it cannot read the same way goes to PySide's own check. If a PySide version no
longer has the helper, nothing is changed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

HELPER_MODULE = "shibokensupport.feature"  # PySide6's own (embedded) support module
HELPER = "_mod_uses_pyside"
WORD = b"PySide6"


def install() -> bool:
    """Replace PySide's check (once); False when this PySide has no such helper."""
    feature = sys.modules.get(HELPER_MODULE)
    original = getattr(feature, HELPER, None)
    if feature is None or not callable(original):
        return False
    if getattr(original, "kapnotes_fast", False):
        return True
    setattr(feature, HELPER, fast_check(original))
    return True


def fast_check(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return WORD in source.read()
        except OSError:
            return original(module)

    uses_pyside.kapnotes_fast = True  # type: ignore[attr-defined]
    uses_pyside.original = original  # type: ignore[attr-defined]
    return uses_pyside
