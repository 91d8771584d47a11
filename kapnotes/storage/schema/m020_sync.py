"""Schema step 020: what a vault needs to share records with a practice server
(docs/PRACTICE-SERVER.md, "Sync on the workstation"; kapnotes/storage/sync_outbox.py and
sync_apply.py use it).

- `sync_ids`: a UUID for every shared row (clients, courses, sessions, addenda, vitals
  readings, measures), given by an AFTER INSERT trigger and back-filled here, with the server
  version last seen and, for clients, the payload last agreed (the base of a field merge).
- `sync_state`: one row: whether the vault has joined (`linked`), whether an incoming batch is
  being applied (`applying`: its writes must not go out again), the last sequence pulled.
- `sync_dirty`: rows changed since they were last packed. Its triggers write only when the
  vault is linked and not applying, so a solo vault writes nothing here; a note's fields and
  monitoring record mark their session. An autosave adds one small lookup and insert.
- A shared row deleted (a draft discarded, a measure removed, a client deleted) goes straight
  to the outbox as a void operation, built by its trigger: the row is gone, so there is
  nothing to pack later, and a new row that reuses its id must not cancel the void. Rows
  that cascade with a deleted parent send nothing: the parent's void covers them.
- `sync_outbox`, `sync_conflicts`, `sync_field_reviews`, `sync_refusals`: packed operations,
  conflict copies, two edits of one client field, refused operations; `sync_inbox` keeps an
  incoming row that could not be applied yet (its parent not here yet) to try again.

A vault that joined a practice server before this step (the `practice.link` setting) starts
linked, with every shared row dirty so it goes to the server on the first sync.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

# A random (version 4) UUID, in SQL so triggers can make one.
UUID_SQL = ("lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'"
            " || substr(hex(randomblob(2)), 2) || '-'"
            " || substr('89AB', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)"
            " || '-' || hex(randomblob(6)))")
NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

_VIA_SESSION = ("(SELECT cl.code FROM sessions s JOIN courses co ON co.id = s.course_id"
                " JOIN clients cl ON cl.id = co.client_id WHERE s.id = {row}.session_id)")
# table → (server kind, the client code of a row `{row}`: NULL once its parent is gone).
SHARED: dict[str, tuple[str, str]] = {
    "clients": ("client", "{row}.code"),
    "courses": ("course", "(SELECT code FROM clients WHERE id = {row}.client_id)"),
    "sessions": ("note", "(SELECT cl.code FROM courses co JOIN clients cl"
                         " ON cl.id = co.client_id WHERE co.id = {row}.course_id)"),
    "addenda": ("addendum", _VIA_SESSION),
    "vitals_readings": ("vitals", _VIA_SESSION),
    "measures": ("measure", "(SELECT code FROM clients WHERE id = {row}.client_id)"),
}
# Kinds the server keeps as written: only a new row goes out (a strike of a vitals reading
# travels with its note, below).
INSERT_ONLY = ("addenda", "vitals_readings", "measures")
# The rows of a dosing record that belong to one session and lock with its signature (m002,
# m006, m017): they travel inside their note's payload, as lists.
DOSING_ROWS = ("device_times", "sedation_observations", "adverse_effects", "screening_acks",
               "dose_boosters", "rule_overrides", "session_events")
# Tables whose rows are part of their session's note payload.
NOTE_PARTS = ("session_fields", "monitoring_records", *DOSING_ROWS)
ACTIVE = "(SELECT linked = 1 AND applying = 0 FROM sync_state)"

TABLES = r"""
CREATE TABLE sync_ids (
    tbl       TEXT NOT NULL,
    local_id  INTEGER NOT NULL,
    uuid      TEXT NOT NULL UNIQUE,
    version   INTEGER,
    base      TEXT,
    PRIMARY KEY (tbl, local_id)
) WITHOUT ROWID;

CREATE TABLE sync_state (
    only_row      INTEGER PRIMARY KEY CHECK (only_row = 1),
    linked        INTEGER NOT NULL DEFAULT 0 CHECK (linked IN (0, 1)),
    applying      INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1)),
    last_seq      INTEGER NOT NULL DEFAULT 0,
    last_sync_at  TEXT,
    last_error    TEXT NOT NULL DEFAULT ''
);
INSERT INTO sync_state (only_row) VALUES (1);

CREATE TABLE sync_dirty (
    tbl       TEXT NOT NULL,
    local_id  INTEGER NOT NULL,
    PRIMARY KEY (tbl, local_id)
) WITHOUT ROWID;

CREATE TABLE sync_outbox (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id         TEXT NOT NULL UNIQUE,
    tbl           TEXT NOT NULL,
    local_id      INTEGER,
    kind          TEXT NOT NULL,
    client_code   TEXT NOT NULL,
    row_uuid      TEXT NOT NULL,
    base_version  INTEGER,
    payload       TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX sync_outbox_row ON sync_outbox(row_uuid);

CREATE TABLE sync_conflicts (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    client_code     TEXT NOT NULL,
    row_uuid        TEXT NOT NULL,
    local_id        INTEGER,
    payload         TEXT NOT NULL,
    server_version  INTEGER,
    created_at      TEXT NOT NULL,
    resolved_at     TEXT
);

CREATE TABLE sync_field_reviews (
    id           INTEGER PRIMARY KEY,
    client_code  TEXT NOT NULL,
    field        TEXT NOT NULL,
    mine         TEXT,
    theirs       TEXT,
    created_at   TEXT NOT NULL,
    resolved_at  TEXT
);

CREATE TABLE sync_refusals (
    id           INTEGER PRIMARY KEY,
    op_id        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    client_code  TEXT NOT NULL,
    message      TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE sync_inbox (
    seq          INTEGER PRIMARY KEY,
    author       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    client_code  TEXT NOT NULL,
    row_uuid     TEXT NOT NULL,
    row_version  INTEGER NOT NULL,
    payload      TEXT NOT NULL,
    message      TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
"""


def mark(table: str, local_id: str) -> str:
    """Mark a row changed, once. Not INSERT OR IGNORE: a trigger's conflict clause gives way
    to the outer statement's, and an autosave's upsert (ON CONFLICT DO UPDATE) would turn it
    into ABORT on the second keystroke."""
    return (f"INSERT INTO sync_dirty (tbl, local_id) SELECT '{table}', {local_id}"
            f" WHERE NOT EXISTS (SELECT 1 FROM sync_dirty WHERE tbl = '{table}'"
            f" AND local_id = {local_id});")


def trigger_sql() -> str:
    out = []
    for table, (kind, code_sql) in SHARED.items():
        code = code_sql.format(row="OLD")
        out.append(
            f"CREATE TRIGGER sync_ids_{table} AFTER INSERT ON {table} BEGIN"
            f" DELETE FROM sync_ids WHERE tbl = '{table}' AND local_id = NEW.id;"
            f" INSERT INTO sync_ids (tbl, local_id, uuid)"
            f" VALUES ('{table}', NEW.id, {UUID_SQL}); END;")
        for event in ("INSERT",) if table in INSERT_ONLY else ("INSERT", "UPDATE"):
            out.append(
                f"CREATE TRIGGER sync_dirty_{table}_{event.lower()} AFTER {event} ON {table}"
                f" WHEN {ACTIVE} BEGIN {mark(table, 'NEW.id')} END;")
        # A void goes out only for a row the server has or may have (an op in flight).
        out.append(
            f"CREATE TRIGGER sync_gone_{table} AFTER DELETE ON {table} BEGIN"
            " INSERT INTO sync_outbox (op_id, tbl, local_id, kind, client_code, row_uuid,"
            " base_version, payload, created_at)"
            f" SELECT {UUID_SQL}, '{table}', OLD.id, '{kind}', {code}, i.uuid, i.version,"
            " json_object('voided', json('true'), 'void_reason', 'deleted on a workstation',"
            f" 'id', OLD.id), {NOW_SQL} FROM sync_ids i"
            f" WHERE i.tbl = '{table}' AND i.local_id = OLD.id AND {ACTIVE}"
            f" AND {code} IS NOT NULL AND (i.version IS NOT NULL"
            " OR EXISTS (SELECT 1 FROM sync_outbox o WHERE o.row_uuid = i.uuid));"
            f" DELETE FROM sync_dirty WHERE tbl = '{table}' AND local_id = OLD.id;"
            f" DELETE FROM sync_ids WHERE tbl = '{table}' AND local_id = OLD.id; END;")
    for table in NOTE_PARTS:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            out.append(
                f"CREATE TRIGGER sync_dirty_{table}_{event.lower()} AFTER {event} ON {table}"
                f" WHEN {ACTIVE} AND EXISTS (SELECT 1 FROM sessions WHERE id = {row}.session_id)"
                f" BEGIN {mark('sessions', row + '.session_id')} END;")
    out.append(f"CREATE TRIGGER sync_dirty_vitals_struck AFTER UPDATE OF struck_at, change_reason"
               f" ON vitals_readings WHEN {ACTIVE} BEGIN {mark('sessions', 'NEW.session_id')}"
               " END;")
    return "\n".join(out)


def backfill(conn: Any) -> None:
    """A UUID for every row already in the vault; every row dirty in a vault already joined."""
    for table in SHARED:
        conn.execute(f"INSERT INTO sync_ids (tbl, local_id, uuid)"
                     f" SELECT '{table}', id, {UUID_SQL} FROM {table}")
    joined = conn.execute("SELECT 1 FROM settings WHERE key = 'practice.link'").fetchone()
    if joined is not None:
        conn.execute("UPDATE sync_state SET linked = 1")
        conn.execute("INSERT INTO sync_dirty (tbl, local_id) SELECT tbl, local_id FROM sync_ids")


def migrate(conn: Any) -> None:
    run_script(conn, TABLES)
    run_script(conn, trigger_sql())
    backfill(conn)
