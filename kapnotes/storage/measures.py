"""Stored rating-scale administrations (totals, bands and flags as computed when entered)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from kapnotes.domain.course_items import Measure
from kapnotes.domain.errors import NotFoundError
from kapnotes.domain.scale_model import Flag, ScoreResult
from kapnotes.storage.rows import date_text, now_utc_text, to_date, to_datetime
from kapnotes.storage.vault import Vault

_COLS = (
    "id, client_id, scale_id, scale_version, taken_on, session_id, answers, total, total_only,"
    " band, flags, unknown_flags, risk_level, risk, entered_at, dose_timing"
)


def _flags(text: str) -> tuple[Flag, ...]:
    return tuple(Flag(f["code"], f["label"], f["severity"]) for f in json.loads(text))


def _flags_json(flags: tuple[Flag, ...]) -> str:
    return json.dumps([{"code": f.code, "label": f.label, "severity": f.severity}
                       for f in flags], ensure_ascii=False)


def _total(value: float | None) -> int | float | None:
    # Stored as REAL so mean-scored scales keep their fraction; sums come back as ints.
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _measure(row: Any) -> Measure:
    return Measure(
        id=row[0], client_id=row[1], scale_id=row[2], scale_version=row[3],
        taken_on=to_date(row[4]) or date.min, session_id=row[5],
        answers=json.loads(row[6]) if row[6] is not None else None, total=_total(row[7]),
        total_only=bool(row[8]), band=row[9], flags=_flags(row[10]),
        unknown_flags=_flags(row[11]), risk_level=row[12], risk=bool(row[13]),
        entered_at=to_datetime(row[14]) or datetime.min, dose_timing=row[15],
    )


def insert(vault: Vault, *, client_id: int, taken_on: date, session_id: int | None,
           result: ScoreResult, dose_timing: str | None = None) -> int:
    answers = None if result.total_only else json.dumps(dict(result.answers))
    cur = vault.execute(
        f"INSERT INTO measures ({_COLS.split(', ', 1)[1]}) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (client_id, result.scale_id, result.scale_version, date_text(taken_on), session_id,
         answers, result.total, int(result.total_only), result.band_label,
         _flags_json(result.flags), _flags_json(result.unknown_flags), result.risk_level,
         int(result.has_risk_flag), now_utc_text(), dose_timing),
    )
    return int(cur.lastrowid)


def get(vault: Vault, measure_id: int) -> Measure:
    row = vault.query_one(f"SELECT {_COLS} FROM measures WHERE id = ?", (measure_id,))
    if row is None:
        raise NotFoundError(f"Measure {measure_id} does not exist.")
    return _measure(row)


def for_client(vault: Vault, client_id: int, scale_id: str | None = None) -> list[Measure]:
    """Oldest first; same-day entries in the order they were entered."""
    sql = f"SELECT {_COLS} FROM measures WHERE client_id = ?"
    params: tuple[Any, ...] = (client_id,)
    if scale_id is not None:
        sql += " AND scale_id = ?"
        params += (scale_id,)
    return [_measure(r) for r in vault.query(sql + " ORDER BY taken_on, id", params)]


def for_sessions_of_course(vault: Vault, course_id: int) -> list[Measure]:
    return [_measure(r) for r in vault.query(
        f"SELECT {', '.join('m.' + c for c in _COLS.split(', '))} FROM measures m"
        " JOIN sessions s ON s.id = m.session_id WHERE s.course_id = ?"
        " ORDER BY m.taken_on, m.id", (course_id,))]


def delete(vault: Vault, measure_id: int) -> None:
    vault.execute("DELETE FROM measures WHERE id = ?", (measure_id,))
