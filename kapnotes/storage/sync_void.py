"""Deleting a shared record goes out with the reason a person gave (docs/PRACTICE-SERVER.md,
"Deleting a shared record"; schema step 025): a service that deletes sets the reason for its
transaction (`reason_for_voids`), and the AFTER DELETE triggers put it in each void's
`"void_reason"`. Loaded by the services at start-up, so it imports nothing of the sync.
How a pulled void is applied: kapnotes/storage/sync_removals.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kapnotes.domain.text_rules import MAX_LONG, clean_text
from kapnotes.storage.vault import Vault

GENERIC_REASON = "deleted on a workstation"
MAX_REASON = 500  # characters kept of a reason, here and from the server


def linked(vault: Vault) -> bool:
    """Whether a deletion here goes to a practice server (and its reason to the care team)."""
    row = vault.query_one("SELECT linked FROM sync_state")
    return bool(row and row[0])


@contextmanager
def reason_for_voids(vault: Vault, reason: str) -> Iterator[None]:
    """Deletions written inside go out with `reason` (call inside the write transaction).
    A reason is one line of typed text: control characters are refused here (ValidationError
    naming the field; the transaction, and so the deletion, is undone), as the server's JSON
    would refuse the void and leave the record on every other workstation."""
    text = clean_text("Reason", reason, max_length=MAX_LONG)
    vault.execute("UPDATE sync_state SET void_reason = ?", (text[:MAX_REASON],))
    try:
        yield
    finally:
        vault.execute("UPDATE sync_state SET void_reason = ''")


