"""Schema step 008: a client's other names (family members, nicknames), recorded so that a
de-identified export can replace them wherever free text mentions them
(kapnotes.export.redaction). Empty for every client recorded before this step.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
ALTER TABLE clients ADD COLUMN other_names TEXT NOT NULL DEFAULT '';
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
