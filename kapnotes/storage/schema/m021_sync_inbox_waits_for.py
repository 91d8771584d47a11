"""Schema step 021: a pulled row that waits in `sync_inbox` says which row it waits for.

Step 020 retried every waiting row after every page of a sync, including rows that can never
apply (a vitals reading of a note this vault holds signed, a malformed row): with thousands of
them a first sync went quadratic. `waits_for` is the UUID of the missing parent (NULL: the row
waits for a person, not for another row); after a page only the rows waiting for a row that
page brought are tried again (kapnotes/storage/sync_apply.py), and a void of that parent drops
them. Rows already waiting keep NULL: they were tried on every page until now.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
ALTER TABLE sync_inbox ADD COLUMN waits_for TEXT;
CREATE INDEX sync_inbox_waits_for ON sync_inbox(waits_for) WHERE waits_for IS NOT NULL;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
