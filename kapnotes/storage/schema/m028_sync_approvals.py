"""Schema step 028: a client's approvals shared with the practice server (kind `approval`;
docs/PRACTICE-SERVER.md, "What is shared"; kapnotes/storage/sync_approvals.py encodes them).

Triggers as in step 020 for an edited row: a UUID for every approval (back-filled here), the
row marked changed when the vault is joined and not applying a pulled batch, and a deletion
sent as a void with the reason the person gave (step 025). A prescriber's own approval (no
client) has no client code, so it is never packed and its deletion sends nothing.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.m020_sync import ACTIVE, NOW_SQL, UUID_SQL, mark
from kapnotes.storage.schema.m025_sync_void_reasons import REASON_SQL
from kapnotes.storage.schema.script import run_script

TABLE = "approvals"
KIND = "approval"
CODE = "(SELECT code FROM clients WHERE id = OLD.client_id)"


def trigger_sql() -> str:
    t = TABLE
    return "\n".join((
        f"CREATE TRIGGER sync_ids_{t} AFTER INSERT ON {t} BEGIN"
        f" DELETE FROM sync_ids WHERE tbl = '{t}' AND local_id = NEW.id;"
        f" INSERT INTO sync_ids (tbl, local_id, uuid) VALUES ('{t}', NEW.id, {UUID_SQL}); END;",
        *(f"CREATE TRIGGER sync_dirty_{t}_{event.lower()} AFTER {event} ON {t}"
          f" WHEN {ACTIVE} AND NEW.client_id IS NOT NULL BEGIN {mark(t, 'NEW.id')} END;"
          for event in ("INSERT", "UPDATE")),
        f"CREATE TRIGGER sync_gone_{t} AFTER DELETE ON {t} BEGIN"
        " INSERT INTO sync_outbox (op_id, tbl, local_id, kind, client_code, row_uuid,"
        " base_version, payload, created_at)"
        f" SELECT {UUID_SQL}, '{t}', OLD.id, '{KIND}', {CODE}, i.uuid, i.version,"
        f" json_object('voided', json('true'), 'void_reason', {REASON_SQL}, 'id', OLD.id),"
        f" {NOW_SQL} FROM sync_ids i WHERE i.tbl = '{t}' AND i.local_id = OLD.id AND {ACTIVE}"
        f" AND {CODE} IS NOT NULL AND (i.version IS NOT NULL"
        " OR EXISTS (SELECT 1 FROM sync_outbox o WHERE o.row_uuid = i.uuid));"
        f" DELETE FROM sync_dirty WHERE tbl = '{t}' AND local_id = OLD.id;"
        f" DELETE FROM sync_ids WHERE tbl = '{t}' AND local_id = OLD.id; END;",
    ))


def migrate(conn: Any) -> None:
    run_script(conn, trigger_sql())
    conn.execute(f"INSERT INTO sync_ids (tbl, local_id, uuid)"
                 f" SELECT '{TABLE}', id, {UUID_SQL} FROM {TABLE}")
    conn.execute("INSERT OR IGNORE INTO sync_dirty (tbl, local_id) SELECT 'approvals', id"
                 " FROM approvals WHERE client_id IS NOT NULL"
                 " AND (SELECT linked FROM sync_state) = 1")
