"""Dosing monitoring: contraindication screens, the monitoring record, device times, vitals,
sedation/dissociation observations, adverse effects and screening acknowledgements.

Every per-session table is locked by triggers once its session is signed, as note fields are
(m001): the vault itself refuses a change that slips past the service. Deletes are refused
only while the session row still exists, so deleting a client (which cascades through its
sessions) still removes everything.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

# Tables whose rows belong to one session (column `session_id`) and lock with its signature.
SESSION_TABLES = (
    "monitoring_records", "device_times", "vitals_readings", "sedation_observations",
    "adverse_effects", "screening_acks",
)

TABLES = r"""
-- One screen per save, never overwritten: the history of what was known when.
CREATE TABLE screens (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    screened_on  TEXT NOT NULL,
    screened_by  TEXT NOT NULL DEFAULT '',
    medicines    TEXT NOT NULL DEFAULT '[]',
    created_at   TEXT NOT NULL
);
CREATE INDEX screens_client ON screens(client_id, screened_on);

CREATE TABLE screen_answers (
    screen_id  INTEGER NOT NULL REFERENCES screens(id) ON DELETE CASCADE,
    item       TEXT NOT NULL,
    answer     TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'unknown')),
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (screen_id, item)
) WITHOUT ROWID;

CREATE TABLE monitoring_records (
    session_id              INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    medication              TEXT CHECK (medication IN ('esketamine', 'ketamine')),
    route                   TEXT CHECK (route IN ('intranasal', 'iv', 'im', 'sublingual')),
    dose_mg                 REAL CHECK (dose_mg > 0 AND dose_mg <= 1000),
    weight_kg               REAL CHECK (weight_kg BETWEEN 20 AND 300),
    lot_number              TEXT NOT NULL DEFAULT '',
    monitoring_clinician    TEXT NOT NULL DEFAULT '',
    setting                 TEXT NOT NULL DEFAULT '',
    fasting_food            INTEGER CHECK (fasting_food IN (0, 1)),
    fasting_liquids         INTEGER CHECK (fasting_liquids IN (0, 1)),
    screen_reviewed         INTEGER CHECK (screen_reviewed IN (0, 1)),
    predose_vitals_ok       INTEGER CHECK (predose_vitals_ok IN (0, 1)),
    respiratory_depression  INTEGER CHECK (respiratory_depression IN (0, 1)),
    interventions           TEXT NOT NULL DEFAULT '',
    ended_at                TEXT,
    ready_to_leave_minutes  INTEGER CHECK (ready_to_leave_minutes BETWEEN 0 AND 1440),
    discharge_vitals_ok     INTEGER CHECK (discharge_vitals_ok IN (0, 1)),
    escort                  TEXT NOT NULL DEFAULT '',
    no_driving_advised      INTEGER CHECK (no_driving_advised IN (0, 1)),
    updated_at              TEXT NOT NULL
);

-- Esketamine devices (28 mg each) or the start of an IV/IM/sublingual dose; the earliest is
-- "the first device" the monitoring clock counts from.
CREATE TABLE device_times (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    given_at    TEXT NOT NULL
);
CREATE INDEX device_times_session ON device_times(session_id, given_at);

-- Ranges repeat domain/vitals.py so a bad value cannot reach the vault by another path.
CREATE TABLE vitals_readings (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    taken_at    TEXT NOT NULL,
    role        TEXT NOT NULL
        CHECK (role IN ('pre_dose', 'forty_minutes', 'end_of_session', 'extra')),
    systolic    INTEGER CHECK (systolic BETWEEN 50 AND 260),
    diastolic   INTEGER CHECK (diastolic BETWEEN 30 AND 160),
    heart_rate  INTEGER CHECK (heart_rate BETWEEN 30 AND 220),
    spo2        INTEGER CHECK (spo2 BETWEEN 50 AND 100),
    CHECK ((systolic IS NULL) = (diastolic IS NULL)),
    CHECK (COALESCE(systolic, heart_rate, spo2) IS NOT NULL)
);
CREATE INDEX vitals_readings_session ON vitals_readings(session_id, taken_at);

CREATE TABLE sedation_observations (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    observed_at   TEXT NOT NULL,
    moaas         INTEGER NOT NULL CHECK (moaas BETWEEN 0 AND 5),
    dissociation  TEXT NOT NULL DEFAULT 'none'
        CHECK (dissociation IN ('none', 'mild', 'moderate', 'severe')),
    cadss_total   INTEGER CHECK (cadss_total BETWEEN 0 AND 92),
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sedation_observations_session ON sedation_observations(session_id, observed_at);

-- A checklist: one row per effect ticked, with its severity.
CREATE TABLE adverse_effects (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    effect       TEXT NOT NULL,
    severity     TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
    note         TEXT NOT NULL DEFAULT '',
    serious      INTEGER NOT NULL DEFAULT 0 CHECK (serious IN (0, 1)),
    recorded_at  TEXT NOT NULL,
    UNIQUE (session_id, effect)
);

-- The warnings exactly as shown when acknowledged (JSON list), since the screen may change.
CREATE TABLE screening_acks (
    id               INTEGER PRIMARY KEY,
    session_id       INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    acknowledged_at  TEXT NOT NULL,
    acknowledged_by  TEXT NOT NULL,
    warnings         TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX screening_acks_session ON screening_acks(session_id);
"""

_LOCK = "SELECT RAISE(ABORT, 'signed note is locked; add an addendum')"


def lock_triggers(table: str) -> str:
    """Three triggers refusing changes to `table` rows of a signed session."""
    signed = "(SELECT signed_at FROM sessions WHERE id = {}.session_id) IS NOT NULL"
    return "\n".join((
        f"CREATE TRIGGER {table}_locked_insert BEFORE INSERT ON {table}",
        f"WHEN {signed.format('NEW')} BEGIN {_LOCK}; END;",
        f"CREATE TRIGGER {table}_locked_update BEFORE UPDATE ON {table}",
        f"WHEN {signed.format('OLD')} OR {signed.format('NEW')} BEGIN {_LOCK}; END;",
        f"CREATE TRIGGER {table}_locked_delete BEFORE DELETE ON {table}",
        f"WHEN {signed.format('OLD')} BEGIN {_LOCK}; END;",
        "",
    ))


SQL = TABLES + "\n".join(lock_triggers(t) for t in SESSION_TABLES)


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
