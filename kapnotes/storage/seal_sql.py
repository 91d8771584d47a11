"""Most of every signed note's canonical document, rendered by SQLite, ~500 notes a query.

`seals.digest_of` builds a note's document in Python and encodes it with `json.dumps` (keys
sorted, no spaces, UTF-8 as is). Over ~40,000 notes that is seconds in the interpreter;
SQLite's JSON functions render the same text in C: `json_object` keeps its arguments' order
(so the keys are passed sorted), rows are aggregated in id order, strings are escaped as
Python escapes them. The note's fields (stored JSON text) are rendered in Python
(`seals.fields_text`) and spliced in between, since `json()` would keep an object's key
order where Python sorts it.

A digest that does not match is recomputed by the per-note Python path before anything is
reported (`seal_check`), so where SQLite's text differs from Python's (a float such as
1e-07 written 1.0e-07), nothing sound is ever reported. A match is as strong as Python's:
the rendering is one-to-one on the values a note holds (integers and reals told apart, each
real with as many digits as reading it back needs, strings escaped). The one value SQLite
cannot tell apart is a negative zero, written 0.0 as a positive one is: a column declared
REAL, INTEGER, NUMERIC or TEXT never keeps one (SQLite stores -0.0 there as 0, and Python
reads it back as 0.0, so both agree on what is stored); a column with no declared type can,
so a real zero there is rendered as a text no seal was made over, and the Python path
decides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator
from typing import Any

from kapnotes.domain.errors import VaultUnavailableError
from kapnotes.storage import read_ahead
from kapnotes.storage.seals import COURSE_ROWS, DOSING, SESSION_COLS, dosing_columns

_REAL_ZERO = "'0.0 (in a column with no type)'"


def _object(pairs: list[tuple[str, str]]) -> str:
    """`json_object(...)` with the keys in the order Python's `sort_keys` writes them."""
    return "json_object(" + ", ".join(f"'{k}', {expr}" for k, expr in sorted(pairs)) + ")"


class _Columns:
    """Column expressions: in a column with no declared type (the only kind that keeps a
    negative zero), a real zero is rendered as a text, so "0.0" never stands for -0.0."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self._untyped: dict[str, set[str]] = {}

    def expr(self, table: str, column: str, alias: str = "") -> str:
        if table not in self._untyped:
            self._untyped[table] = {r[1] for r in self._db.execute(
                f"PRAGMA table_info({table})").fetchall()
                if not r[2] or "BLOB" in str(r[2]).upper()}
        ref = f"{alias}{column}"
        if column not in self._untyped[table]:
            return ref
        return f"iif(typeof({ref}) = 'real' AND {ref} = 0, {_REAL_ZERO}, {ref})"


def _rows(cols: _Columns, table: str, key: str, names: tuple[str, ...], order: str) -> str:
    obj = _object([(c, cols.expr(table, c)) for c in names])
    # JSONB, which json_object takes as JSON as it is: json() would parse the text again.
    return (f"(SELECT jsonb_group_array({obj} ORDER BY {order}) FROM {table}"
            f" WHERE {key} = s.id)")


def _document_parts(db: Any, form: int) -> tuple[str, str]:
    """SQL for a note's document before "fields" and after it (`s` is its session row)."""
    cols = _Columns(db)
    head = [("dosing", _object([(t, _rows(cols, t, "session_id", dosing_columns(t, form),
                                          dosing_columns(t, form)[0])) for t in DOSING]))]
    if form >= 2:
        head.append(("course", _object([(name, _rows(cols, table, key, names, "id"))
                                        for name, (table, key, names) in COURSE_ROWS.items()])))
    tail = [("format", f"'kapnotes-note-seal/{int(form)}'"),
            ("session", _object([(c, cols.expr("sessions", c, "s.")) for c in SESSION_COLS]))]
    return _object(head), _object(tail)


# A chunk's notes are joined by RS and each note's parts by US. Every part is JSON as SQLite
# writes it (the id an integer; the template id and version through json_quote), and SQLite
# escapes control characters in JSON, so neither separator can come from the vault's data.
NOTE_SEP, PART_SEP = "\x1e", "\x1f"
CHUNK_IDS = 512  # session ids per chunk: ~500 notes, a few MB of text, one row


def chunk_sql(db: Any, form: int, listed: Collection[int] | None = None) -> str:
    """One text for the notes sealed in form `form` with session ids in [?, ?) (or, given
    `listed`, with those ids): each note as `id US head US tail US template id US template
    version`, notes joined by RS."""
    head, tail = _document_parts(db, form)
    note = (f"s.id || char(31) || {head} || char(31) || {tail} || char(31) || "
            "json_quote(s.template_id) || char(31) || json_quote(s.template_version)")
    which = (" AND n.session_id >= ? AND n.session_id < ?" if listed is None
             else f" AND n.session_id IN ({','.join(str(int(i)) for i in listed)})")
    return (f"SELECT group_concat({note}, char(30)) FROM note_seals n"
            " JOIN sessions s ON s.id = n.session_id"
            f" WHERE n.addendum_id = 0 AND n.form = {int(form)}" + which)


def _chunks(db: Any, form: int) -> Iterator[str]:
    low, high = db.execute("SELECT min(session_id), max(session_id) FROM note_seals"
                           " WHERE addendum_id = 0 AND form = ?", (int(form),)).fetchone()
    if low is None:
        return
    sql = chunk_sql(db, form)
    for start in range(int(low), int(high) + 1, CHUNK_IDS):
        text = db.execute(sql, (start, start + CHUNK_IDS)).fetchone()[0]
        if text:
            yield text


def _listed(db: Any, form: int, ids: Collection[int]) -> Iterator[str]:
    """The notes `ids` (those sealed in `form`) as one text, on the caller's connection: a
    course's few dozen notes are one short query (~1 ms), not worth a second thread."""
    if ids:
        text = db.execute(chunk_sql(db, form, ids)).fetchone()[0]
        if text:
            yield text


def _notes(text: str) -> list[list[str]]:
    notes = [note.split(PART_SEP) for note in text.split(NOTE_SEP)]
    if any(len(parts) != 5 for parts in notes):  # cannot happen (see NOTE_SEP)
        raise VaultUnavailableError("a sealed note's document could not be read in SQL")
    return sorted(notes, key=lambda parts: int(parts[0]))


def digests(db: Any, form: int, fields_of: Callable[[int], str],
            templates: dict[tuple[str, int], str], *, only: Collection[int] | None = None
            ) -> Iterator[tuple[int, str]]:
    """(session id, digest) of every note sealed in `form` (or of those of `only`), in id
    order; `fields_of(sid)` gives the note's fields as canonical JSON (asked in ascending id
    order). Every note's documents are rendered ~500 notes to a row on another thread and
    connection (kapnotes.storage.read_ahead) while this one reads the fields and hashes."""
    # The template ids and versions as json_quote writes them, like the chunks' own.
    by_text = {tuple(db.execute("SELECT json_quote(?), json_quote(?)", key).fetchone()): digest
               for key, digest in templates.items()}
    texts = (read_ahead.items(db, lambda conn: _chunks(conn, form)) if only is None
             else _listed(db, form, only))
    for text in texts:
        for sid, head, tail, template_id, version in _notes(text):
            doc = "{" + head[1:-1] + ',"fields":' + fields_of(int(sid)) + "," + tail[1:-1]
            if form >= 3:  # "template" sorts last
                digest = by_text.get((template_id, version))
                doc += ',"template":' + (f'"{digest}"' if digest is not None else "null")
            yield int(sid), hashlib.sha256((doc + "}").encode("utf-8")).hexdigest()
