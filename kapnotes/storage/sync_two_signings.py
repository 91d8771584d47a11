"""A note signed here while another workstation signed the same draft: its addenda
(storage/sync_apply.py, `_two_signatures`)."""

from __future__ import annotations

import uuid
from typing import Any

from kapnotes.storage.sync_outbox import drop_ops_for
from kapnotes.storage.sync_payloads import payload_of
from kapnotes.storage.vault import Vault


def addenda_sent(vault: Vault, session_id: int) -> list[tuple[str, int, dict[str, Any]]]:
    """The addenda of a note signed here that is about to become a note of its own. Each
    stays on it under a new UUID and goes out again for it; one the server already holds
    belongs there to the server's note (addenda are insert-only), so it is returned, to be
    written there too: on every workstation the words are on both signings."""
    sent = []
    for local_id, row_uuid, version in vault.query(
            "SELECT a.id, i.uuid, i.version FROM addenda a JOIN sync_ids i"
            " ON i.tbl = 'addenda' AND i.local_id = a.id WHERE a.session_id = ?"
            # A late reading's addendum (storage/sync_late.py) stands for a reading: left as is.
            " AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.event = 'practice.late_reading'"
            " AND l.detail LIKE 'reading ' || i.uuid || ' from %')", (session_id,)):
        payload = payload_of(vault, "addenda", int(local_id))
        if version is not None and payload is not None:
            sent.append((str(row_uuid), int(version), payload))
        drop_ops_for(vault, str(row_uuid))  # unanswered: if it got there, it comes back
        vault.execute("UPDATE sync_ids SET uuid = ?, version = NULL WHERE tbl = 'addenda'"
                      " AND local_id = ?", (str(uuid.uuid4()), local_id))
        vault.execute("INSERT OR IGNORE INTO sync_dirty (tbl, local_id) VALUES ('addenda', ?)",
                      (local_id,))
    return sent
