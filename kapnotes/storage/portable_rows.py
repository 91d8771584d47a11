"""Raw rows for the portable JSON export and import: every table a client's record spans.

The portable format (docs/DATA-FORMAT.md) names records by natural keys, not row ids; the
services layer maps ids to keys and back. This module only moves rows: it reads them as dicts
(ids and link columns included, booleans as bool, JSON columns parsed) and inserts dicts.
All SQL is here, with table and column names taken only from the fixed table below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kapnotes.storage.vault import Vault

# Column kinds: "v" stored as is, "b" 0/1 ⇄ bool (None stays None), "j" JSON text ⇄ value,
# "n" a REAL that reads back as int when whole (a total of 14 is 14, a mean 1.5 stays 1.5).
Col = tuple[str, str]


@dataclass(frozen=True)
class Table:
    name: str
    id_col: str | None  # None: the row has no id of its own
    links: tuple[str, ...]  # id columns the services layer maps to natural keys
    cols: tuple[Col, ...]  # exported columns, in a fixed order
    order: str  # deterministic order; ties broken by id so import order is kept


def _v(*names: str) -> tuple[Col, ...]:
    return tuple((n, "v") for n in names)


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("clients", "id", (), (
        *_v("code", "full_name", "preferred_name", "date_of_birth", "phone", "email",
            "address", "support_person", "support_relationship", "support_phone",
            "referring_clinician", "prescriber", "diagnosis", "antidepressant_trials"),
        ("medicines", "j"), *_v("background", "other_names", "archived_at", "created_at",
                                "updated_at"),
    ), "code COLLATE NOCASE, id"),
    Table("screens", "id", ("client_id",),
          (*_v("screened_on", "screened_by"), ("medicines", "j"), ("created_at", "v")),
          "screened_on, id"),
    Table("screen_answers", None, ("screen_id",), _v("item", "answer", "note"), "item"),
    Table("measures", "id", ("client_id", "session_id"), (
        *_v("scale_id", "scale_version", "taken_on"), ("answers", "j"), ("total", "n"),
        ("total_only", "b"), ("band", "v"), ("flags", "j"), ("unknown_flags", "j"),
        ("risk_level", "v"), ("risk", "b"), ("entered_at", "v"),
    ), "taken_on, id"),
    Table("courses", "id", ("client_id",), _v(
        "protocol", "title", "start_date", "prescriber", "status", "status_reason",
        "maintenance_interval_weeks", "dose_interval_weeks", "created_at", "updated_at"),
        "id"),
    Table("planned_slots", "id", ("course_id", "session_id"), (
        *_v("seq", "kind", "planned_date", "original_date", "label", "dose_number"),
        ("skipped", "b"), ("change_reason", "v"),
    ), "seq, id"),
    Table("intentions", "id", ("course_id", "source_session_id", "revised_from"), _v(
        "text", "set_on", "status", "source_field_id", "position", "status_changed_at",
        "created_at"), "id"),
    Table("sessions", "id", ("course_id", "linked_dosing_id"), _v(
        "kind", "starts_at", "duration_min", "clinician", "modality", "template_id",
        "template_version", "signed_at", "signed_by", "sign_reason", "created_at",
        "updated_at"), "starts_at, id"),
    Table("session_fields", None, ("session_id",), (("field_id", "v"), ("value", "j")),
          "field_id"),
    Table("addenda", "id", ("session_id",), _v("text", "author", "created_at"),
          "created_at, id"),
    Table("monitoring_records", None, ("session_id",), (
        *_v("medication", "route", "dose_mg", "weight_kg", "lot_number",
            "monitoring_clinician", "setting"),
        ("fasting_food", "b"), ("fasting_liquids", "b"), ("screen_reviewed", "b"),
        ("predose_vitals_ok", "b"), ("respiratory_depression", "b"), ("interventions", "v"),
        ("ended_at", "v"), ("ready_to_leave_minutes", "v"), ("discharge_vitals_ok", "b"),
        ("escort", "v"), ("no_driving_advised", "b"), ("updated_at", "v"),
        ("infusion_end_at", "v"),
    ), "session_id"),
    Table("device_times", "id", ("session_id",), _v("given_at"), "given_at, id"),
    Table("consent_records", "id", ("client_id",), (
        *_v("template_id", "template_version", "signed_on", "review_on", "withdrawn_on",
            "withdrawal_reason", "recorded_at"),), "signed_on, id"),
    Table("session_events", "id", ("session_id",), _v("kind", "at", "text", "entered_at"),
          "at, id"),
    Table("dose_boosters", "id", ("session_id",), (("given_at", "v"), ("dose_mg", "n")),
          "given_at, id"),
    Table("rule_overrides", "id", ("session_id",), _v(
        "rule_id", "message", "reason", "given_by", "given_at"), "given_at, id"),
    Table("client_weights", "id", ("client_id",), (
        ("measured_on", "v"), ("weight_kg", "n"), ("entered_value", "n"),
        ("entered_unit", "v"), ("recorded_at", "v")), "measured_on, id"),
    Table("vitals_readings", "id", ("session_id",), (
        *_v("taken_at", "role", "systolic", "diastolic", "heart_rate", "spo2"),
        ("confirmed_unusual", "b"), *_v("entered_at", "struck_at", "change_reason"),
    ), "taken_at, id"),
    Table("sedation_observations", "id", ("session_id",), _v(
        "observed_at", "moaas", "dissociation", "cadss_total", "note"), "observed_at, id"),
    Table("adverse_effects", "id", ("session_id",), (
        *_v("effect", "severity", "note"), ("serious", "b"), ("recorded_at", "v"),
    ), "recorded_at, id"),
    Table("screening_acks", "id", ("session_id",), (
        *_v("acknowledged_at", "acknowledged_by"), ("warnings", "j"),
    ), "acknowledged_at, id"),
    Table("intention_reviews", "id", ("intention_id", "session_id"), _v(
        "field_id", "progress", "note", "position"), "position, id"),
    Table("theme_mentions", "id", ("theme_id", "session_id"), _v(
        "field_id", "position", "evidence", "written_as"), "field_id, position"),
    Table("themes", "id", (), (("name", "v"), ("pinned", "b")), "name COLLATE NOCASE, id"),
)}

# Columns the importer writes besides the exported ones (derived, or set at import).
_EXTRA_WRITE = {"session_fields": ("search_text", "updated_at")}


def _read_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "b":
        return bool(value)
    if kind == "j":
        return json.loads(value)
    if kind == "n":
        return int(value) if float(value).is_integer() else float(value)
    return value


def _write_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "b":
        return int(bool(value))
    if kind == "j":
        return json.dumps(value, ensure_ascii=False)
    return value


def select(vault: Vault, table: str, where: str | None = None,
           value: object = None) -> list[dict[str, Any]]:
    """Rows of `table` (all, or those whose link column `where` equals `value`), in order."""
    t = TABLES[table]
    heads = [c for c in (t.id_col, *t.links) if c]
    names = [*heads, *(c for c, _ in t.cols)]
    sql = f"SELECT {', '.join(names)} FROM {t.name}"
    params: tuple[object, ...] = ()
    if where is not None:
        if where not in t.links:
            raise ValueError(f"{where} is not a link column of {table}")
        sql += f" WHERE {where} = ?"
        params = (value,)
    rows = []
    for raw in vault.query(f"{sql} ORDER BY {t.order}", params):
        row = dict(zip(heads, raw[:len(heads)], strict=True))
        for (name, kind), v in zip(t.cols, raw[len(heads):], strict=True):
            row[name] = _read_value(kind, v)
        rows.append(row)
    return rows


def insert(vault: Vault, table: str, row: dict[str, Any]) -> int:
    """Insert one row (exported columns, link columns, allowed extras); returns its rowid."""
    t = TABLES[table]
    kinds = dict(t.cols)
    allowed = {*kinds, *t.links, *_EXTRA_WRITE.get(table, ())}
    unknown = set(row) - allowed
    if unknown:
        raise ValueError(f"not columns of {table}: {sorted(unknown)}")
    names = list(row)
    values = tuple(_write_value(kinds.get(n, "v"), row[n]) for n in names)
    cur = vault.execute(
        f"INSERT INTO {t.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        values,
    )
    return int(cur.lastrowid)


def set_revised_from(vault: Vault, intention_id: int, revised_from: int | None) -> None:
    vault.execute("UPDATE intentions SET revised_from = ? WHERE id = ?",
                  (revised_from, intention_id))


def set_linked_dosing(vault: Vault, session_id: int, dosing_id: int) -> None:
    vault.execute("UPDATE sessions SET linked_dosing_id = ? WHERE id = ?", (dosing_id, session_id))


def is_signed(vault: Vault, session_id: int) -> bool:
    row = vault.query_one("SELECT signed_at IS NOT NULL FROM sessions WHERE id = ?",
                          (session_id,))
    return bool(row and row[0])


def sign_imported(vault: Vault, session_id: int, *, signed_at: str, signed_by: str,
                  sign_reason: str, updated_at: str) -> None:
    """Mark a session signed after its content went in (the triggers lock it from here on)."""
    vault.execute(
        "UPDATE sessions SET signed_at = ?, signed_by = ?, sign_reason = ?, updated_at = ?"
        " WHERE id = ? AND signed_at IS NULL",
        (signed_at, signed_by, sign_reason, updated_at, session_id),
    )


def theme_ids(vault: Vault) -> dict[str, int]:
    """Theme name (case folded) → id; names are unique ignoring case."""
    return {name.casefold(): tid for tid, name in vault.query("SELECT id, name FROM themes")}


def set_theme_pinned(vault: Vault, theme_id: int, pinned: bool) -> None:
    vault.execute("UPDATE themes SET pinned = ? WHERE id = ?", (int(pinned), theme_id))


def delete_theme(vault: Vault, theme_id: int) -> None:
    vault.execute("DELETE FROM themes WHERE id = ?", (theme_id,))


def insert_theme(vault: Vault, name: str, *, pinned: bool, created_at: str) -> int:
    cur = vault.execute("INSERT INTO themes (name, pinned, created_at) VALUES (?, ?, ?)",
                        (name, int(pinned), created_at))
    return int(cur.lastrowid)


def client_count(vault: Vault) -> int:
    return int(vault.query_one("SELECT count(*) FROM clients")[0])


def client_id_by_code(vault: Vault, code: str) -> int | None:
    row = vault.query_one("SELECT id FROM clients WHERE code = ?", (code,))
    return int(row[0]) if row else None


def template_snapshot(vault: Vault, template_id: str, version: int) -> str | None:
    row = vault.query_one(
        "SELECT definition FROM template_snapshots WHERE template_id = ? AND version = ?",
        (template_id, version))
    return row[0] if row else None


def template_snapshots(vault: Vault) -> list[tuple[str, int, str, str]]:
    return [(r[0], r[1], r[2], r[3]) for r in vault.query(
        "SELECT template_id, version, kind, definition FROM template_snapshots ORDER BY 1, 2")]


def put_template_snapshot(vault: Vault, template_id: str, version: int, kind: str,
                          definition: str) -> None:
    vault.execute(
        "INSERT OR IGNORE INTO template_snapshots (template_id, version, kind, definition)"
        " VALUES (?, ?, ?, ?)", (template_id, version, kind, definition))
