"""Schema step 013: a course's dosing interval gets its own column.

Until now a KAP course kept the weeks between its dosing sessions in
`maintenance_interval_weeks` (capped at 2 when the plan was generated), a field named for the
esketamine maintenance phase. `dose_interval_weeks` now holds it; existing KAP courses get the
value their plan was generated with, so nothing they show changes. Other courses take the
default (1): their protocols have no dosing interval to set.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
ALTER TABLE courses ADD COLUMN dose_interval_weeks INTEGER NOT NULL DEFAULT 1
    CHECK (dose_interval_weeks BETWEEN 1 AND 52);
UPDATE courses SET dose_interval_weeks = MIN(MAX(maintenance_interval_weeks, 1), 2)
    WHERE protocol = 'kap_sublingual_im';
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
