"""Schema step 014: supervision that comes back (docs/REVIEW-FORMAT.md).

- The vault's review identity: an Ed25519 signing key and an age X25519 identity, generated
  here and kept in `vault_secrets` (insert-only), so every vault can sign and receive review
  files from its first unlock on. They travel with the vault and its backups, and a re-key
  keeps them (they are rows, not part of the key file).
- `review_requests` / `review_request_notes`: what this vault sent, by request id, with the
  digest of the signed payload and the seal of each note as sent; a reply must answer one.
- `review_supervisors`: supervisors' signing keys pinned on first use.
- `review_replies`, `review_records`: imported replies and what they said (comments,
  verdicts, co-signatures), attached to notes and never changed, like a signed note.
- `supervision_log`: supervision sessions from replies or entered by hand.
"""

from __future__ import annotations

from typing import Any

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from kapnotes.storage.schema.script import run_script

SIGNING_SECRET = "review-signing"  # raw 32-byte Ed25519 private key
AGE_SECRET = "review-age"  # an age X25519 identity, "AGE-SECRET-KEY-1…", as UTF-8

SQL = r"""
CREATE TABLE review_requests (
    id              TEXT PRIMARY KEY,
    created_at      TEXT NOT NULL,
    deidentified    INTEGER NOT NULL CHECK (deidentified IN (0, 1)),
    recipient       TEXT NOT NULL,
    payload_digest  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER review_requests_no_update BEFORE UPDATE ON review_requests
BEGIN SELECT RAISE(ABORT, 'review requests cannot be changed'); END;

CREATE TABLE review_request_notes (
    request_id  TEXT NOT NULL REFERENCES review_requests(id),
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seal        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (request_id, session_id)
) WITHOUT ROWID;
CREATE INDEX review_request_notes_session ON review_request_notes(session_id);

CREATE TABLE review_supervisors (
    id            INTEGER PRIMARY KEY,
    identity      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT '',
    registration  TEXT NOT NULL DEFAULT '',
    public_key    BLOB NOT NULL,
    fingerprint   TEXT NOT NULL,
    pinned_at     TEXT NOT NULL
);
CREATE TRIGGER review_supervisors_key_pinned BEFORE UPDATE OF public_key, fingerprint, identity
ON review_supervisors
BEGIN SELECT RAISE(ABORT, 'a pinned supervisor key cannot be changed'); END;

CREATE TABLE review_replies (
    id              TEXT PRIMARY KEY,
    request_id      TEXT NOT NULL UNIQUE REFERENCES review_requests(id),
    supervisor_id   INTEGER NOT NULL REFERENCES review_supervisors(id),
    created_at      TEXT NOT NULL,
    imported_at     TEXT NOT NULL,
    payload_digest  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER review_replies_no_update BEFORE UPDATE ON review_replies
BEGIN SELECT RAISE(ABORT, 'imported replies cannot be changed'); END;
CREATE TRIGGER review_replies_no_delete BEFORE DELETE ON review_replies
BEGIN SELECT RAISE(ABORT, 'imported replies cannot be removed'); END;

-- session_id NULL: a comment on the request as a whole (a section of the summary).
CREATE TABLE review_records (
    id                   INTEGER PRIMARY KEY,
    reply_id             TEXT NOT NULL REFERENCES review_replies(id),
    session_id           INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
    kind                 TEXT NOT NULL CHECK (kind IN ('comment', 'verdict', 'cosignature')),
    section              TEXT NOT NULL DEFAULT '',
    text                 TEXT NOT NULL DEFAULT '',
    verdict              TEXT NOT NULL DEFAULT ''
        CHECK (verdict IN ('', 'approved', 'changes_requested')),
    signer_name          TEXT NOT NULL DEFAULT '',
    signer_role          TEXT NOT NULL DEFAULT '',
    signer_registration  TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL
);
CREATE INDEX review_records_session ON review_records(session_id, id);
CREATE TRIGGER review_records_no_update BEFORE UPDATE ON review_records
BEGIN SELECT RAISE(ABORT, 'review records cannot be changed'); END;
-- Deleting a client removes its notes and their reviews (the session is gone by then).
CREATE TRIGGER review_records_no_delete BEFORE DELETE ON review_records
WHEN OLD.session_id IS NULL OR EXISTS (SELECT 1 FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'review records cannot be removed'); END;

CREATE TABLE supervision_log (
    id          INTEGER PRIMARY KEY,
    supervisor  TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    minutes     INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    format      TEXT NOT NULL CHECK (format IN ('individual', 'group')),
    topics      TEXT NOT NULL DEFAULT '[]',
    reply_id    TEXT UNIQUE REFERENCES review_replies(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX supervision_log_day ON supervision_log(held_on);
CREATE TRIGGER supervision_log_no_update BEFORE UPDATE ON supervision_log
BEGIN SELECT RAISE(ABORT, 'supervision log entries cannot be changed'); END;
CREATE TRIGGER supervision_log_reply_no_delete BEFORE DELETE ON supervision_log
WHEN OLD.reply_id IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a supervision session from a reply cannot be removed'); END;
"""


def new_identity_rows() -> tuple[tuple[str, bytes], ...]:
    """(name, value) rows of a freshly generated review identity."""
    signing = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    age = str(pyrage.x25519.Identity.generate()).encode("ascii")
    return ((SIGNING_SECRET, signing), (AGE_SECRET, age))


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
    for name, value in new_identity_rows():
        conn.execute("INSERT INTO vault_secrets (name, value) VALUES (?, ?)", (name, value))
