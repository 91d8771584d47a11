"""One audit entry per editing stretch of a draft note, naming the fields, never their text.

Autosave writes a draft every few seconds; an entry per save would bury the log and tell a
reader nothing more. So edits are grouped into stretches: a stretch of a note starts with its
first changed save and lasts while saves keep coming less than `STRETCH_GAP` apart (in this
process: a restart or a new window starts a new stretch). The first save of a stretch records
`session.edit` with the ids of the fields it changed; a later save in the same stretch records
an entry only when it changes a field not named yet in the stretch, and names just those. A
note's log therefore shows when it was worked on and which parts, at most one entry per
field per stretch. Entries are written in the save's own transaction: there is an entry
exactly when the edit was stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kapnotes.storage import audit
from kapnotes.storage.vault import Vault

EVENT = "session.edit"
STRETCH_GAP = timedelta(minutes=30)


@dataclass
class _Stretch:
    last_save: datetime
    named: set[str] = field(default_factory=set)


class EditStretches:
    """The open editing stretch of each note this process has saved."""

    def __init__(self) -> None:
        self._open: dict[int, _Stretch] = {}

    def record(self, vault: Vault, session_id: int, changed: Iterable[str],
               now: datetime) -> None:
        """Call inside the save's transaction with the ids of the fields whose value changed."""
        changed = set(changed)
        if not changed:
            return
        stretch = self._open.get(session_id)
        if stretch is None or _gap(stretch.last_save, now) >= STRETCH_GAP:
            stretch = _Stretch(now)
            self._open[session_id] = stretch
        stretch.last_save = now
        new = changed - stretch.named
        if not new:
            return
        audit.record(vault, EVENT, record_type="session", record_id=session_id,
                     detail="fields: " + ", ".join(sorted(new)))
        stretch.named |= new

    def forget(self, session_id: int) -> None:
        """The transaction failed, or the note was signed or deleted: nothing is left open."""
        self._open.pop(session_id, None)


def _gap(earlier: datetime, now: datetime) -> timedelta:
    # A clock set back (or aware/naive mixed by a caller) starts a new stretch, never an error.
    try:
        gap = now - earlier
    except TypeError:
        return STRETCH_GAP
    return gap if gap >= timedelta(0) else STRETCH_GAP
