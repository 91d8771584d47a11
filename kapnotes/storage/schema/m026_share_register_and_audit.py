"""Schema step 026: the Schedule 8 register and the audit trail shared with the practice
server, insert-only (docs/PRACTICE-SERVER.md, "The Schedule 8 register" and "Audit entries";
kapnotes/storage/sync_register.py and sync_audit.py use it).

- Register entries get a UUID like every shared row and go out once, when written (they are
  never changed: schema step 012 refuses it). `s8_entry_seq` keeps the practice server's
  sequence number of each entry: the register's running balance follows that order, the same
  on every workstation (entries not yet on the server follow, in the order entered here).
- Audit entries written while the vault is joined are marked (`audit_dirty`); those about a
  shared record go out after the records, outside the records' outbox (they are not changes
  a person waits for). The vault's own log is never touched: its hash chain is keyed with
  this vault's secret, so what goes out carries a chain of its own per client
  (`audit_shared`: plain SHA-256 links, numbered, and whether the server took each), which
  any receiver can check. Entries from other workstations are kept apart,
  in `audit_remote`, with the workstation (`origin`) and login that wrote them. Neither is
  ever changed; a client's entries from other workstations leave with its records when this
  clinician leaves its care team (a purge), as everything else of that client does.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.m020_sync import ACTIVE, UUID_SQL, mark
from kapnotes.storage.schema.script import run_script

PRACTICE = "@practice"  # the server's code for rows that belong to no client

_ID = "CAST(a.record_id AS INTEGER)"
_VIA_COURSE = "JOIN courses co ON co.id = {t}.course_id JOIN clients cl ON cl.id = co.client_id"
# The client an entry is about (the practice for a register), or NULL: not shared.
_AUDIT_CODE_SQL = (
    "SELECT CASE a.record_type"
    " WHEN 'session' THEN (SELECT cl.code FROM sessions s " + _VIA_COURSE.format(t="s")
    + f" WHERE s.id = {_ID})"
    " WHEN 'course' THEN (SELECT cl.code FROM courses co JOIN clients cl"
    f" ON cl.id = co.client_id WHERE co.id = {_ID})"
    " WHEN 'measure' THEN (SELECT cl.code FROM measures m JOIN clients cl"
    f" ON cl.id = m.client_id WHERE m.id = {_ID})"
    " WHEN 'client' THEN coalesce((SELECT code FROM clients WHERE CAST(id AS TEXT) ="
    " a.record_id), (SELECT code FROM clients WHERE code = a.record_id))"
    f" WHEN 's8_register' THEN '{PRACTICE}' END"
    " FROM audit_log a WHERE a.id = ? AND a.event NOT LIKE 'practice.%'")
# The server code a row is filed under (NULL: an audit entry about nothing shared).
CODE_SQL = {
    "s8_entries": (f"SELECT CASE WHEN client_code = '' THEN '{PRACTICE}' ELSE client_code END"
                   " FROM s8_entries WHERE id = ?"),
    "audit_log": _AUDIT_CODE_SQL,
}

SQL = rf"""
CREATE TABLE s8_entry_seq (
    entry_id  INTEGER PRIMARY KEY REFERENCES s8_entries(id),
    seq       INTEGER NOT NULL
);

CREATE TRIGGER sync_ids_s8_entries AFTER INSERT ON s8_entries BEGIN
    DELETE FROM sync_ids WHERE tbl = 's8_entries' AND local_id = NEW.id;
    INSERT INTO sync_ids (tbl, local_id, uuid) VALUES ('s8_entries', NEW.id, {UUID_SQL});
END;
CREATE TRIGGER sync_dirty_s8_entries_insert AFTER INSERT ON s8_entries WHEN {ACTIVE}
BEGIN {mark('s8_entries', 'NEW.id')} END;

CREATE TABLE audit_origin (
    only_row  INTEGER PRIMARY KEY CHECK (only_row = 1),
    origin    TEXT NOT NULL
);
INSERT INTO audit_origin (only_row, origin) VALUES (1, {UUID_SQL});

CREATE TABLE audit_dirty (audit_id INTEGER PRIMARY KEY);
CREATE TRIGGER audit_dirty_on_insert AFTER INSERT ON audit_log
WHEN {ACTIVE} AND NEW.event NOT LIKE 'practice.%'
BEGIN INSERT INTO audit_dirty (audit_id) VALUES (NEW.id); END;

CREATE TABLE audit_shared (
    audit_id     INTEGER PRIMARY KEY REFERENCES audit_log(id),
    uuid         TEXT NOT NULL UNIQUE,
    op_id        TEXT NOT NULL UNIQUE,
    client_code  TEXT NOT NULL,
    n            INTEGER NOT NULL,
    prev         TEXT NOT NULL,
    hash         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'sent', 'refused')),
    UNIQUE (client_code, n)
);
CREATE INDEX audit_shared_waiting ON audit_shared(state) WHERE state = 'waiting';

CREATE TABLE audit_remote (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    seq          INTEGER NOT NULL,
    author       TEXT NOT NULL,
    origin       TEXT NOT NULL,
    client_code  TEXT NOT NULL,
    n            INTEGER NOT NULL,
    at_utc       TEXT NOT NULL,
    os_user      TEXT NOT NULL,
    workstation  TEXT NOT NULL,
    clinician    TEXT NOT NULL,
    event        TEXT NOT NULL,
    record_type  TEXT NOT NULL,
    record_ref   TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    detail       TEXT NOT NULL,
    prev         TEXT NOT NULL,
    hash         TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
CREATE INDEX audit_remote_chain ON audit_remote(origin, client_code, n);

CREATE TRIGGER s8_entry_seq_never_changed BEFORE UPDATE ON s8_entry_seq
BEGIN SELECT RAISE(ABORT, 'a register entry keeps its place in the practice order'); END;
CREATE TRIGGER audit_shared_never_updated
BEFORE UPDATE OF audit_id, uuid, op_id, client_code, n, prev, hash, payload ON audit_shared
BEGIN SELECT RAISE(ABORT, 'shared audit entries are never changed'); END;
CREATE TRIGGER audit_shared_never_deleted BEFORE DELETE ON audit_shared
BEGIN SELECT RAISE(ABORT, 'shared audit entries are never deleted'); END;
CREATE TRIGGER audit_remote_never_updated BEFORE UPDATE ON audit_remote
BEGIN SELECT RAISE(ABORT, 'audit entries from other workstations are never changed'); END;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
    conn.execute(f"INSERT INTO sync_ids (tbl, local_id, uuid)"
                 f" SELECT 's8_entries', id, {UUID_SQL} FROM s8_entries")
    # A vault already joined shares its register at the next sync (its audit trail from now on).
    conn.execute("INSERT OR IGNORE INTO sync_dirty (tbl, local_id) SELECT 's8_entries', id"
                 " FROM s8_entries WHERE (SELECT linked FROM sync_state) = 1")
