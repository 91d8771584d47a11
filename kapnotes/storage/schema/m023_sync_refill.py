"""Schema step 023: clients whose rows this vault must pull again from the practice server.

A draft deleted here while another workstation edited it comes back (the server answers the
void with a conflict, and the newer draft is pulled), but the rows that went with it when it
was deleted (its vitals readings, its addenda) were pulled long ago and a pull by sequence
number never brings them again: the vault kept the draft without its readings for good.
A client named here is pulled again from its first row at the next sync (rows this vault
already holds are skipped by version), then the mark is cleared (kapnotes/storage/sync_state.py).
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE sync_refill (client_code TEXT PRIMARY KEY) WITHOUT ROWID;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
