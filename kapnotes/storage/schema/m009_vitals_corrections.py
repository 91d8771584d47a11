"""Schema step 009: vitals readings that can be confirmed, corrected, struck and backdated.

- The CHECK ranges of m002 (the usual range) widen to the possible range: a true extreme
  reading (systolic above 260, SpO2 below 50) is recorded once the clinician confirms it
  (`confirmed_unusual` = 1); without that flag the usual range still applies (its CHECK).
- A reading is never deleted in a draft: it is struck (`struck_at`, `change_reason`), and a
  correction is a new row whose `corrects_id` names the struck original (domain/vitals.py).
- `entered_at` is when the reading was typed, so one written up afterwards with its real time
  shows as entered later. Times written from this step on are UTC instants (`…+00:00`);
  older rows keep their local wall-clock text, read as local time.

Widening a CHECK changes no stored row, so it is done the way SQLite documents for such
changes ("Making Other Kinds Of Table Schema Changes", sqlite.org/lang_altertable.html):
the table's CREATE text is edited in the schema table with `writable_schema`, and the schema
version bumped, inside this step's transaction. Rebuilding the table instead would move pages
(and leave free ones) for no gain. The edit is checked: if m002's text is not found exactly,
the step fails and rolls back.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

# m002's column checks (the usual range) → the possible range (domain/vitals.py).
WIDEN = (
    ("CHECK (systolic BETWEEN 50 AND 260)", "CHECK (systolic BETWEEN 20 AND 350)"),
    ("CHECK (diastolic BETWEEN 30 AND 160)", "CHECK (diastolic BETWEEN 10 AND 250)"),
    ("CHECK (heart_rate BETWEEN 30 AND 220)", "CHECK (heart_rate BETWEEN 10 AND 350)"),
    ("CHECK (spo2 BETWEEN 50 AND 100)", "CHECK (spo2 BETWEEN 0 AND 100)"),
)

COLUMNS = r"""
ALTER TABLE vitals_readings ADD COLUMN confirmed_unusual INTEGER NOT NULL DEFAULT 0
    CHECK (confirmed_unusual IN (0, 1) AND (confirmed_unusual = 1 OR (
        COALESCE(systolic BETWEEN 50 AND 260, 1) AND COALESCE(diastolic BETWEEN 30 AND 160, 1)
        AND COALESCE(heart_rate BETWEEN 30 AND 220, 1)
        AND COALESCE(spo2 BETWEEN 50 AND 100, 1))));
ALTER TABLE vitals_readings ADD COLUMN entered_at TEXT;
ALTER TABLE vitals_readings ADD COLUMN struck_at TEXT;
ALTER TABLE vitals_readings ADD COLUMN change_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE vitals_readings ADD COLUMN corrects_id INTEGER;
"""


def _widen_checks(conn: Any) -> None:
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table'"
                          " AND name = 'vitals_readings'").fetchone()
    for old, new in WIDEN:
        if sql.count(old) != 1:
            raise RuntimeError(f"m009: vitals_readings does not read as m002 wrote it ({old})")
        sql = sql.replace(old, new)
    version = int(conn.execute("PRAGMA schema_version").fetchone()[0])
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table'"
                     " AND name = 'vitals_readings'", (sql,))
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")


def migrate(conn: Any) -> None:
    _widen_checks(conn)
    run_script(conn, COLUMNS)
