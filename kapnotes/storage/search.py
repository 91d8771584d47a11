"""Full-text search (FTS5) across note fields, addenda and client records."""

from __future__ import annotations

import re
from datetime import datetime

from kapnotes.domain.models import SearchHit
from kapnotes.storage.rows import to_datetime
from kapnotes.storage.vault import Vault

_WORD = re.compile(r"\w+", re.UNICODE)
# The last word typed is matched as a prefix only from this length: FTS5 answers a prefix by
# merging every indexed word that starts with it, and "a" or "th" start tens of thousands in
# a practice's vault (a one-letter prefix was the slowest query in docs/BENCHMARKS.md). A
# shorter last word matches whole words only until the next key is typed.
MIN_PREFIX = 3


def fts_query(text: str) -> str:
    """Turn what the user typed into a safe FTS5 query: quoted phrases and prefix words.

    FTS5 syntax errors must never reach a user, so operators are not passed through.
    `"exact phrase"` stays a phrase; other words must all occur, the last as a prefix
    (when it has at least MIN_PREFIX characters).
    """
    phrases = re.findall(r'"([^"]+)"', text)
    rest = re.sub(r'"[^"]*"?', " ", text)
    parts = []
    for phrase in phrases:
        words = _WORD.findall(phrase)
        if words:
            parts.append('"' + " ".join(words) + '"')
    words = _WORD.findall(rest)
    for i, word in enumerate(words):
        last = i == len(words) - 1 and not phrases
        suffix = "*" if last and len(word) >= MIN_PREFIX else ""
        parts.append(f'"{word}"{suffix}')
    return " AND ".join(parts)


def search(vault: Vault, text: str, *, limit: int = 200) -> list[SearchHit]:
    """The matches in the `limit` newest note fields, grouped by client code then date.

    FTS5 walks its index newest-first (rowid order: when a field was first written; an edit
    updates its row in place) and stops at `limit`, so a common word in
    a vault of years costs the same as a rare one; ranking or sorting all matches in SQL
    would touch every one of them (tens of thousands) before choosing which to show.
    """
    query = fts_query(text)
    if not query:
        return []
    rows = vault.query(
        """
        WITH hits AS (
            SELECT client_id, session_id, kind, ref,
                   snippet(search_index, 0, char(2), char(3), '…', 12) AS snip
              FROM search_index
             WHERE search_index MATCH ?
             ORDER BY rowid DESC
             LIMIT ?)
        SELECT h.client_id, c.code, c.full_name, h.session_id, s.kind, s.starts_at,
               h.kind, h.ref, h.snip
          FROM hits h
          JOIN clients c ON c.id = h.client_id
          LEFT JOIN sessions s ON s.id = h.session_id
        """,
        (query, limit),
    )
    hits = [
        SearchHit(
            client_id=r[0], client_code=r[1], client_name=r[2], session_id=r[3],
            session_kind=r[4], session_starts_at=to_datetime(r[5]), kind=r[6], ref=str(r[7]),
            snippet=r[8],
        )
        for r in rows
    ]
    # Client record first within a client, then sessions in date order.
    return sorted(hits, key=lambda h: (h.client_code, h.session_starts_at is not None,
                                       h.session_starts_at or datetime.min))
