"""A small locked table of the last few answers of a pure function, kept for the process
(font subsets, their compressed streams and widths, and ToUnicode maps: export/font_subsets.py,
export/fonts.py); every export of the same report asks the same questions."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Kept(Generic[T]):
    """The last few answers of a pure function of one hashable argument (exports may run on
    a worker thread, so the table is locked)."""

    def __init__(self, size: int) -> None:
        self._answers: OrderedDict[Any, T] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, key: Any) -> T | None:
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found

    def put(self, key: Any, answer: T) -> None:
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)
