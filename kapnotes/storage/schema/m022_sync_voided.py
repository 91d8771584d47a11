"""Schema step 022: the UUIDs of shared rows known to be voided on the practice server.

A pulled row whose parent was deleted (a vitals reading of a discarded dosing draft) waited in
`sync_inbox` forever once the void was no longer in this vault's outbox: nothing here
remembered that the parent is gone for good, so the row looked like one whose parent had not
arrived yet. `sync_voided` remembers every void this vault pulled or had acknowledged, and a
row waiting for one of them is dropped (kapnotes/storage/sync_apply.py). A UUID only.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE sync_voided (uuid TEXT PRIMARY KEY) WITHOUT ROWID;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
