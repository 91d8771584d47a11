"""Words typed into an open note while a sync rewrote it are kept, never written over the
newer version nor dropped (docs/PRACTICE-SERVER.md, "Conflicts, field reviews and refusals").

The note editor saves with the stored values it loaded (`NoteService.save_fields(based_on=…)`);
a field another workstation's version changed meanwhile is handed here, inside the save's
transaction, and kept as a conflict copy of the note, exactly as a stale push is.
"""

from __future__ import annotations

from collections.abc import Mapping

from kapnotes.services.clock import Clock, utc_stamp
from kapnotes.storage.vault import Vault


class TypedAside:
    """`NoteService.keep_aside` for one vault."""

    def __init__(self, vault: Vault, clock: Clock) -> None:
        self.vault = vault
        self.clock = clock

    def __call__(self, session_id: int, typed: Mapping[str, tuple[object, str]]) -> bool:
        # Loaded only when a field did change behind the editor: a solo vault's start-up and
        # autosave import nothing of sync.
        from kapnotes.storage import sync_review

        return sync_review.keep_typed_copy(self.vault, session_id, typed, utc_stamp(self.clock))
