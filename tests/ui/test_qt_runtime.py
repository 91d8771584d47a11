"""The Qt binding itself must not corrupt the interpreter (PySide6 6.12.0 did)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    number = Signal(int)
    text = Signal(str)
    bare = Signal()


def test_emitting_signals_leaves_reference_counts_alone(qtbot) -> None:
    # PySide6 6.12.0 released one reference to True per emit(); on Python 3.11 the process
    # aborted ("deallocating True") after a few hundred, i.e. minutes into a session.
    emitter = _Emitter()
    received = [0]

    def count(*_args: object) -> None:
        received[0] += 1

    emitter.number.connect(count)
    emitter.text.connect(count)
    emitter.bare.connect(count)
    before = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    for i in range(3000):
        emitter.number.emit(i)
        emitter.text.emit("x")
        emitter.bare.emit()
    after = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    assert received[0] == 9000
    assert after[0] == before[0] and after[1] == before[1]
    assert abs(after[2] - before[2]) < 50  # None is shared widely; only a leak would drift
