"""Schema step 006: weight on the client record, the end of an infusion, booster doses, and
the written reasons given to override a clinical rule (docs/CLINICAL-RULES.md).

- `client_weights`: every weight recorded, with the date it was measured and the value and
  unit as typed (kg or lb), so "154" is never silently read as kilograms.
- `monitoring_records.infusion_end_at`: with the first dose time it shows "over 40 minutes".
- `dose_boosters`: extra doses during a session, each with its time and mg.
- `rule_overrides`: the rule id, its wording at the time, the reason, who and when. Locked
  with the session's signature like the rest of the monitoring record (m002).
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.m002_monitoring import lock_triggers
from kapnotes.storage.schema.script import run_script

TABLES = r"""
CREATE TABLE client_weights (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    measured_on    TEXT NOT NULL,
    weight_kg      REAL NOT NULL CHECK (weight_kg BETWEEN 20 AND 300),
    entered_value  REAL NOT NULL,
    entered_unit   TEXT NOT NULL CHECK (entered_unit IN ('kg', 'lb')),
    recorded_at    TEXT NOT NULL
);
CREATE INDEX client_weights_client ON client_weights(client_id, measured_on);

ALTER TABLE monitoring_records ADD COLUMN infusion_end_at TEXT;

CREATE TABLE dose_boosters (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    given_at    TEXT NOT NULL,
    dose_mg     REAL NOT NULL CHECK (dose_mg > 0 AND dose_mg <= 1000)
);
CREATE INDEX dose_boosters_session ON dose_boosters(session_id, given_at);

CREATE TABLE rule_overrides (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    rule_id     TEXT NOT NULL,
    message     TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    given_by    TEXT NOT NULL DEFAULT '',
    given_at    TEXT NOT NULL
);
CREATE INDEX rule_overrides_session ON rule_overrides(session_id, given_at);
"""

SQL = TABLES + "\n".join(lock_triggers(t) for t in ("dose_boosters", "rule_overrides"))


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
