"""Schema step 016: a supervisor's comments on a section of a request (no note named) go with
the clients the request was about.

Step 014 kept such comments forever, so deleting a client (the one way a record leaves the
vault) left the supervisor's words about that client's summary behind. Now, when the last
note of a request leaves the vault (its client deleted: the request's note rows cascade), the
request's section comments are removed with it; while any of its notes remains they stay
unchangeable, as before.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
DROP TRIGGER review_records_no_delete;
CREATE TRIGGER review_records_no_delete BEFORE DELETE ON review_records
WHEN (OLD.session_id IS NOT NULL AND EXISTS (SELECT 1 FROM sessions WHERE id = OLD.session_id))
  OR (OLD.session_id IS NULL AND EXISTS (
        SELECT 1 FROM review_request_notes n JOIN review_replies p ON p.request_id = n.request_id
        WHERE p.id = OLD.reply_id))
BEGIN SELECT RAISE(ABORT, 'review records cannot be removed'); END;

CREATE TRIGGER review_request_notes_last_gone AFTER DELETE ON review_request_notes
WHEN NOT EXISTS (SELECT 1 FROM review_request_notes WHERE request_id = OLD.request_id)
BEGIN
  DELETE FROM review_records WHERE session_id IS NULL
    AND reply_id IN (SELECT id FROM review_replies WHERE request_id = OLD.request_id);
END;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
