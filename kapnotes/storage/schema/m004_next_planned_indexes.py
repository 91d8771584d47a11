"""Schema step 004: partial indexes for the client list's "next planned session" column.

The window's client list is filled at start-up by `storage.clients.summaries`, whose
next-planned subquery wants only the open slots (not skipped, no session yet) of each client's
active courses. With m001's indexes SQLite read every course row of a client (for `status`) and
every planned_slots table row of those courses (for skipped/session_id/planned_date/kind): ~20 ms
on a cold connection to the benchmark vault (500 clients, 5,000 courses, 120,000 slots). These
two indexes hold just those rows, and the slot index covers the columns the query reads and
sorts by, so it reads a few index pages per client instead (~6 ms).

A partial index is used only when its WHERE is implied by the query's WHERE, so the predicates
below repeat the query's terms exactly (`co.status = 'active'`, `ps.skipped = 0 AND
ps.session_id IS NULL`); change them together. Indexes add no data: the portable export format
is unchanged.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE INDEX courses_active ON courses(client_id) WHERE status = 'active';
CREATE INDEX planned_slots_open ON planned_slots(course_id, planned_date, seq, kind)
    WHERE session_id IS NULL AND skipped = 0;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
