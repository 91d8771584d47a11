"""Seals of signed notes: a digest of what was signed, and of each addendum after it.

At signing, the note's canonical content (its session row as signed: when, kind, template id
and version, signer, time and reason; every field value; the dosing record printed with it:
monitoring record, device times, vitals with their confirmation, strike and correction,
observations, adverse effects, acknowledgements, boosters and rule overrides; and the course
rows derived from its fields: intentions it set, intention reviews and theme mentions) is
hashed with SHA-256 into a digest, and the digest is authenticated with an HMAC under a key
derived from the vault's integrity key (kapnotes.storage.vault_secrets). Each addendum gets its
own seal whose digest chains the previous one with the addendum's text, author and time, so an
addendum cannot be removed, reordered or reworded without breaking the chain. The newest
digest of a note is its "seal": PDFs print it short, so a copy already sent can be compared
with the vault.

The canonical content is versioned: a seal records the `form` it was made with (m011), and
the note is always re-hashed in that form, so seals made before a form grew stay valid.
Form 1 (m007) left out the vitals columns of m009 and the derived course rows; form 2 covers
them; form 3 adds a digest of the template version's wording as the vault keeps it
(`template_snapshots`). A note keeps the form it was sealed in (docs/RELIABILITY.md names
the residual risk).

`kapnotes check` recomputes every digest from the rows as they are now and reports any note
or addendum changed, added, unsigned or deleted behind the app (kapnotes.storage.seal_check,
all notes at once). `db` is a Vault or a raw connection (the migration seals existing
notes): anything with `execute`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C string scanner
from json.encoder import encode_basestring  # its C escaper
from typing import Any

from kapnotes.storage.vault_secrets import PURPOSE_SEAL, derived_key

NOTE = 0  # addendum_id of the note's own seal
REMOVED = -1  # addendum_id of the mark a deliberate client deletion leaves
SESSION_COLS = ("id", "course_id", "kind", "starts_at", "duration_min", "clinician",
                 "modality", "template_id", "template_version", "signed_at", "signed_by",
                 "sign_reason")
# The dosing record printed with the note and locked with it (m002, m006). Named columns, not
# `*`: a later schema step that adds a column must not change the digest of a sealed note.
DOSING: dict[str, tuple[str, ...]] = {
    "monitoring_records": (
        "medication", "route", "dose_mg", "weight_kg", "lot_number", "monitoring_clinician",
        "setting", "fasting_food", "fasting_liquids", "screen_reviewed", "predose_vitals_ok",
        "respiratory_depression", "interventions", "ended_at", "ready_to_leave_minutes",
        "discharge_vitals_ok", "escort", "no_driving_advised", "infusion_end_at"),
    "device_times": ("id", "given_at"),
    "vitals_readings": ("id", "taken_at", "role", "systolic", "diastolic", "heart_rate",
                        "spo2"),
    "sedation_observations": ("id", "observed_at", "moaas", "dissociation", "cadss_total",
                              "note"),
    "adverse_effects": ("id", "effect", "severity", "note", "serious", "recorded_at"),
    "screening_acks": ("id", "acknowledged_at", "acknowledged_by", "warnings"),
    "dose_boosters": ("id", "given_at", "dose_mg"),
    "rule_overrides": ("id", "rule_id", "message", "reason", "given_by", "given_at"),
}


# Form 2 adds what later schema steps and the course rows show with the note. The derived
# rows keep out what the app changes after signing on purpose: an intention's status (achieved,
# let go) and a mention's theme_id (a theme renamed or merged; `written_as` keeps the word).
_VITALS_FORM2 = ("confirmed_unusual", "entered_at", "struck_at", "change_reason",
                 "corrects_id")
# name → (table, the column naming the note, columns), each table's rows in id order.
COURSE_ROWS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "intentions_set": ("intentions", "source_session_id",
                       ("id", "text", "source_field_id", "set_on")),
    "intention_reviews": ("intention_reviews", "session_id",
                          ("id", "intention_id", "field_id", "progress", "note", "position")),
    "theme_mentions": ("theme_mentions", "session_id",
                       ("id", "field_id", "position", "evidence", "written_as")),
}
FORMS = (1, 2, 3)
LATEST_FORM = FORMS[-1]


@dataclass(frozen=True)
class Seal:
    session_id: int
    addendum_id: int
    digest: str
    mac: str
    sealed_at: str
    form: int = 1


# One encoder for every digest: `json.dumps` with these options builds a new one per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _canonical(doc: object) -> bytes:
    return _CANONICAL.encode(doc).encode("utf-8")


def fields_text(fields: list[tuple[str, str]]) -> str:
    """A note's fields as the canonical document writes them: `{"id":value,...}`, ids
    sorted, each stored JSON value decoded and encoded again as `_canonical` would."""
    return "{" + ",".join(encode_basestring(fid) + ":" + _value_text(text)
                          for fid, text in sorted(fields)) + "}"


# A list of strings as `json.dumps` stores a multiple choice: `["a", "b"]`, no escapes.
_PLAIN_LIST = re.compile(r'\[(?:"[^"\\]*"(?:, ?"[^"\\]*")*)?\]')


def _value_text(text: str) -> str:
    """One stored field value as the canonical document writes it. The two shapes nearly
    every value has (one string, a list of strings, neither with escapes) are rewritten by
    string operations; anything else is decoded and encoded again. A text is taken as it
    is only when it is exactly one string: `"a","f2":"b"` must not pass for two fields.
    A raw control character left in a string is never in a canonical text (the encoder
    escapes it), so such a value gives a digest that cannot match, as invalid JSON must."""
    if "\\" not in text:
        if text[:1] == '"' and text[-1:] == '"' and text.count('"') == 2:
            return text
        if text[:1] == "[" and _PLAIN_LIST.fullmatch(text):
            # Matched: every other quote opens a string, so the odd parts are the strings.
            strings = text.split('"')[1::2]
            return '["' + '","'.join(strings) + '"]' if strings else "[]"
    if text[:1] == '"':  # one JSON string: scanned and escaped again by the C functions
        value, end = scanstring(text, 1, True)
        if end == len(text):
            return str(encode_basestring(value))
    return _CANONICAL.encode(json.loads(text))


def _value(text: str) -> Any:
    """A stored field value decoded, as `json.loads` decodes it. Most values are one JSON
    string: the C string scanner alone reads those (json.loads' own overhead per call was
    most of the cost over ~340,000 fields); anything else, or anything more than one string,
    goes through `json.loads`."""
    if text[:1] == '"':
        value, end = scanstring(text, 1, True)
        if end == len(text):
            return value
    return json.loads(text)


def _rows(db: Any, sql: str, session_id: int) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db.execute(sql, (session_id,)).fetchall()]


def dosing_columns(table: str, form: int) -> tuple[str, ...]:
    cols = DOSING[table]
    return cols + _VITALS_FORM2 if form >= 2 and table == "vitals_readings" else cols


@dataclass(frozen=True)
class NoteRows:
    """A note's signed content as rows: what its digest is computed from. Each list holds
    the table's rows for the note in id order (the dosing tables in `dosing_columns` of the
    form; the course rows in `COURSE_ROWS` columns); `template` is the SHA-256 of the
    stored template wording (None: no snapshot)."""

    session: tuple[Any, ...]
    fields: list[tuple[str, str]]
    dosing: dict[str, list[tuple[Any, ...]]]
    course: dict[str, list[tuple[Any, ...]]]
    template: str | None


def template_hash(definition: str) -> str:
    return hashlib.sha256(definition.encode("utf-8")).hexdigest()


def digest_of(rows: NoteRows, form: int) -> str:
    """SHA-256 of the canonical document of `rows` in form `form` (one place for the
    per-note and the batched paths, so both give the same digest)."""
    if form not in FORMS:
        raise ValueError(f"unknown seal form {form}")
    dosing = {table: [dict(zip(dosing_columns(table, form), r, strict=True))
                      for r in rows.dosing.get(table, ())] for table in DOSING}
    session = dict(zip(SESSION_COLS, rows.session, strict=True))
    doc: dict[str, Any] = {"format": f"kapnotes-note-seal/{form}", "session": session,
                           "fields": {fid: _value(value) for fid, value in rows.fields},
                           "dosing": dosing}
    if form >= 2:
        doc["course"] = {name: [dict(zip(cols, r, strict=True))
                                for r in rows.course.get(name, ())]
                         for name, (_table, _key, cols) in COURSE_ROWS.items()}
    if form >= 3:  # the stored wording of the template version: labels, options, headings
        doc["template"] = rows.template
    return hashlib.sha256(_canonical(doc)).hexdigest()


def note_digest(db: Any, session_id: int, form: int = LATEST_FORM) -> str | None:
    """SHA-256 of the note's signed content as stored now, in canonical form `form`
    (None: no such session). `kapnotes check` computes every note's at once
    (kapnotes.storage.seal_check); this reads one note."""
    if form not in FORMS:
        raise ValueError(f"unknown seal form {form}")
    row = db.execute(f"SELECT {', '.join(SESSION_COLS)} FROM sessions WHERE id = ?",
                     (session_id,)).fetchone()
    if row is None:
        return None
    fields = [(r[0], r[1]) for r in db.execute(
        "SELECT field_id, value FROM session_fields WHERE session_id = ? ORDER BY field_id",
        (session_id,)).fetchall()]
    dosing = {table: _rows(db, f"SELECT {', '.join(dosing_columns(table, form))} FROM {table}"
                           " WHERE session_id = ? ORDER BY 1", session_id)
              for table in DOSING}
    course = {name: _rows(db, f"SELECT {', '.join(cols)} FROM {table} WHERE {key} = ?"
                              " ORDER BY id", session_id)
              for name, (table, key, cols) in COURSE_ROWS.items()} if form >= 2 else {}
    snap = None
    if form >= 3:
        snap = db.execute("SELECT definition FROM template_snapshots WHERE template_id = ?"
                          " AND version = ?", (row[7], row[8])).fetchone()
    return digest_of(NoteRows(tuple(row), fields, dosing, course,
                              template_hash(snap[0]) if snap is not None else None), form)


def _addenda(db: Any, session_id: int) -> list[tuple[int, str, str, str]]:
    return [(int(r[0]), r[1], r[2], r[3]) for r in db.execute(
        "SELECT id, text, author, created_at FROM addenda WHERE session_id = ? ORDER BY id",
        (session_id,)).fetchall()]


def addendum_digest(previous: str, addendum: tuple[int, str, str, str]) -> str:
    aid, text, author, created_at = addendum
    doc = {"previous": previous, "id": aid, "text": text, "author": author,
           "created_at": created_at}
    return hashlib.sha256(_canonical(doc)).hexdigest()


def _mac(key: bytes, session_id: int, addendum_id: int, digest: str, sealed_at: str,
         form: int = 1) -> str:
    # Form 1's message is kept as it was (stored seals must verify); later forms bind the form
    # too, so a seal cannot be passed off as made in another form.
    message = f"{session_id}:{addendum_id}:{digest}:{sealed_at}"
    if form != 1:
        message += f":form{form}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def seal_mac(key: bytes, s: Seal) -> str:
    return _mac(key, s.session_id, s.addendum_id, s.digest, s.sealed_at, s.form)


def _has_form_column(db: Any) -> bool:
    """Whether note_seals records the form (m011); during m007 it does not yet."""
    return any(r[1] == "form" for r in db.execute("PRAGMA table_info(note_seals)").fetchall())


def _key(db: Any) -> bytes:
    key = derived_key(db, PURPOSE_SEAL)
    if key is None:
        raise RuntimeError("this vault has no integrity key yet (schema before 7)")
    return key


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def seals_of(db: Any, session_id: int | None = None, *,
             session_ids: Iterable[int] | None = None) -> list[Seal]:
    """The seals of one note, of the notes `session_ids`, or of every note."""
    form = "form" if _has_form_column(db) else "1"
    sql = f"SELECT session_id, addendum_id, digest, mac, sealed_at, {form} FROM note_seals"
    params: tuple[object, ...] = ()
    if session_id is not None:
        sql += " WHERE session_id = ?"
        params = (session_id,)
    elif session_ids is not None:
        sql += f" WHERE session_id IN ({','.join(str(int(i)) for i in session_ids)})"
    return [Seal(int(r[0]), int(r[1]), r[2], r[3], r[4], int(r[5]))
            for r in db.execute(sql + " ORDER BY session_id, addendum_id", params).fetchall()]


def _insert(db: Any, key: bytes, session_id: int, addendum_id: int, digest: str,
            form: int = 1) -> None:
    at = _now()
    mac = _mac(key, session_id, addendum_id, digest, at, form)
    if form == 1:  # the column's default; m007 seals before the column exists
        db.execute("INSERT INTO note_seals (session_id, addendum_id, digest, mac, sealed_at)"
                   " VALUES (?, ?, ?, ?, ?)", (session_id, addendum_id, digest, mac, at))
    else:
        db.execute("INSERT INTO note_seals (session_id, addendum_id, digest, mac, sealed_at,"
                   " form) VALUES (?, ?, ?, ?, ?, ?)",
                   (session_id, addendum_id, digest, mac, at, form))


def seal_session(db: Any, session_id: int) -> str:
    """Seal a signed note and any addenda not sealed yet (inside the caller's transaction);
    returns the note's newest digest."""
    key = _key(db)
    have = {s.addendum_id: s for s in seals_of(db, session_id)}
    if NOTE in have:
        current, form = have[NOTE].digest, have[NOTE].form
    else:
        form = LATEST_FORM if _has_form_column(db) else 1
        digest = note_digest(db, session_id, form)
        if digest is None:
            raise RuntimeError(f"session {session_id} does not exist")
        _insert(db, key, session_id, NOTE, digest, form)
        current = digest
    for addendum in _addenda(db, session_id):
        if addendum[0] in have:
            current = have[addendum[0]].digest
            continue
        current = addendum_digest(current, addendum)
        _insert(db, key, session_id, addendum[0], current, form)
    return current


def mark_removed(db: Any, session_ids: list[int]) -> None:
    """Before a deliberate deletion (a client and all their records): mark each sealed note
    as removed on purpose, so `check` does not report it as deleted behind the app."""
    key = _key(db)
    sealed = {s.session_id for s in seals_of(db)}
    for sid in session_ids:
        if sid in sealed:
            _insert(db, key, sid, REMOVED, "removed")


def short(digest: str) -> str:
    """The first 64 bits of a digest in four groups, as printed in PDFs."""
    head = digest[:16].upper()
    return " ".join(head[i:i + 4] for i in range(0, 16, 4))


def current_seal(db: Any, session_id: int) -> tuple[str, str, bool] | None:
    """(digest of the note now, newest digest with its addenda now, whether both match the
    seals made at signing) of a signed note; None for a draft.

    Computed from the rows as they are, not copied from the seal: a PDF of an altered note
    must print a different digest from a copy made before the change."""
    row = db.execute("SELECT signed_at FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None or row[0] is None:
        return None
    stored = [s for s in seals_of(db, session_id) if s.addendum_id >= 0]
    # Re-hashed in the form it was sealed in, so the digest matches copies already sent.
    form = stored[0].form if stored and stored[0].addendum_id == NOTE else LATEST_FORM
    as_signed = note_digest(db, session_id, form) or ""
    newest = as_signed
    for addendum in _addenda(db, session_id):
        newest = addendum_digest(newest, addendum)
    key = derived_key(db, PURPOSE_SEAL)
    intact = (key is not None and bool(stored) and stored[0].addendum_id == NOTE
              and stored[0].digest == as_signed and stored[-1].digest == newest
              and len(stored) == 1 + len(_addenda(db, session_id))
              and all(hmac.compare_digest(s.mac, seal_mac(key, s)) for s in stored))
    return as_signed, newest, intact
