"""Most of every signed note's canonical document, rendered by SQLite in one query per form.

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
from collections.abc import Callable, Iterator
from typing import Any

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


def document_sql(db: Any, form: int) -> str:
    """(session id, the document's keys before "fields", its keys after, template id,
    template version) of every note sealed in form `form`, in id order."""
    cols = _Columns(db)
    head = [("dosing", _object([(t, _rows(cols, t, "session_id", dosing_columns(t, form),
                                          dosing_columns(t, form)[0])) for t in DOSING]))]
    if form >= 2:
        head.append(("course", _object([(name, _rows(cols, table, key, names, "id"))
                                        for name, (table, key, names) in COURSE_ROWS.items()])))
    tail = [("format", f"'kapnotes-note-seal/{int(form)}'"),
            ("session", _object([(c, cols.expr("sessions", c, "s.")) for c in SESSION_COLS]))]
    return (f"SELECT s.id, {_object(head)}, {_object(tail)}, s.template_id, s.template_version"
            " FROM note_seals n JOIN sessions s ON s.id = n.session_id"
            f" WHERE n.addendum_id = 0 AND n.form = {int(form)} ORDER BY n.session_id")


def digests(db: Any, form: int, fields_of: Callable[[int], str],
            templates: dict[tuple[str, int], str]) -> Iterator[tuple[int, str]]:
    """(session id, digest) of every note sealed in `form`, in id order; `fields_of(sid)`
    gives the note's fields as canonical JSON (asked in ascending id order). The documents
    are rendered on another thread and connection (kapnotes.storage.read_ahead) while this
    one reads the fields and hashes."""
    for batch in read_ahead.batches(db, lambda conn: document_sql(conn, form)):
        for sid, head, tail, template_id, version in batch:
            text = "{" + head[1:-1] + ',"fields":' + fields_of(sid) + "," + tail[1:-1]
            if form >= 3:  # "template" sorts last
                digest = templates.get((template_id, version))
                text += ',"template":' + (f'"{digest}"' if digest is not None else "null")
            yield int(sid), hashlib.sha256((text + "}").encode("utf-8")).hexdigest()
