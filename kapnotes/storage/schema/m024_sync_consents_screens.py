"""Schema step 024: consents and contraindication screens shared with the practice server
(docs/PRACTICE-SERVER.md, "What is shared"; kapnotes/storage/sync_kinds.py encodes them).

A prescriber must see, before dosing, the consent and the screen another clinician recorded on
another workstation. Both are insert-only on the server, as they are in the vault:
- `consent_records` (kind `consent`): what was signed, never changed (m018). A withdrawal is
  its own entry (kind `consent_withdrawal`): the vault keeps it in the consent's row
  (`withdrawn_on`, final once set), so it gets its own UUID in `sync_ids` under the table name
  `consent_withdrawals` (local id = the consent's id) when the row is withdrawn.
- `screens` (kind `screen`): one screen per save, never overwritten (m002); its answers are
  written in the same transaction and travel inside its payload.

Triggers as in step 020: a UUID for every new row (back-filled here), the row marked changed
only when the vault is joined and not applying a pulled batch. Neither kind is deleted on its
own (only with its client, whose void covers them), so a delete only forgets the row's UUID.
A vault already joined marks its existing rows changed, so they go out on the next sync.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.m020_sync import ACTIVE, UUID_SQL, mark
from kapnotes.storage.schema.script import run_script

# Tables (real, and the withdrawal entries kept inside consent_records) and their kinds.
TABLES = ("consent_records", "screens")


def _uuid_trigger(name: str, event: str, table: str, tbl: str, when: str = "") -> str:
    return (f"CREATE TRIGGER {name} AFTER {event} ON {table}{when} BEGIN"
            f" DELETE FROM sync_ids WHERE tbl = '{tbl}' AND local_id = NEW.id;"
            f" INSERT INTO sync_ids (tbl, local_id, uuid) VALUES ('{tbl}', NEW.id, {UUID_SQL});"
            " END;")


def trigger_sql() -> str:
    out = []
    for table in TABLES:
        out.append(_uuid_trigger(f"sync_ids_{table}", "INSERT", table, table))
        out.append(f"CREATE TRIGGER sync_dirty_{table}_insert AFTER INSERT ON {table}"
                   f" WHEN {ACTIVE} BEGIN {mark(table, 'NEW.id')} END;")
    withdrawn = " WHEN OLD.withdrawn_on IS NULL AND NEW.withdrawn_on IS NOT NULL"
    out.append(_uuid_trigger("sync_ids_consent_withdrawals", "UPDATE OF withdrawn_on",
                             "consent_records", "consent_withdrawals", withdrawn))
    out.append("CREATE TRIGGER sync_dirty_consent_withdrawals AFTER UPDATE OF withdrawn_on"
               f" ON consent_records{withdrawn} AND {ACTIVE}"
               f" BEGIN {mark('consent_withdrawals', 'NEW.id')} END;")
    forget = {"consent_records": ("consent_records", "consent_withdrawals"),
              "screens": ("screens",)}
    for table, tbls in forget.items():
        names = ", ".join(f"'{t}'" for t in tbls)
        out.append(f"CREATE TRIGGER sync_gone_{table} AFTER DELETE ON {table} BEGIN"
                   f" DELETE FROM sync_dirty WHERE tbl IN ({names}) AND local_id = OLD.id;"
                   f" DELETE FROM sync_ids WHERE tbl IN ({names}) AND local_id = OLD.id; END;")
    return "\n".join(out)


def backfill(conn: Any) -> None:
    for table in TABLES:
        conn.execute(f"INSERT INTO sync_ids (tbl, local_id, uuid)"
                     f" SELECT '{table}', id, {UUID_SQL} FROM {table}")
    conn.execute(f"INSERT INTO sync_ids (tbl, local_id, uuid) SELECT 'consent_withdrawals', id,"
                 f" {UUID_SQL} FROM consent_records WHERE withdrawn_on IS NOT NULL")
    conn.execute("INSERT OR IGNORE INTO sync_dirty (tbl, local_id) SELECT tbl, local_id"
                 " FROM sync_ids WHERE tbl IN ('consent_records', 'consent_withdrawals',"
                 " 'screens') AND (SELECT linked FROM sync_state) = 1")


def migrate(conn: Any) -> None:
    run_script(conn, trigger_sql())
    backfill(conn)
