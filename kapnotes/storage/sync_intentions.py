"""The intentions a shared note's review rows name, by their words (docs/PRACTICE-SERVER.md,
"Sync on the workstation").

Course intentions are not shared this round, yet an intentions-review field stores the row ids
of the intentions it reviews: an id from another vault means nothing here, or worse, another
intention of this vault. So a note's payload carries the words of each intention its reviews
name (`"intention_words"`), and a vault applying the note names its own intention with the
same words in the same course (case and spacing ignored), creating one dated the session's
day if it has none, so the review always reads the words that were reviewed.
"""

from __future__ import annotations

import json
from typing import Any

from kapnotes.storage.rows import now_utc_text
from kapnotes.storage.vault import Vault


def reviewed_ids(value_text: str) -> list[int] | None:
    """The intention ids in a stored intentions-review value (None: not such a value)."""
    if value_text.lstrip()[:1] != "[":
        return None  # not a list: most values are text, and decoding each cost a first sync
    try:
        value = json.loads(value_text)
    except ValueError:
        return None
    if not isinstance(value, list) or not value or not all(
            isinstance(e, dict) and isinstance(e.get("intention_id"), int) for e in value):
        return None
    return [int(e["intention_id"]) for e in value]


def words_of(vault: Vault, values: list[str]) -> dict[str, str]:
    """intention id → its words, for every intention the note's review values name."""
    ids = sorted({i for text in values for i in reviewed_ids(text) or ()})
    if not ids:
        return {}
    return {str(r[0]): str(r[1]) for r in vault.query(
        f"SELECT id, text FROM intentions WHERE id IN ({', '.join('?' * len(ids))})",
        tuple(ids))}


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def local_value(vault: Vault, session_id: int, value_text: str, words: dict[str, Any]) -> str:
    """The review value with each intention id replaced by this vault's intention of the same
    words; a value that reviews nothing is returned as it is."""
    ids = reviewed_ids(value_text)
    if ids is None:
        return value_text
    course_id, day = vault.query_one("SELECT course_id, substr(starts_at, 1, 10) FROM sessions"
                                     " WHERE id = ?", (session_id,))
    mine = vault.query("SELECT id, text FROM intentions WHERE course_id = ?"
                       " ORDER BY status = 'revised', id", (course_id,))
    entries = json.loads(value_text)
    for entry in entries:
        text = words.get(str(entry["intention_id"]))
        if not isinstance(text, str) or not text.strip():
            continue  # an older payload: the id stays as sent
        found = next((i for i, t in mine if _same(t, text)), None)
        if found is None:
            found = int(vault.execute(
                "INSERT INTO intentions (course_id, text, set_on, created_at)"
                " VALUES (?, ?, ?, ?)", (course_id, text.strip(), day, now_utc_text())).lastrowid)
            mine.append((found, text))
        entry["intention_id"] = found
    return json.dumps(entries, ensure_ascii=False)
