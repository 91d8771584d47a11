"""The slow-down after wrong passphrases, shared by the unlock dialog and the lock screen.

From the third failure on, the unlock buttons stay disabled for a growing number of seconds,
shown as a countdown on the button and in a label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from kapnotes.services.vault_access import FREE_ATTEMPTS, delay_after

__all__ = ["FREE_ATTEMPTS", "default_delay"]


def default_delay(failures: int) -> int:
    """Seconds to wait after `failures` wrong attempts (the rule the CLI shares)."""
    return delay_after(failures)


def wait_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setAccessibleName("Wait before trying again")
    label.setVisible(False)
    return label


class Countdown:
    """Whole seconds left before another attempt; `on_change` runs on every change."""

    def __init__(self, parent: QObject, on_change: Callable[[], None]) -> None:
        self.seconds_left = 0
        self._on_change = on_change
        self._timer = QTimer(parent)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)

    def start(self, seconds: int) -> None:
        self.seconds_left = max(0, int(seconds))
        if self.seconds_left:
            self._timer.start()
        self._on_change()

    def tick(self) -> None:
        """One second of the countdown (the timer calls it; tests call it directly)."""
        self.seconds_left = max(0, self.seconds_left - 1)
        if not self.seconds_left:
            self._timer.stop()
        self._on_change()

    def show(self, unlock_button: QPushButton, labels: Iterable[QLabel],
             other_buttons: Iterable[QPushButton] = ()) -> None:
        """Disable the buttons and show the seconds left, or restore them when done."""
        waiting = self.seconds_left > 0
        for button in (unlock_button, *other_buttons):
            button.setEnabled(not waiting)
        unlock_button.setText(f"Unlock ({self.seconds_left} s)" if waiting else "Unlock")
        for label in labels:
            label.setVisible(waiting)
            label.setText(
                f"Too many wrong attempts. Try again in {self.seconds_left} s." if waiting else ""
            )


@contextmanager
def busy() -> Iterator[None]:
    """Wait cursor while the key is derived (about a third of a second, on purpose)."""
    from PySide6.QtCore import Qt  # not before the unlock dialog paints (review_entry.py)

    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
