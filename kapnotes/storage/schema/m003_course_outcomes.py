"""Schema step 003: course intentions and their reviews, themes and mentions, outcome measures.

Intentions, reviews and theme mentions are derived from note fields when a draft is saved
(`kapnotes.services.course_items` explains the rules); measures are entered on their own.
Rows that belong to a session are locked with the note once it is signed, like m001's fields.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE intentions (
    id                 INTEGER PRIMARY KEY,
    course_id          INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    text               TEXT NOT NULL CHECK (length(trim(text)) > 0),
    set_on             TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'revised', 'achieved', 'let_go')),
    -- The preparation note whose 'intentions' list holds it (NULL: set from the course view,
    -- or that draft was deleted after the intention had been reviewed).
    source_session_id  INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    source_field_id    TEXT,
    position           INTEGER NOT NULL DEFAULT 0,
    revised_from       INTEGER REFERENCES intentions(id) ON DELETE SET NULL,
    status_changed_at  TEXT,
    created_at         TEXT NOT NULL
);
CREATE INDEX intentions_course ON intentions(course_id, set_on, id);
CREATE INDEX intentions_source ON intentions(source_session_id);
CREATE INDEX intentions_revised_from ON intentions(revised_from);

-- The words of an intention written in a signed note are part of that record.
CREATE TRIGGER intentions_text_locked BEFORE UPDATE OF text ON intentions
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.source_session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed note is locked; revise the intention instead'); END;

-- Discarding a draft preparation note takes the intentions only it held, unless the course
-- has already used them (reviewed, revised or given another status): those are kept.
CREATE TRIGGER intentions_follow_deleted_draft BEFORE DELETE ON sessions
BEGIN
    DELETE FROM intentions
     WHERE source_session_id = OLD.id AND status = 'active'
       AND NOT EXISTS (SELECT 1 FROM intention_reviews r WHERE r.intention_id = intentions.id)
       AND NOT EXISTS (SELECT 1 FROM intentions n WHERE n.revised_from = intentions.id);
END;

CREATE TABLE intention_reviews (
    id            INTEGER PRIMARY KEY,
    intention_id  INTEGER NOT NULL REFERENCES intentions(id) ON DELETE CASCADE,
    session_id    INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    field_id      TEXT NOT NULL,
    progress      INTEGER CHECK (progress BETWEEN 0 AND 10),
    note          TEXT NOT NULL DEFAULT '',
    position      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (intention_id, session_id)
);
CREATE INDEX intention_reviews_session ON intention_reviews(session_id);

CREATE TRIGGER intention_reviews_locked_insert BEFORE INSERT ON intention_reviews
WHEN (SELECT signed_at FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed note is locked; add an addendum'); END;
CREATE TRIGGER intention_reviews_locked_update BEFORE UPDATE ON intention_reviews
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed note is locked; add an addendum'); END;

-- One vocabulary per vault. `pinned` themes stay when no note mentions them (added or kept
-- on purpose); the others exist only while a note mentions them, so half-typed names saved
-- by autosave ("gri" on the way to "grief") do not pile up in the vocabulary.
CREATE TABLE themes (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    pinned      INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    created_at  TEXT NOT NULL
);

CREATE TABLE theme_mentions (
    id          INTEGER PRIMARY KEY,
    theme_id    INTEGER NOT NULL REFERENCES themes(id),
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    field_id    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    evidence    TEXT NOT NULL DEFAULT '',
    -- The name as the note spells it; a signed note keeps it after a rename or merge.
    written_as  TEXT NOT NULL,
    UNIQUE (session_id, field_id, position)
);
CREATE INDEX theme_mentions_theme ON theme_mentions(theme_id);

CREATE TRIGGER theme_mentions_locked_insert BEFORE INSERT ON theme_mentions
WHEN (SELECT signed_at FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed note is locked; add an addendum'); END;
-- theme_id may still move (rename and merge are vocabulary care, not note edits).
CREATE TRIGGER theme_mentions_locked_update
BEFORE UPDATE OF session_id, field_id, position, evidence, written_as ON theme_mentions
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed note is locked; add an addendum'); END;

CREATE TRIGGER theme_mentions_prune_delete AFTER DELETE ON theme_mentions
WHEN NOT EXISTS (SELECT 1 FROM theme_mentions WHERE theme_id = OLD.theme_id)
BEGIN DELETE FROM themes WHERE id = OLD.theme_id AND pinned = 0; END;
CREATE TRIGGER theme_mentions_prune_update AFTER UPDATE OF theme_id ON theme_mentions
WHEN OLD.theme_id <> NEW.theme_id
 AND NOT EXISTS (SELECT 1 FROM theme_mentions WHERE theme_id = OLD.theme_id)
BEGIN DELETE FROM themes WHERE id = OLD.theme_id AND pinned = 0; END;

-- A starting vocabulary; the practice renames, merges or deletes these as it likes.
INSERT INTO themes (name, pinned, created_at)
SELECT value, 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM json_each(
    '["grief", "self-compassion", "body awareness", "relationships", "meaning",
      "fear of loss of control"]');

CREATE TABLE measures (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    scale_id       TEXT NOT NULL,
    scale_version  INTEGER NOT NULL,
    taken_on       TEXT NOT NULL,
    -- A measure is the client's; discarding a draft note does not discard it.
    session_id     INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    answers        TEXT,
    total          REAL,
    total_only     INTEGER NOT NULL DEFAULT 0 CHECK (total_only IN (0, 1)),
    band           TEXT,
    flags          TEXT NOT NULL DEFAULT '[]',
    unknown_flags  TEXT NOT NULL DEFAULT '[]',
    risk_level     TEXT,
    risk           INTEGER NOT NULL DEFAULT 0 CHECK (risk IN (0, 1)),
    entered_at     TEXT NOT NULL,
    CHECK (answers IS NOT NULL OR total_only = 1)
);
CREATE INDEX measures_client ON measures(client_id, scale_id, taken_on);
CREATE INDEX measures_session ON measures(session_id);
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
