"""A module imported on first use, for heavy modules most sessions never need at start-up.

Start-up imports every module the main window's code names; the export stack, the JSON
import/export and the session editor cost ~70 ms of a ~250 ms import phase, for actions a
therapist may not take that day. `exports = lazy_module("kapnotes.services.exports")` reads
like the module; the import happens at the first attribute read (under the import lock, so
a worker thread may be first). Type checkers see the real module via `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands in for a module until an attribute is read, then forwards to the real one."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        module: ModuleType = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str) -> Any:
    return LazyModule(name)
