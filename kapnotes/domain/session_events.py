"""The in-session event log: time-stamped entries of a kind (dose given, music change,
distress, touch…) with an optional short text. The kinds are data
(resources/session_events/kinds.json), read here from an already-loaded document. No Qt."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.text_rules import clean_text

KINDS_FORMAT = "kapnotes-session-event-kinds/1"
MAX_EVENT_TEXT = 300  # a short line said in the room, not a narrative (that is the note)


@dataclass(frozen=True)
class EventKind:
    id: str
    label: str


@dataclass(frozen=True)
class SessionEvent:
    id: int
    session_id: int
    kind: str
    at: datetime
    text: str = ""


def parse_kinds(doc: object) -> tuple[EventKind, ...]:
    """The kinds in a loaded kinds document, checked (a bad file names what is wrong)."""
    if not isinstance(doc, Mapping) or doc.get("format") != KINDS_FORMAT:
        raise ValidationError("event kinds", f"must be a {KINDS_FORMAT} document.")
    raw = doc.get("kinds")
    if not isinstance(raw, list) or not raw:
        raise ValidationError("event kinds", "must list at least one kind.")
    kinds: list[EventKind] = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str) \
                or not isinstance(item.get("label"), str):
            raise ValidationError("event kinds", "each kind needs a text id and label.")
        kinds.append(EventKind(item["id"], item["label"]))
    if len({k.id for k in kinds}) != len(kinds):
        raise ValidationError("event kinds", "kind ids must be unique.")
    return tuple(kinds)


def checked_kind(kinds: tuple[EventKind, ...], kind: str) -> EventKind:
    for k in kinds:
        if k.id == kind:
            return k
    raise ValidationError("Event kind", "is not one of the kinds of the event log.")


def checked_text(text: object) -> str:
    return clean_text("Event text", text, max_length=MAX_EVENT_TEXT)


def in_order(events: list[SessionEvent]) -> list[SessionEvent]:
    """Time order; entries at the same second in the order they were added."""
    return sorted(events, key=lambda e: (e.at, e.id))
