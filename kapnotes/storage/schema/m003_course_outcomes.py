"""Schema step 003: filled in by the issue that owns it."""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE IF NOT EXISTS _placeholder_m003_course_outcomes (x INTEGER);
DROP TABLE _placeholder_m003_course_outcomes;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
