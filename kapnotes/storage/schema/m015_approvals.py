"""Schema step 015: approvals, permits and authorisations, and the PBS eligibility details
(docs/JURISDICTIONS.md, "Approvals").

- `approvals`: one row per permit, authority or authorisation. `kind` is the jurisdiction
  pack's approval id, kept as written; `client_id` is NULL for the prescriber's own (a TGA
  Authorised Prescriber authorisation covers many clients). Deleting a client removes theirs.
- `antidepressant_trials`: the prior antidepressant trials a PBS esketamine authority asks
  for, on the client record.
- `pbs_details`: the newly started oral antidepressant and the treating specialist.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE approvals (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 60),
    client_id        INTEGER REFERENCES clients(id) ON DELETE CASCADE,
    medicine         TEXT NOT NULL DEFAULT '',
    indication       TEXT NOT NULL DEFAULT '',
    reference        TEXT NOT NULL DEFAULT '',
    ethics_approval  TEXT NOT NULL DEFAULT '',
    prescriber       TEXT NOT NULL DEFAULT '',
    starts_on        TEXT NOT NULL,
    ends_on          TEXT NOT NULL,
    notes            TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX approvals_client ON approvals(client_id, ends_on);
CREATE INDEX approvals_end ON approvals(ends_on);

CREATE TABLE antidepressant_trials (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    medicine        TEXT NOT NULL CHECK (length(medicine) BETWEEN 1 AND 120),
    dose            TEXT NOT NULL DEFAULT '',
    duration_weeks  INTEGER CHECK (duration_weeks BETWEEN 1 AND 520),
    response        TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX antidepressant_trials_client ON antidepressant_trials(client_id, id);

CREATE TABLE pbs_details (
    client_id             INTEGER PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
    oral_antidepressant   TEXT NOT NULL DEFAULT '',
    antidepressant_start  TEXT,
    specialist            TEXT NOT NULL DEFAULT '',
    updated_at            TEXT NOT NULL
);
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
