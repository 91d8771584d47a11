"""The vault's theme vocabulary and the theme mentions in notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kapnotes.domain.course_items import Theme, ThemeFrequency, ThemeMention
from kapnotes.domain.errors import NotFoundError
from kapnotes.storage.rows import now_utc_text, to_datetime
from kapnotes.storage.vault import Vault

_MENTION_COLS = (
    "m.id, m.theme_id, t.name, m.session_id, m.field_id, m.position, m.evidence, m.written_as"
)


def _mention(row: Any) -> ThemeMention:
    return ThemeMention(*row)


def all_themes(vault: Vault) -> list[Theme]:
    return [Theme(r[0], r[1], bool(r[2])) for r in vault.query(
        "SELECT id, name, pinned FROM themes ORDER BY name COLLATE NOCASE")]


def get(vault: Vault, theme_id: int) -> Theme:
    row = vault.query_one("SELECT id, name, pinned FROM themes WHERE id = ?", (theme_id,))
    if row is None:
        raise NotFoundError(f"Theme {theme_id} does not exist.")
    return Theme(row[0], row[1], bool(row[2]))


def find(vault: Vault, name: str) -> Theme | None:
    """The theme of this name, ignoring case (the column is COLLATE NOCASE)."""
    row = vault.query_one("SELECT id, name, pinned FROM themes WHERE name = ?", (name,))
    return Theme(row[0], row[1], bool(row[2])) if row else None


def insert(vault: Vault, name: str, *, pinned: bool) -> int:
    cur = vault.execute("INSERT INTO themes (name, pinned, created_at) VALUES (?, ?, ?)",
                        (name, int(pinned), now_utc_text()))
    return int(cur.lastrowid)


def rename(vault: Vault, theme_id: int, name: str) -> None:
    vault.execute("UPDATE themes SET name = ?, pinned = 1 WHERE id = ?", (name, theme_id))


def pin(vault: Vault, theme_id: int) -> None:
    vault.execute("UPDATE themes SET pinned = 1 WHERE id = ?", (theme_id,))


def delete(vault: Vault, theme_id: int) -> None:
    vault.execute("DELETE FROM themes WHERE id = ?", (theme_id,))


def move_mentions(vault: Vault, from_id: int, to_id: int) -> int:
    cur = vault.execute("UPDATE theme_mentions SET theme_id = ? WHERE theme_id = ?",
                        (to_id, from_id))
    return int(cur.rowcount)


# -- mentions ------------------------------------------------------------------------------
def mentions_in(vault: Vault, session_id: int, field_id: str | None = None) -> list[ThemeMention]:
    sql = (f"SELECT {_MENTION_COLS} FROM theme_mentions m JOIN themes t ON t.id = m.theme_id"
           " WHERE m.session_id = ?")
    params: tuple[Any, ...] = (session_id,)
    if field_id is not None:
        sql += " AND m.field_id = ?"
        params += (field_id,)
    return [_mention(r) for r in vault.query(sql + " ORDER BY m.field_id, m.position", params)]


def mentions_of(vault: Vault, theme_id: int) -> list[ThemeMention]:
    return [_mention(r) for r in vault.query(
        f"SELECT {_MENTION_COLS} FROM theme_mentions m JOIN themes t ON t.id = m.theme_id"
        " WHERE m.theme_id = ? ORDER BY m.session_id, m.position", (theme_id,))]


def count_mentions(vault: Vault, theme_id: int) -> int:
    return int(vault.query_one("SELECT count(*) FROM theme_mentions WHERE theme_id = ?",
                               (theme_id,))[0])


def replace_mentions(vault: Vault, session_id: int, field_id: str,
                     mentions: list[tuple[int, str, str]]) -> None:
    """Make the field's mentions exactly `mentions` (theme id, evidence, written as), by position.

    An unpinned theme is pruned the moment its last mention goes, so the new rows are written
    before the old ones are removed: a theme that stays in the field (moved from one position
    to another, say [A] → [B, A]) never loses its last mention on the way, is never pruned,
    and keeps its id. Nothing is written when the field's mentions are unchanged.
    """
    where = "session_id = ? AND field_id = ?"
    rows = vault.query(f"SELECT position, theme_id, evidence, written_as FROM theme_mentions"
                       f" WHERE {where} ORDER BY position", (session_id, field_id))
    if [tuple(r) for r in rows] == [(i, *m) for i, m in enumerate(mentions)]:
        return
    # New rows go to negative positions (free, whatever the old ones are), the old rows go,
    # then -1 - i becomes i: no step can collide with another row's position.
    for i, (theme_id, evidence, written_as) in enumerate(mentions):
        vault.execute(
            "INSERT INTO theme_mentions (theme_id, session_id, field_id, position, evidence,"
            " written_as) VALUES (?, ?, ?, ?, ?, ?)",
            (theme_id, session_id, field_id, -1 - i, evidence, written_as),
        )
    vault.execute(f"DELETE FROM theme_mentions WHERE {where} AND position >= 0",
                  (session_id, field_id))
    vault.execute(f"UPDATE theme_mentions SET position = -1 - position WHERE {where}",
                  (session_id, field_id))


def course_mentions(vault: Vault, course_id: int) -> list[tuple[ThemeMention, datetime]]:
    """Every mention in the course with its session's start, in session order."""
    rows = vault.query(
        f"SELECT {_MENTION_COLS}, s.starts_at FROM theme_mentions m"
        " JOIN themes t ON t.id = m.theme_id JOIN sessions s ON s.id = m.session_id"
        " WHERE s.course_id = ? ORDER BY s.starts_at, s.id, m.field_id, m.position",
        (course_id,),
    )
    return [(_mention(r[:8]), to_datetime(r[8]) or datetime.min) for r in rows]


def course_theme_count(vault: Vault, course_id: int) -> int:
    """How many distinct themes the course's notes mention."""
    row = vault.query_one(
        "SELECT count(DISTINCT m.theme_id) FROM theme_mentions m"
        " JOIN sessions s ON s.id = m.session_id WHERE s.course_id = ?", (course_id,),
    )
    return int(row[0]) if row else 0


def frequency(vault: Vault) -> list[ThemeFrequency]:
    """Each theme across the vault: mentions, sessions, clients, last seen (most used first)."""
    rows = vault.query(
        "SELECT t.id, t.name, count(m.id), count(DISTINCT m.session_id),"
        " count(DISTINCT c.client_id), max(s.starts_at), t.pinned"
        " FROM themes t LEFT JOIN theme_mentions m ON m.theme_id = t.id"
        " LEFT JOIN sessions s ON s.id = m.session_id"
        " LEFT JOIN courses c ON c.id = s.course_id"
        " GROUP BY t.id ORDER BY count(m.id) DESC, t.name COLLATE NOCASE"
    )
    return [
        ThemeFrequency(theme_id=r[0], name=r[1], mentions=r[2], sessions=r[3], clients=r[4],
                       last_seen=_day(r[5]), pinned=bool(r[6]))
        for r in rows
    ]


def _day(text: str | None) -> date | None:
    when = to_datetime(text)
    return when.date() if when else None
