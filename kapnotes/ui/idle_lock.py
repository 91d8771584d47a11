"""Notices when nobody has touched the app for a while, so the window can lock itself.

An event filter on each of the app's top-level windows (QWindow, where the platform delivers
input) sees every key, click, mouse move, wheel and touch before any widget does; each one
moves "last input" to now. The main window is watched from the start, any other window
(dialogs, popups) from when it first takes focus or from the next poll, whichever is first.
(Not one filter on the QApplication: that calls into Python for every event of every object,
~30 µs each, and made the window's first paint 25 ms slower.) A QTimer polls (every few
seconds, every second in the last minute so a countdown can be shown) and emits
`idle_timeout` once the limit is reached. The clock is injectable: tests move time by hand
instead of waiting minutes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtWidgets import QWidget

MonotonicClock = Callable[[], float]
DEFAULT_MINUTES = 5
DEFAULT_POLL_MS = 5000
COUNTDOWN_SECONDS = 60  # the status bar warns during the last minute

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress,
})


class IdleWatcher(QObject):
    """Emits `idle_timeout` after `minutes` without input, `countdown(seconds)` near it.

    `countdown` carries the whole seconds left (1…60) during the last minute and -1 when the
    countdown is over (input came back, or the timeout fired), so a label can clear itself.
    """

    idle_timeout = Signal()
    countdown = Signal(int)

    def __init__(self, *, minutes: float = DEFAULT_MINUTES,
                 clock: MonotonicClock = time.monotonic, poll_ms: int = DEFAULT_POLL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._limit = max(1.0, float(minutes) * 60)
        self._poll_ms = max(1, int(poll_ms))
        self._last_input = clock()
        self._fired = False
        self._counting = False
        self._paused = False
        self._following_focus = False
        self.timer = QTimer(self)
        self.timer.setInterval(self._poll_ms)
        self.timer.timeout.connect(self.check)

    # -- set-up ----------------------------------------------------------------------------
    def start(self) -> None:
        """Watch the input of every window of the app, now and later; idempotent."""
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            self._watch_all()
            if not self._following_focus:
                app.focusWindowChanged.connect(self._watch)
                self._following_focus = True
        self.reset()
        self.timer.start()

    def stop(self) -> None:
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            if self._following_focus:
                app.focusWindowChanged.disconnect(self._watch)
                self._following_focus = False
            for window in app.topLevelWindows():
                window.removeEventFilter(self)
        self.timer.stop()

    def watch(self, widget: QWidget) -> None:
        """Watch this top-level widget's window from now on, whether or not it has focus
        (the platform may not give a new window focus)."""
        widget.winId()  # creates its QWindow if it is not shown yet
        self._watch(widget.windowHandle())

    def _watch_all(self) -> None:
        for window in QGuiApplication.topLevelWindows():
            self._watch(window)

    def _watch(self, window: QWindow | None) -> None:
        if window is not None:
            window.removeEventFilter(self)  # never filter twice
            window.installEventFilter(self)

    @property
    def minutes(self) -> float:
        return self._limit / 60

    def set_minutes(self, minutes: float) -> None:
        self._limit = max(1.0, float(minutes) * 60)
        self.check()

    # -- state -----------------------------------------------------------------------------
    def pause(self) -> None:
        """While the window is locked there is nothing to time out."""
        self._paused = True
        self._end_countdown()

    def resume(self) -> None:
        self._paused = False
        self.reset()

    def reset(self) -> None:
        """Input happened (or the window was just unlocked): the full time starts again."""
        self._last_input = self._clock()
        self._fired = False
        self._end_countdown()
        if self.timer.interval() != self._poll_ms:
            self.timer.setInterval(self._poll_ms)

    def idle_seconds(self) -> float:
        return max(0.0, self._clock() - self._last_input)

    def seconds_left(self) -> float:
        return max(0.0, self._limit - self.idle_seconds())

    def check(self) -> None:
        """One poll (the timer calls it; tests may call it directly)."""
        self._watch_all()  # popups and dialogs that never took focus are watched from now on
        if self._paused or self._fired:
            return
        left = self.seconds_left()
        if left <= 0:
            self._fired = True
            self._end_countdown()
            self.idle_timeout.emit()
            return
        if left <= COUNTDOWN_SECONDS:
            self._counting = True
            self.countdown.emit(math.ceil(left))
            # Poll every second now so the countdown reads smoothly and the lock is on time.
            self.timer.setInterval(min(self._poll_ms, 1000))
        else:
            self._end_countdown()
            self.timer.setInterval(min(self._poll_ms, max(1, int((left - COUNTDOWN_SECONDS)
                                                                 * 1000))))

    def _end_countdown(self) -> None:
        if self._counting:
            self._counting = False
            self.countdown.emit(-1)

    # -- the filter ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            # One user action reaches several objects (widget, its window, parents); setting a
            # float each time is cheaper than telling the copies apart.
            self._last_input = self._clock()
            if self._counting and not self._paused:
                self._end_countdown()
                self.timer.setInterval(self._poll_ms)
        return False  # watch only: every event goes on to its widget
