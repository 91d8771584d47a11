"""Schema step 019: the supervision log records supervision given as well as received.

A supervisor who sends a reply from their own vault gets an entry with `direction` 'given'
naming the supervisee (the therapist); the reply's id is kept in `given_reply_id` (the
reply itself lives in the therapist's vault, so it cannot reference `review_replies`).
Such an entry cannot be removed, like one that came in a reply. Existing entries are
supervision received; the log's totals and its signed PDF count only those.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
ALTER TABLE supervision_log ADD COLUMN direction TEXT NOT NULL DEFAULT 'received'
    CHECK (direction IN ('received', 'given'));
ALTER TABLE supervision_log ADD COLUMN supervisee TEXT NOT NULL DEFAULT '';
ALTER TABLE supervision_log ADD COLUMN given_reply_id TEXT;
CREATE UNIQUE INDEX supervision_log_given_reply ON supervision_log(given_reply_id)
    WHERE given_reply_id IS NOT NULL;
CREATE INDEX supervision_log_direction_day ON supervision_log(direction, held_on);
CREATE TRIGGER supervision_log_given_no_delete BEFORE DELETE ON supervision_log
WHEN OLD.given_reply_id IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a supervision session from a sent reply cannot be removed'); END;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
