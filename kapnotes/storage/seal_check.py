"""Every signed note and addendum checked against its seal, as `kapnotes check` runs it.

A bench-size vault holds ~40,000 signed notes; reading each note's rows with its own dozen
queries cost ~10 s. Here each table is read once, in note order (`ORDER BY` the column naming
the note, then id, as the per-note reads order them), and the rows are grouped as the scan
passes, so memory holds one note at a time; each digest is computed by the same
`seals.digest_of` the per-note path uses, and every seal's HMAC is verified.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Iterator, Mapping
from itertools import chain, groupby
from operator import itemgetter
from typing import Any

from kapnotes.domain.errors import VaultUnavailableError
from kapnotes.storage import seal_sql
from kapnotes.storage.seals import (
    COURSE_ROWS,
    DOSING,
    LATEST_FORM,
    NOTE,
    REMOVED,
    SESSION_COLS,
    NoteRows,
    Seal,
    addendum_digest,
    digest_of,
    dosing_columns,
    fields_text,
    note_digest,
    seal_mac,
    seals_of,
    template_hash,
)
from kapnotes.storage.vault_secrets import PURPOSE_SEAL, derived_key

_FETCH = 2000  # rows per fetch while streaming a table


class _Grouped:
    """One table's rows streamed in note order, the note's id first in each row;
    `take(sid)` gives the rows of note `sid` without that id (notes asked for in ascending
    order, those never asked for skipped). Rows are fetched and grouped in C (`fetchmany`,
    `groupby`): the Python work is per note, not per row."""

    def __init__(self, db: Any, sql: str) -> None:
        cursor = db.execute(sql)
        rows = chain.from_iterable(iter(lambda: cursor.fetchmany(_FETCH), []))
        self._groups = groupby(rows, itemgetter(0))
        self._head = next(self._groups, None)

    def take(self, sid: int) -> list[tuple[Any, ...]]:
        while self._head is not None and self._head[0] < sid:
            self._head = next(self._groups, None)
        if self._head is None or self._head[0] != sid:
            return []
        rows = [r[1:] for r in self._head[1]]
        self._head = next(self._groups, None)
        return rows


def note_digests(db: Any, forms: Mapping[int, int], *, only: bool = False
                 ) -> Iterator[tuple[int, str | None]]:
    """(session id, digest in its form) for each session of `forms`, in ascending id order;
    None for a session that does not exist. One query per table, whatever the number:
    over the whole table (`check`), or with `only` over the rows of these sessions (a
    course summary's notes)."""
    if not forms:
        return
    high = max(forms.values(), default=LATEST_FORM)

    def where(column: str) -> str:
        return f" WHERE {column} IN ({','.join(str(int(i)) for i in forms)})" if only else ""

    sessions = _Grouped(db, f"SELECT id, {', '.join(SESSION_COLS)} FROM sessions"
                            f"{where('id')} ORDER BY id")
    fields = _Grouped(db, f"SELECT session_id, field_id, value FROM session_fields"
                          f"{where('session_id')} ORDER BY session_id, field_id")
    dosing = {table: _Grouped(db, f"SELECT session_id, {', '.join(cols)} FROM {table}"
                                  f"{where('session_id')} ORDER BY session_id, {cols[0]}")
              for table, cols in ((t, dosing_columns(t, high)) for t in DOSING)}
    course = {name: _Grouped(db, f"SELECT {key}, {', '.join(cols)} FROM {table}"
                                 f"{where(key) or f' WHERE {key} IS NOT NULL'}"
                                 f" ORDER BY {key}, id")
              for name, (table, key, cols) in COURSE_ROWS.items()} if high >= 2 else {}
    templates = ({(r[0], r[1]): template_hash(r[2]) for r in db.execute(
        "SELECT template_id, version, definition FROM template_snapshots").fetchall()}
        if high >= 3 else {})
    for sid in sorted(forms):
        form = forms[sid]
        found = sessions.take(sid)
        if not found:
            yield sid, None
            continue
        row = found[0]
        rows = NoteRows(
            session=row,
            fields=[(r[0], r[1]) for r in fields.take(sid)],
            # Form 1 printed fewer vitals columns: the leading ones are the same.
            dosing={table: [r[:len(dosing_columns(table, form))] for r in g.take(sid)]
                    for table, g in dosing.items()},
            course={name: g.take(sid) for name, g in course.items()},
            template=templates.get((row[7], row[8])))
        yield sid, digest_of(rows, form)


def problems(db: Any, found: list[Seal] | None = None) -> list[str]:
    """Every signed note and addendum checked against its seal (empty when all hold);
    `found` is `seals_of(db)` when the caller has read it already."""
    key = derived_key(db, PURPOSE_SEAL)
    if key is None:
        return []  # an old vault: the audit check reports it as not upgraded
    out: list[str] = []
    by_session: dict[int, dict[int, Seal]] = {}
    for s in seals_of(db) if found is None else found:
        if not hmac.compare_digest(s.mac, seal_mac(key, s)):
            out.append(f"the seal of note {s.session_id} (entry {s.addendum_id}) was altered")
        by_session.setdefault(s.session_id, {})[s.addendum_id] = s
    signed = {int(r[0]): r[1] is not None for r in db.execute(
        "SELECT id, signed_at FROM sessions").fetchall()}
    for sid, is_signed in signed.items():
        if is_signed and sid not in by_session:
            out.append(f"note {sid} is marked signed but has no seal (signed outside KAP "
                       "Notes, or its seal was removed)")
    forms = {sid: seals[NOTE].form for sid, seals in by_session.items()
             if signed.get(sid) and REMOVED not in seals and NOTE in seals}
    digests = _digests(db, forms, {sid: by_session[sid][NOTE].digest for sid in forms})
    addenda = _addenda_by_session(db)
    for sid, seals in sorted(by_session.items()):
        out.extend(_session_problems(sid, seals, signed, digests.get(sid),
                                     addenda.get(sid, [])))
    return out


# Fewer notes than this that SQLite rendered differently are recomputed one by one.
_ONE_BY_ONE = 500


def sealed_digests(db: Any, forms: Mapping[int, int], sealed: Mapping[int, str | None]
                   ) -> dict[int, str | None]:
    """`note_digests(db, forms, only=True)` as a dict, for a few notes (a course summary's):
    rendered by SQLite as `check` renders them (`_rendered`), and any note whose digest does
    not match its seal in `sealed` (a changed note, a draft, an unreadable value) computed
    again by `note_digests`, so what is given is always the Python path's digest, and a
    changed note is found as surely. ~60 notes: ~2 ms, where the Python path took ~6."""
    out = _rendered(db, forms, listed=True)
    # A note without a note seal is not rendered by SQLite (it joins on note_seals): it and
    # every note that does not match its seal are the Python path's.
    again = {sid: forms[sid] for sid in sorted(forms)
             if sealed.get(sid) is None or out.get(sid) != sealed[sid]}
    out.update(note_digests(db, again, only=True))
    return out


def _digests(db: Any, forms: Mapping[int, int], sealed: Mapping[int, str]
             ) -> dict[int, str | None]:
    """Each note's digest now (`_rendered`); a note whose digest does not match its seal is
    recomputed by the Python path before it counts as changed (None: its stored content
    cannot be read)."""
    out = _rendered(db, forms)
    again = {sid: form for sid, form in forms.items() if out.get(sid) != sealed.get(sid)}
    if len(again) < _ONE_BY_ONE:
        out.update({sid: _one(db, sid, form) for sid, form in again.items()})
    else:
        out.update(note_digests(db, again))
    return out


def _rendered(db: Any, forms: Mapping[int, int], *, listed: bool = False
              ) -> dict[int, str | None]:
    """The digests of the notes of `forms` (id → form) as SQLite renders their documents
    (kapnotes.storage.seal_sql), their fields from one scan; empty when a value cannot be
    rendered (the Python path then decides). `listed`: only these notes are read (a few),
    not every note sealed in their forms."""
    out: dict[int, str | None] = {}
    templates = {(r[0], r[1]): template_hash(r[2]) for r in db.execute(
        "SELECT template_id, version, definition FROM template_snapshots").fetchall()}
    try:
        for form in sorted(set(forms.values())):
            ids = sorted(sid for sid, f in forms.items() if f == form) if listed else None
            where = f" WHERE session_id IN ({','.join(map(str, ids))})" if ids else ""
            fields = _Grouped(db, "SELECT session_id, field_id, value FROM session_fields"
                                  f"{where} ORDER BY session_id, field_id")
            for sid, digest in seal_sql.digests(db, form, functools.partial(_fields, fields),
                                                templates, only=ids):
                if forms.get(sid) == form:
                    out[sid] = digest
    except VaultUnavailableError:  # e.g. a value JSON cannot hold: the Python path says
        out = {}
    return out


def _fields(fields: _Grouped, sid: int) -> str:
    try:
        return fields_text(fields.take(sid))
    except ValueError:  # not JSON: no seal was made over it; the Python path decides
        return '"(unreadable)"'


def _one(db: Any, sid: int, form: int) -> str | None:
    try:
        return note_digest(db, sid, form)
    except ValueError:  # a stored value that is not JSON: not what was signed
        return None


def _addenda_by_session(db: Any) -> dict[int, list[tuple[int, str, str, str]]]:
    out: dict[int, list[tuple[int, str, str, str]]] = {}
    for r in db.execute("SELECT session_id, id, text, author, created_at FROM addenda"
                        " ORDER BY session_id, id").fetchall():
        out.setdefault(int(r[0]), []).append((int(r[1]), r[2], r[3], r[4]))
    return out


def _session_problems(sid: int, seals: dict[int, Seal], signed: dict[int, bool],
                      digest: str | None, addenda: list[tuple[int, str, str, str]]
                      ) -> list[str]:
    if sid not in signed:
        if REMOVED in seals:
            return []
        return [f"signed note {sid} was deleted outside KAP Notes"]
    if REMOVED in seals:
        return [f"note {sid} was recorded as removed with its client but is still present"]
    if not signed[sid]:
        return [f"note {sid} was signed but its signature was cleared"]
    if NOTE not in seals:
        return [f"note {sid} has addendum seals but no seal of its own"]
    out = []
    current = seals[NOTE].digest
    if digest != current:
        out.append(f"signed note {sid} was changed after signing (content, signer or time "
                   "differ from its seal)")
    present = set()
    for addendum in addenda:
        present.add(addendum[0])
        current = addendum_digest(current, addendum)
        seal = seals.get(addendum[0])
        if seal is None:
            out.append(f"addendum {addendum[0]} of note {sid} was added outside KAP Notes")
        elif seal.digest != current:
            out.append(f"addendum {addendum[0]} of note {sid} was changed")
            current = seal.digest
    for aid in sorted(set(seals) - present - {NOTE}):
        out.append(f"addendum {aid} of note {sid} was deleted")
    return out
