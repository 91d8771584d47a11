"""The window's one bridge from the services' change notifications to Qt.

Services announce each committed write with a `Changes` (kapnotes/services/changes.py); this
adapter re-emits it as a Qt signal, so a write finished on another thread still reaches the
views on the GUI thread. A view subscribes with `on_changes(services, self, self._on_changes)`
and refreshes only what the change touches (docs/ARCHITECTURE.md, "Changes that announce
themselves"); the connection ends when the view is destroyed.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from kapnotes.domain.errors import NotFoundError
from kapnotes.services.changes import ChangeHub, Changes, hub
from kapnotes.services.container import Services

# What a client's page shows: header, schedule, sessions, intentions, themes, measures, alerts.
PAGE_KINDS = ("clients", "courses", "sessions", "intentions", "themes", "measures",
              "monitoring", "screening", "settings", "reviews")


class ChangeSignals(QObject):
    """Re-emits one vault's change notifications as `changed(Changes)`."""

    changed = Signal(object)

    def __init__(self, source: ChangeHub) -> None:
        super().__init__()
        source.subscribe(self._relay)

    def _relay(self, changes: Changes) -> None:
        # Emitted from the writing thread; Qt queues it to receivers on the GUI thread.
        self.changed.emit(changes)


_adapters: weakref.WeakKeyDictionary[ChangeHub, ChangeSignals] = weakref.WeakKeyDictionary()


def change_signals(services: Services) -> ChangeSignals:
    """The adapter of the services' vault (made on first use, on the GUI thread)."""
    source = hub(services.vault)
    adapter = _adapters.get(source)
    if adapter is None:
        adapter = _adapters[source] = ChangeSignals(source)
    return adapter


class _Listener(QObject):
    """Owned by the view (dies with it, and its connection with it)."""

    def __init__(self, services: Services, view: QObject,
                 handler: Callable[[Changes], None]) -> None:
        super().__init__(view)
        self._handler = handler
        change_signals(services).changed.connect(self._heard)

    def _heard(self, changes: Changes) -> None:
        self._handler(changes)


def on_changes(services: Services, view: QObject, handler: Callable[[Changes], None]) -> None:
    """Call `handler` with every change until `view` is destroyed."""
    _Listener(services, view, handler)


class _Refresher(QObject):
    """Refreshes a view a change touches: now if it is on its page, else when next shown."""

    def __init__(self, services: Services, view: QWidget, touched: Callable[[Changes], bool],
                 refresh: Callable[[], None]) -> None:
        super().__init__(view)
        self._view, self._touched, self._refresh = view, touched, refresh
        self.stale = False
        _REFRESHERS.add(self)
        view.installEventFilter(self)
        change_signals(services).changed.connect(self._heard)

    def _heard(self, changes: Changes) -> None:
        if not self._touched(changes):
            return
        if self._view.isVisibleTo(self._view.window()):
            self._run()
        else:
            self.stale = True  # a page behind another: refreshed when it is shown

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.stale and event.type() == QEvent.Type.Show:
            # Next turn of the event loop: whoever is showing it may refresh it by hand first
            # (a client page shown for a client), and `mark_fresh` then spares a second one.
            QTimer.singleShot(0, self, self._run_if_stale)
        return False

    def _run_if_stale(self) -> None:
        if self.stale:
            self._run()

    def _run(self) -> None:
        self.stale = False
        try:
            self._refresh()
        except NotFoundError:
            pass  # the record itself went: whoever removed it moves the view on


def refresh_when(services: Services, view: QWidget, touched: Callable[[Changes], bool],
                 refresh: Callable[[], None]) -> None:
    """Call `refresh` after each change `touched` says the view shows, until it is destroyed."""
    _Refresher(services, view, touched, refresh)


# Every refresher made (a few per window); mark_fresh looks here instead of through all the
# view's child objects (findChildren wrapped each of a client page's ~hundreds for Python
# at its first open).
_REFRESHERS: weakref.WeakSet[_Refresher] = weakref.WeakSet()


def mark_fresh(view: QWidget) -> None:
    """The view was just refreshed by hand (shown for another client): no second refresh
    when it comes on screen. Its refreshers and those of anything inside it, as
    `findChildren` would find them."""
    for refresher in list(_REFRESHERS):
        if shiboken6.isValid(refresher) and _inside(refresher, view):
            refresher.stale = False


def _inside(obj: QObject, ancestor: QObject) -> bool:
    parent = obj.parent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parent()
    return False
