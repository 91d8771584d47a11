"""Schema step 025: deletions carry the reason a person gave, and a deletion pulled from another
workstation never silently takes a draft written here (docs/PRACTICE-SERVER.md, "Deleting a
shared record").

- `sync_state.void_reason`: the reason of the deletion being written now. The service that
  deletes sets it inside its transaction and clears it after (kapnotes/storage/sync_void.py);
  the AFTER DELETE triggers of step 020 are re-created here to put it in the void's
  `"void_reason"` (the old generic words when none was given).
- `sync_written`: the notes this workstation has written to since it joined (marked when a
  note is first marked changed here). A pulled void that would remove one keeps it as a
  conflict copy first.
- `sync_conflicts.reason`: why a copy was kept, as a person reads it (who deleted the record,
  and their reason); empty for an ordinary conflict copy.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.m020_sync import ACTIVE, NOW_SQL, SHARED, UUID_SQL
from kapnotes.storage.schema.script import run_script

# The reason a void goes out with; any trigger building a void op should use it.
REASON_SQL = ("coalesce(nullif((SELECT void_reason FROM sync_state), ''),"
              " 'deleted on a workstation')")

SQL = r"""
ALTER TABLE sync_state ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_conflicts ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE TABLE sync_written (local_id INTEGER PRIMARY KEY);
-- Not INSERT OR IGNORE: a trigger's conflict clause gives way to the outer statement's.
CREATE TRIGGER sync_written_note AFTER INSERT ON sync_dirty WHEN NEW.tbl = 'sessions' BEGIN
    INSERT INTO sync_written (local_id) SELECT NEW.local_id
    WHERE NOT EXISTS (SELECT 1 FROM sync_written WHERE local_id = NEW.local_id);
END;
INSERT INTO sync_written (local_id)
    SELECT local_id FROM sync_dirty WHERE tbl = 'sessions'
    UNION SELECT local_id FROM sync_outbox WHERE tbl = 'sessions' AND local_id IS NOT NULL
          AND local_id IN (SELECT id FROM sessions);
"""


def gone_trigger(table: str, kind: str, code_sql: str) -> str:
    """The AFTER DELETE trigger of a shared table: a void op for a row the server has or may
    have (an op in flight), with the deleting person's reason."""
    code = code_sql.format(row="OLD")
    return (
        f"CREATE TRIGGER sync_gone_{table} AFTER DELETE ON {table} BEGIN"
        " INSERT INTO sync_outbox (op_id, tbl, local_id, kind, client_code, row_uuid,"
        " base_version, payload, created_at)"
        f" SELECT {UUID_SQL}, '{table}', OLD.id, '{kind}', {code}, i.uuid, i.version,"
        f" json_object('voided', json('true'), 'void_reason', {REASON_SQL},"
        f" 'id', OLD.id), {NOW_SQL} FROM sync_ids i"
        f" WHERE i.tbl = '{table}' AND i.local_id = OLD.id AND {ACTIVE}"
        f" AND {code} IS NOT NULL AND (i.version IS NOT NULL"
        " OR EXISTS (SELECT 1 FROM sync_outbox o WHERE o.row_uuid = i.uuid));"
        f" DELETE FROM sync_dirty WHERE tbl = '{table}' AND local_id = OLD.id;"
        + (" DELETE FROM sync_written WHERE local_id = OLD.id;" if table == "sessions" else "")
        + f" DELETE FROM sync_ids WHERE tbl = '{table}' AND local_id = OLD.id; END;")


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
    for table, (kind, code_sql) in SHARED.items():
        conn.execute(f"DROP TRIGGER sync_gone_{table}")
        conn.execute(gone_trigger(table, kind, code_sql))
