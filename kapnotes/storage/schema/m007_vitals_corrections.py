"""Schema step 007: vitals readings that can be confirmed, corrected, struck and backdated.

- The CHECK ranges widen from the usual range (m002) to the possible range: a true extreme
  reading (systolic above 260, SpO2 below 50) is recorded once the clinician confirms it
  (`confirmed_unusual` = 1); without that flag the usual range still applies.
- A reading is never deleted in a draft: it is struck (`struck_at`, `change_reason`), and a
  correction is a new row whose `corrects_id` names the struck original (domain/vitals.py).
- `entered_at` is when the reading was typed, so one written up afterwards with its real time
  shows as entered later. Times written from this step on are UTC instants (`…+00:00`);
  older rows keep their local wall-clock text, read as local time.

SQLite cannot change a CHECK constraint, so the table is rebuilt (rows, index and the
signed-note lock triggers of m002 come back unchanged).
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.m002_monitoring import lock_triggers
from kapnotes.storage.schema.script import run_script

COLUMNS = "id, session_id, taken_at, role, systolic, diastolic, heart_rate, spo2"

SQL = r"""
CREATE TABLE vitals_readings_new (
    id                 INTEGER PRIMARY KEY,
    session_id         INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    taken_at           TEXT NOT NULL,
    role               TEXT NOT NULL
        CHECK (role IN ('pre_dose', 'forty_minutes', 'end_of_session', 'extra')),
    systolic           INTEGER CHECK (systolic BETWEEN 20 AND 350),
    diastolic          INTEGER CHECK (diastolic BETWEEN 10 AND 250),
    heart_rate         INTEGER CHECK (heart_rate BETWEEN 10 AND 350),
    spo2               INTEGER CHECK (spo2 BETWEEN 0 AND 100),
    confirmed_unusual  INTEGER NOT NULL DEFAULT 0 CHECK (confirmed_unusual IN (0, 1)),
    entered_at         TEXT,
    struck_at          TEXT,
    change_reason      TEXT NOT NULL DEFAULT '',
    corrects_id        INTEGER,
    CHECK ((systolic IS NULL) = (diastolic IS NULL)),
    CHECK (COALESCE(systolic, heart_rate, spo2) IS NOT NULL),
    CHECK (confirmed_unusual = 1 OR (
        COALESCE(systolic BETWEEN 50 AND 260, 1) AND COALESCE(diastolic BETWEEN 30 AND 160, 1)
        AND COALESCE(heart_rate BETWEEN 30 AND 220, 1) AND COALESCE(spo2 BETWEEN 50 AND 100, 1)))
);
""" + f"""
INSERT INTO vitals_readings_new ({COLUMNS}) SELECT {COLUMNS} FROM vitals_readings;
DROP TABLE vitals_readings;
ALTER TABLE vitals_readings_new RENAME TO vitals_readings;
CREATE INDEX vitals_readings_session ON vitals_readings(session_id, taken_at);
""" + lock_triggers("vitals_readings")


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
