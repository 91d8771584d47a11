"""Schema step 029: a deletion made while the vault is not joined to its practice server (after
`practice leave`) is remembered, so the re-join sends it as a void with its reason instead of
the record coming back from the server (docs/PRACTICE-SERVER.md, "Leaving the server, and
joining again"; kapnotes/storage/sync_state.py `mark_known_drafts` sends them).

`sync_solo_voids`: the UUID, kind, client code, last agreed version and reason of each deleted
row the server already had (a version is known), written by a BEFORE DELETE trigger only while
the vault is not linked (a joined vault sends its voids at once, step 025). A never-joined
vault has no versions: nothing is recorded. A row deleted with its client (the client's
void covers it on the server) finds no client here and is not recorded. Joining another
server forgets them with the versions.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.m020_sync import SHARED
from kapnotes.storage.schema.m025_sync_void_reasons import REASON_SQL
from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE sync_solo_voids (
    uuid         TEXT PRIMARY KEY,
    tbl          TEXT NOT NULL,
    local_id     INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    client_code  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    reason       TEXT NOT NULL
) WITHOUT ROWID;
"""
# Rows the server lets a workstation void (an addendum is never removed).
TABLES: dict[str, tuple[str, str]] = {
    **{t: v for t, v in SHARED.items() if t != "addenda"},
    "approvals": ("approval", "(SELECT code FROM clients WHERE id = {row}.client_id)"),
}


def solo_trigger(table: str, kind: str, code_sql: str) -> str:
    code = code_sql.format(row="OLD")
    return (
        f"CREATE TRIGGER sync_solo_gone_{table} BEFORE DELETE ON {table}"
        " WHEN (SELECT linked FROM sync_state) = 0 BEGIN"
        " INSERT INTO sync_solo_voids (uuid, tbl, local_id, kind, client_code, version, reason)"
        f" SELECT i.uuid, '{table}', OLD.id, '{kind}', {code}, i.version, {REASON_SQL}"
        f" FROM sync_ids i WHERE i.tbl = '{table}' AND i.local_id = OLD.id"
        f" AND i.version IS NOT NULL AND {code} IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM sync_solo_voids v WHERE v.uuid = i.uuid); END;")


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
    for table, (kind, code_sql) in TABLES.items():
        conn.execute(solo_trigger(table, kind, code_sql))
