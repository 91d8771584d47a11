"""Schema step 027: a course's planned session slots shared with it (docs/PRACTICE-SERVER.md,
"What is shared"; kapnotes/storage/sync_slots.py encodes them).

The plan is part of its course, as a note's dosing rows are part of the note: a slot moved,
skipped or linked to the session held in it marks its course changed (when the vault is joined
and not applying a pulled batch), and the course's payload carries its slots. So a plan edited
on two workstations apart follows the course's rule: the stale edit becomes a conflict copy.

`sync_slot_links`: a pulled slot names the session held in it by UUID; a session not here yet
(it arrives later in the same pull: a course goes before its sessions) is linked by a trigger
when it arrives.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.m020_sync import ACTIVE, mark
from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE sync_slot_links (
    slot_id       INTEGER PRIMARY KEY REFERENCES planned_slots(id) ON DELETE CASCADE,
    session_uuid  TEXT NOT NULL
);
CREATE INDEX sync_slot_links_session ON sync_slot_links(session_uuid);

CREATE TRIGGER sync_slot_links_arrived AFTER UPDATE OF uuid ON sync_ids
WHEN NEW.tbl = 'sessions' AND EXISTS (SELECT 1 FROM sync_slot_links WHERE session_uuid = NEW.uuid)
BEGIN
    UPDATE planned_slots SET session_id = NEW.local_id
        WHERE id IN (SELECT slot_id FROM sync_slot_links WHERE session_uuid = NEW.uuid);
    DELETE FROM sync_slot_links WHERE session_uuid = NEW.uuid;
END;
"""


def trigger_sql() -> str:
    out = []
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        out.append(
            f"CREATE TRIGGER sync_dirty_planned_slots_{event.lower()} AFTER {event}"
            f" ON planned_slots WHEN {ACTIVE}"
            f" AND EXISTS (SELECT 1 FROM courses WHERE id = {row}.course_id)"
            f" BEGIN {mark('courses', row + '.course_id')} END;")
    return "\n".join(out)


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
    run_script(conn, trigger_sql())
    # A vault already joined sends its courses again, now with their plans.
    conn.execute("INSERT OR IGNORE INTO sync_dirty (tbl, local_id) SELECT 'courses', id"
                 " FROM courses WHERE (SELECT linked FROM sync_state) = 1"
                 " AND EXISTS (SELECT 1 FROM planned_slots p WHERE p.course_id = courses.id)")
