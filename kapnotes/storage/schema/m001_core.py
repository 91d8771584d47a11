"""Clients, courses, planned slots, sessions with template fields, addenda, search, audit."""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every template version a note was written under, so the note reopens and prints as written
-- even when the practice's template file has since changed or gone.
CREATE TABLE template_snapshots (
    template_id  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    definition   TEXT NOT NULL,
    PRIMARY KEY (template_id, version)
);

CREATE TABLE clients (
    id                     INTEGER PRIMARY KEY,
    code                   TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name              TEXT NOT NULL,
    preferred_name         TEXT NOT NULL DEFAULT '',
    date_of_birth          TEXT,
    phone                  TEXT NOT NULL DEFAULT '',
    email                  TEXT NOT NULL DEFAULT '',
    address                TEXT NOT NULL DEFAULT '',
    support_person         TEXT NOT NULL DEFAULT '',
    support_relationship   TEXT NOT NULL DEFAULT '',
    support_phone          TEXT NOT NULL DEFAULT '',
    referring_clinician    TEXT NOT NULL DEFAULT '',
    prescriber             TEXT NOT NULL DEFAULT '',
    diagnosis              TEXT NOT NULL DEFAULT '',
    antidepressant_trials  INTEGER CHECK (antidepressant_trials BETWEEN 0 AND 50),
    medicines              TEXT NOT NULL DEFAULT '[]',
    background             TEXT NOT NULL DEFAULT '',
    archived_at            TEXT,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);

CREATE TABLE courses (
    id                          INTEGER PRIMARY KEY,
    client_id                   INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    protocol                    TEXT NOT NULL,
    title                       TEXT NOT NULL DEFAULT '',
    start_date                  TEXT NOT NULL,
    prescriber                  TEXT NOT NULL DEFAULT '',
    status                      TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'paused', 'completed', 'discontinued')),
    status_reason               TEXT NOT NULL DEFAULT '',
    maintenance_interval_weeks  INTEGER NOT NULL DEFAULT 2,
    created_at                  TEXT NOT NULL,
    updated_at                  TEXT NOT NULL
);
CREATE INDEX courses_client ON courses(client_id);

CREATE TABLE sessions (
    id                INTEGER PRIMARY KEY,
    course_id         INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL CHECK (kind IN ('preparation', 'dosing', 'integration')),
    starts_at         TEXT NOT NULL,
    duration_min      INTEGER NOT NULL DEFAULT 60 CHECK (duration_min BETWEEN 0 AND 1440),
    clinician         TEXT NOT NULL DEFAULT '',
    modality          TEXT NOT NULL DEFAULT 'in_person'
        CHECK (modality IN ('in_person', 'telehealth')),
    linked_dosing_id  INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    template_id       TEXT NOT NULL,
    template_version  INTEGER NOT NULL,
    signed_at         TEXT,
    signed_by         TEXT NOT NULL DEFAULT '',
    sign_reason       TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX sessions_course ON sessions(course_id, starts_at);

CREATE TABLE planned_slots (
    id             INTEGER PRIMARY KEY,
    course_id      INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('preparation', 'dosing', 'integration')),
    planned_date   TEXT NOT NULL,
    original_date  TEXT NOT NULL,
    label          TEXT NOT NULL DEFAULT '',
    dose_number    INTEGER,
    skipped        INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
    change_reason  TEXT NOT NULL DEFAULT '',
    session_id     INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    UNIQUE (course_id, seq)
);
CREATE INDEX planned_slots_date ON planned_slots(planned_date);

-- One row per template field: an autosave rewrites one small row, not the whole note.
CREATE TABLE session_fields (
    session_id   INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    field_id     TEXT NOT NULL,
    value        TEXT NOT NULL,
    search_text  TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (session_id, field_id)
) WITHOUT ROWID;

-- A signed note is locked in the database itself, not only in the UI.
CREATE TRIGGER session_fields_locked_insert BEFORE INSERT ON session_fields
WHEN (SELECT signed_at FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed note is locked; add an addendum'); END;
CREATE TRIGGER session_fields_locked_update BEFORE UPDATE ON session_fields
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed note is locked; add an addendum'); END;

CREATE TABLE addenda (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    author      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE TRIGGER addenda_append_only BEFORE UPDATE ON addenda
BEGIN SELECT RAISE(ABORT, 'addenda cannot be changed'); END;

-- Full-text search over note fields, addenda and client names/codes.
CREATE VIRTUAL TABLE search_index USING fts5(
    body,
    kind UNINDEXED,
    client_id UNINDEXED,
    session_id UNINDEXED,
    ref UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Where each document sits in search_index, so the triggers below find it by key. FTS5
-- cannot index its UNINDEXED columns: a lookup by (kind, session_id, ref) read the whole
-- index, 0.6 s per autosave in a practice-sized vault (see docs/BENCHMARKS.md).
-- `key` is "<session_id>:<field_id>" for a note field, the addendum id, or the client id.
CREATE TABLE search_index_map (
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    fts_rowid  INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE TRIGGER search_fields_ins AFTER INSERT ON session_fields BEGIN
    INSERT INTO search_index (body, kind, client_id, session_id, ref)
    SELECT NEW.search_text, 'field', c.client_id, NEW.session_id, NEW.field_id
    FROM sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = NEW.session_id;
    INSERT OR REPLACE INTO search_index_map (kind, key, fts_rowid)
    VALUES ('field', NEW.session_id || ':' || NEW.field_id, last_insert_rowid());
END;
CREATE TRIGGER search_fields_upd AFTER UPDATE OF search_text ON session_fields BEGIN
    UPDATE search_index SET body = NEW.search_text
     WHERE rowid = (SELECT fts_rowid FROM search_index_map
                     WHERE kind = 'field' AND key = OLD.session_id || ':' || OLD.field_id);
END;
CREATE TRIGGER search_fields_del AFTER DELETE ON session_fields BEGIN
    DELETE FROM search_index
     WHERE rowid = (SELECT fts_rowid FROM search_index_map
                     WHERE kind = 'field' AND key = OLD.session_id || ':' || OLD.field_id);
    DELETE FROM search_index_map
     WHERE kind = 'field' AND key = OLD.session_id || ':' || OLD.field_id;
END;
CREATE TRIGGER search_addenda_ins AFTER INSERT ON addenda BEGIN
    INSERT INTO search_index (body, kind, client_id, session_id, ref)
    SELECT NEW.text, 'addendum', c.client_id, NEW.session_id, NEW.id
    FROM sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = NEW.session_id;
    INSERT OR REPLACE INTO search_index_map (kind, key, fts_rowid)
    VALUES ('addendum', NEW.id, last_insert_rowid());
END;
CREATE TRIGGER search_addenda_del AFTER DELETE ON addenda BEGIN
    DELETE FROM search_index
     WHERE rowid = (SELECT fts_rowid FROM search_index_map
                     WHERE kind = 'addendum' AND key = CAST(OLD.id AS TEXT));
    DELETE FROM search_index_map WHERE kind = 'addendum' AND key = CAST(OLD.id AS TEXT);
END;
CREATE TRIGGER search_clients_ins AFTER INSERT ON clients BEGIN
    INSERT INTO search_index (body, kind, client_id, session_id, ref)
    VALUES (NEW.code || ' ' || NEW.full_name || ' ' || NEW.preferred_name,
            'client', NEW.id, NULL, NEW.id);
    INSERT OR REPLACE INTO search_index_map (kind, key, fts_rowid)
    VALUES ('client', NEW.id, last_insert_rowid());
END;
CREATE TRIGGER search_clients_upd AFTER UPDATE OF code, full_name, preferred_name ON clients
BEGIN
    UPDATE search_index SET body = NEW.code || ' ' || NEW.full_name || ' ' || NEW.preferred_name
     WHERE rowid = (SELECT fts_rowid FROM search_index_map
                     WHERE kind = 'client' AND key = CAST(OLD.id AS TEXT));
END;
-- The client's notes and addenda leave through their own triggers as the delete cascades.
CREATE TRIGGER search_clients_del AFTER DELETE ON clients BEGIN
    DELETE FROM search_index
     WHERE rowid = (SELECT fts_rowid FROM search_index_map
                     WHERE kind = 'client' AND key = CAST(OLD.id AS TEXT));
    DELETE FROM search_index_map WHERE kind = 'client' AND key = CAST(OLD.id AS TEXT);
END;

-- Append-only, hash-chained audit log: who, when, what; never note text, names or secrets.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at_utc       TEXT NOT NULL,
    os_user      TEXT NOT NULL,
    workstation  TEXT NOT NULL,
    clinician    TEXT NOT NULL DEFAULT '',
    event        TEXT NOT NULL,
    record_type  TEXT NOT NULL DEFAULT '',
    record_id    TEXT NOT NULL DEFAULT '',
    outcome      TEXT NOT NULL DEFAULT 'ok',
    detail       TEXT NOT NULL DEFAULT '',
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
