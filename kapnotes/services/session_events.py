"""The in-session event log for the UI and CLI: add, edit and remove time-stamped entries of a
session while its note is a draft (the vault refuses it after signing too: m017's triggers).

The kinds are data (resources/session_events/kinds.json). Entry text is never logged; the
audit trail gets the part changed ("events") through the note's editing stretches.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from kapnotes.domain.errors import ConflictError, NotFoundError
from kapnotes.domain.models import Session
from kapnotes.domain.session_events import (
    EventKind,
    SessionEvent,
    checked_kind,
    checked_text,
    parse_kinds,
)
from kapnotes.paths import resource_path
from kapnotes.services.changes import session_changes, write
from kapnotes.services.clock import Clock, aware, system_clock
from kapnotes.services.edit_audit import EditStretches
from kapnotes.storage import session_events as repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.vault import Vault

TOUCH_KIND = "touch"  # the kinds file's id of supportive touch
LOCKED = "This note is signed and locked; add an addendum instead."


def load_event_kinds() -> tuple[EventKind, ...]:
    with resource_path("session_events", "kinds.json").open(encoding="utf-8") as f:
        return parse_kinds(json.load(f))


class SessionEventLog:
    """One vault's session event logs."""

    def __init__(self, vault: Vault, *, clock: Clock = system_clock,
                 kinds: tuple[EventKind, ...] | None = None) -> None:
        self.vault = vault
        self.clock = clock
        self.kinds = kinds if kinds is not None else load_event_kinds()
        self.edits = EditStretches()  # the container shares the note's tracker
        # What a touch entry refers to (the consent in force, or a warning): set by Services.
        self.touch_line: Callable[[int, datetime | None], str] | None = None

    def label(self, kind: str) -> str:
        return next((k.label for k in self.kinds if k.id == kind), kind)

    def _writable(self, session_id: int) -> Session:
        session = session_repo.get(self.vault, session_id)
        if session.signed:
            raise ConflictError(LOCKED)
        return session

    def _event(self, event_id: int) -> SessionEvent:
        event = repo.get(self.vault, event_id)
        if event is None:
            raise NotFoundError("That event is no longer in the log.")
        return event

    def consent_note(self, event: SessionEvent) -> str:
        """For a touch entry, the consent it relies on (or a warning that none is in force);
        empty for other kinds."""
        if event.kind != TOUCH_KIND or self.touch_line is None:
            return ""
        return self.touch_line(event.session_id, event.at)

    def events(self, session_id: int) -> list[SessionEvent]:
        """The session's entries in time order."""
        return repo.for_session(self.vault, session_id)

    def events_of(self, session_ids: list[int]) -> dict[int, list[SessionEvent]]:
        """`events` of each of these sessions, one query for all."""
        return repo.for_sessions(self.vault, session_ids)

    def add(self, session_id: int, kind: str, *, text: str = "",
            at: datetime | None = None) -> SessionEvent:
        """A new entry at `at` (now when not given, to the second)."""
        self._writable(session_id)
        checked_kind(self.kinds, kind)
        clean = checked_text(text)
        now = aware(self.clock()).replace(microsecond=0)
        when = aware(at).replace(microsecond=0) if at is not None else now
        with write(self.vault, lambda: session_changes(self.vault, session_id, notes=True)):
            event_id = repo.add(self.vault, session_id, kind, when, clean, now)
            self.edits.record(self.vault, session_id, ["events"], now)
        return SessionEvent(event_id, session_id, kind, when, clean)

    def update(self, event_id: int, *, kind: str | None = None, text: str | None = None,
               at: datetime | None = None) -> SessionEvent:
        old = self._event(event_id)
        self._writable(old.session_id)
        new_kind = checked_kind(self.kinds, kind).id if kind is not None else old.kind
        new_text = checked_text(text) if text is not None else old.text
        new_at = aware(at).replace(microsecond=0) if at is not None else old.at
        with write(self.vault,
                   lambda: session_changes(self.vault, old.session_id, notes=True)):
            repo.update(self.vault, event_id, new_kind, new_at, new_text)
            self.edits.record(self.vault, old.session_id, ["events"], aware(self.clock()))
        return SessionEvent(event_id, old.session_id, new_kind, new_at, new_text)

    def remove(self, event_id: int) -> None:
        old = self._event(event_id)
        self._writable(old.session_id)
        with write(self.vault,
                   lambda: session_changes(self.vault, old.session_id, notes=True)):
            repo.delete(self.vault, event_id)
            self.edits.record(self.vault, old.session_id, ["events"], aware(self.clock()))

