"""Text copied out of our windows leaves the clipboard again: after 30 s, and when we lock.

When the clipboard changes while one of our widgets has the focus (a note field, most often),
the text is ours: remembered, and cleared after `hold_ms` unless something else replaced it in
the meantime. Whatever the user copied in another program is never touched — we only clear
when the clipboard still holds exactly the text we put there. On X11 the "selection"
clipboard (middle-click paste) also receives selected note text; it is cleared on lock
while this process still owns it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

HOLD_MS = 30_000


class ClipboardGuard(QObject):
    """Remembers our last copy and clears it when its time is up, if it is still there."""

    def __init__(self, *, hold_ms: int = HOLD_MS, copied_here: Callable[[], bool] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._copied_here = copied_here or _copied_here
        self.clipboard: QClipboard = QGuiApplication.clipboard()
        self._ours: str | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(hold_ms)
        self.timer.timeout.connect(self.clear_if_ours)
        self.clipboard.dataChanged.connect(self._clipboard_changed)

    @property
    def holding(self) -> bool:
        """True while a copy of ours is being watched."""
        return self._ours is not None

    def stop(self) -> None:
        """Stop watching (the window is going away); clears our text first."""
        self.clear_if_ours()
        self.clipboard.dataChanged.disconnect(self._clipboard_changed)

    def _clipboard_changed(self) -> None:
        text = self.clipboard.text(QClipboard.Mode.Clipboard)
        if self._ours is not None and text == self._ours:
            return  # our own copy, seen again (some platforms signal twice)
        if text and self._copied_here():
            self._ours = text
            self.timer.start()
        else:
            # Someone else's content replaced ours: nothing of ours to clear any more.
            self._ours = None
            self.timer.stop()

    def remember(self, text: str) -> None:
        """Our code put `text` on the clipboard itself (a Copy button, say)."""
        self._ours = text or None
        if self._ours is not None:
            self.timer.start()

    def clear_if_ours(self) -> bool:
        """Clear the clipboard if it still holds our text; True when something was cleared."""
        self.timer.stop()
        ours, self._ours = self._ours, None
        cleared = False
        if ours is not None and self.clipboard.text(QClipboard.Mode.Clipboard) == ours:
            self.clipboard.clear(QClipboard.Mode.Clipboard)
            cleared = True
        if self.clipboard.supportsSelection() and self.clipboard.ownsSelection():
            self.clipboard.clear(QClipboard.Mode.Selection)
        return cleared


def _copied_here() -> bool:
    """The copy came from our app: one of our widgets has the keyboard focus right now."""
    # Qt drops the focus widget when the app loses activation, so a copy made in another
    # program while we sit in the background is not taken for ours.
    return isinstance(QApplication.focusWidget(), QWidget)
