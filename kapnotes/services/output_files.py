"""Files written where the user says (a PDF, a JSON export, a recovery key, a backup): one
guard for the window and the CLI. Never the vault, its key file or anything in its backups
folder; an existing file only when replacing was asked for; written atomically.

Re-exported from storage (kapnotes/storage/output_guard.py holds the rules) so callers above
services import no storage module (`.importlinter`).
"""

from __future__ import annotations

from kapnotes.storage.output_guard import check_output_path, write_output

__all__ = ["check_output_path", "write_output"]
