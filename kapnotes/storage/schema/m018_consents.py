"""Schema step 018: consent records per client (kapnotes/domain/consents.py).

A record names the template and version signed; it is never edited into another consent.
Once withdrawn it is final: the vault refuses any change to a withdrawn record, and the
template, version and signing date of any record cannot change (a new signing is a new row).
Deleting a client removes its consents with it (ON DELETE CASCADE).
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE consent_records (
    id                 INTEGER PRIMARY KEY,
    client_id          INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    template_id        TEXT NOT NULL CHECK (length(template_id) BETWEEN 1 AND 60),
    template_version   INTEGER NOT NULL CHECK (template_version >= 1),
    signed_on          TEXT NOT NULL,
    review_on          TEXT NOT NULL CHECK (review_on >= signed_on),
    withdrawn_on       TEXT CHECK (withdrawn_on IS NULL OR withdrawn_on >= signed_on),
    withdrawal_reason  TEXT NOT NULL DEFAULT ''
        CHECK (withdrawn_on IS NULL OR length(withdrawal_reason) > 0),
    recorded_at        TEXT NOT NULL
);
CREATE INDEX consent_records_client ON consent_records(client_id, template_id, signed_on);

CREATE TRIGGER consent_records_withdrawn_final BEFORE UPDATE ON consent_records
WHEN OLD.withdrawn_on IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a withdrawn consent cannot change'); END;
CREATE TRIGGER consent_records_what_was_signed BEFORE UPDATE OF
    template_id, template_version, signed_on, client_id ON consent_records
BEGIN SELECT RAISE(ABORT, 'what was signed cannot change; record a new consent'); END;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
