"""Schema step 011: a seal records the canonical form its digest was made in.

Form 1 (m007) hashed the note, its fields and its dosing record as m007 knew them; m009 then
added the vitals confirmation, strike and correction columns, and the course rows derived
from a note (intentions it set, intention reviews, theme mentions) were never in it. Form 2
covers them (kapnotes.storage.seals). Seals already stored keep form 1, the column's default,
and are always re-hashed in form 1, so no seal made before this step stops matching; notes
signed from this step on are sealed in the newest form. The column is added to a table whose
rows cannot be updated (m007's trigger), which ADD COLUMN does not do.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
ALTER TABLE note_seals ADD COLUMN form INTEGER NOT NULL DEFAULT 1 CHECK (form >= 1);
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
