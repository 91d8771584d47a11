"""One audit entry per editing stretch of a draft note, naming the fields, never their text.

Autosave writes a draft every few seconds; an entry per save would bury the log and tell a
reader nothing more. So edits are grouped into stretches: a stretch of a note starts with its
first changed save and lasts while saves keep coming less than `STRETCH_GAP` apart (in this
process: a restart or a new window starts a new stretch). The first save of a stretch records
`session.edit` with the ids of the fields it changed; a later save in the same stretch records
an entry only when it changes a field not named yet in the stretch, and names just those. A
note's log therefore shows when it was worked on and which parts, at most one entry per
field per stretch. Entries are written in the save's own transaction: there is an entry
exactly when the edit was stored. A field counts as named only while its entry is in the log,
so a save that rolled back (a refusal after the entry was written) leaves nothing that keeps
the next save from naming it again.
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
    named: dict[str, int] = field(default_factory=dict)  # field id -> audit entry id


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
        new = changed - _still_logged(vault, stretch.named)
        if not new:
            return
        audit.record(vault, EVENT, record_type="session", record_id=session_id,
                     detail="fields: " + ", ".join(sorted(new)))
        row = vault.query_one("SELECT max(id) FROM audit_log")
        entry_id = int(row[0]) if row and row[0] is not None else 0
        stretch.named.update(dict.fromkeys(new, entry_id))


def _still_logged(vault: Vault, named: dict[str, int]) -> set[str]:
    """The named fields whose entry is in the log (not rolled back with its save)."""
    ids = sorted(set(named.values()))
    if not ids:
        return set()
    marks = ", ".join("?" * len(ids))
    present = {int(r[0]) for r in vault.query(
        f"SELECT id FROM audit_log WHERE id IN ({marks})", tuple(ids))}
    return {f for f, entry in named.items() if entry in present}


def _gap(earlier: datetime, now: datetime) -> timedelta:
    # A clock set back (or aware/naive mixed by a caller) starts a new stretch, never an error.
    try:
        gap = now - earlier
    except TypeError:
        return STRETCH_GAP
    return gap if gap >= timedelta(0) else STRETCH_GAP
