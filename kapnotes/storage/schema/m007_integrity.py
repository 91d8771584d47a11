"""Schema step 007: the integrity key, seals of signed notes, a keyed audit chain, and
triggers that keep a signature from being changed.

- `vault_secrets` holds the random integrity key (kapnotes.storage.vault_secrets explains it).
- `note_seals`: at signing, a digest of the note's canonical content with an HMAC over it;
  each addendum adds a seal chained to the one before (kapnotes.storage.seals). No foreign
  key: a seal outlives a session deleted behind the app's back, which `check` then reports.
- Every signed note already in the vault is sealed here: it is vouched for from this
  migration on (what it said before cannot be proved any more, and docs/RELIABILITY.md says so).
- The audit log switches from plain SHA-256 to HMAC at an `audit.keyed` entry appended here.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage import audit, seals
from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE vault_secrets (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
);
INSERT INTO vault_secrets (name, value) VALUES ('integrity', randomblob(32));
CREATE TRIGGER vault_secrets_no_update BEFORE UPDATE ON vault_secrets
BEGIN SELECT RAISE(ABORT, 'vault secrets cannot be changed'); END;
CREATE TRIGGER vault_secrets_no_delete BEFORE DELETE ON vault_secrets
BEGIN SELECT RAISE(ABORT, 'vault secrets cannot be changed'); END;

-- addendum_id 0: the note as signed; n > 0: addendum n; -1: removed with its client.
CREATE TABLE note_seals (
    session_id   INTEGER NOT NULL,
    addendum_id  INTEGER NOT NULL,
    digest       TEXT NOT NULL,
    mac          TEXT NOT NULL,
    sealed_at    TEXT NOT NULL,
    PRIMARY KEY (session_id, addendum_id)
) WITHOUT ROWID;
CREATE TRIGGER note_seals_no_update BEFORE UPDATE ON note_seals
BEGIN SELECT RAISE(ABORT, 'seals cannot be changed'); END;
CREATE TRIGGER note_seals_no_delete BEFORE DELETE ON note_seals
BEGIN SELECT RAISE(ABORT, 'seals cannot be removed'); END;

-- A signature, once given, stays as given (signing itself sets it from NULL).
CREATE TRIGGER sessions_signature_locked
BEFORE UPDATE OF signed_at, signed_by, sign_reason ON sessions
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed note is locked; its signature cannot change'); END;
-- Deleting a client removes its notes (the course is gone by then); nothing else may.
CREATE TRIGGER sessions_signed_no_delete BEFORE DELETE ON sessions
WHEN OLD.signed_at IS NOT NULL AND EXISTS (SELECT 1 FROM courses WHERE id = OLD.course_id)
BEGIN SELECT RAISE(ABORT, 'signed note is locked; it cannot be deleted'); END;
CREATE TRIGGER session_fields_locked_delete BEFORE DELETE ON session_fields
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed note is locked; add an addendum'); END;
CREATE TRIGGER addenda_no_delete BEFORE DELETE ON addenda
WHEN EXISTS (SELECT 1 FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'addenda cannot be removed'); END;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
    for (session_id,) in conn.execute(
            "SELECT id FROM sessions WHERE signed_at IS NOT NULL ORDER BY id").fetchall():
        seals.seal_session(conn, int(session_id))
    audit.append_keyed_marker(conn)
