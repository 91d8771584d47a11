"""Schema step 005: a measure taken on a dosing day may say whether it was before or after
the dose, so a post-dose score on the first-dose day never replaces the pre-dose baseline
(`kapnotes.domain.outcomes`). NULL: not said (any day that is not a dosing day, and every
measure entered before this step). The portable export carries it as `dose_timing`.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
ALTER TABLE measures ADD COLUMN dose_timing TEXT
    CHECK (dose_timing IS NULL OR dose_timing IN ('before_dose', 'after_dose'));
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
