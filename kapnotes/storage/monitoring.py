"""The monitoring record of a dosing session: details, device times, vitals, sedation and
dissociation observations, adverse effects.

Times are instants: written as UTC (`…+00:00`) and read back as aware local times, so the
minutes between two of them are real minutes across a daylight-saving change. Rows written
before schema step 009 hold local wall-clock text, read as local time.

The vault refuses every change here once the session is signed (triggers in m002).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kapnotes.domain.dosing_record import (
    CHECK_FIELDS,
    DeviceTime,
    DosingDetails,
    Medication,
    Route,
    StoredAdverseEffect,
    StoredObservation,
    StoredReading,
)
from kapnotes.domain.monitoring import (
    AdverseEffect,
    AdverseEffectEntry,
    Intensity,
    SedationObservation,
)
from kapnotes.domain.vitals import ReadingRole, VitalsReading
from kapnotes.storage.rows import now_utc_text, to_datetime
from kapnotes.storage.vault import Vault

_DETAIL_COLS = (
    "medication", "route", "dose_mg", "weight_kg", "lot_number", "monitoring_clinician",
    "setting", "fasting_food", "fasting_liquids", "screen_reviewed", "predose_vitals_ok",
    "respiratory_depression", "interventions", "ended_at", "ready_to_leave_minutes",
    "discharge_vitals_ok", "escort", "no_driving_advised", "infusion_end_at",
)


def instant(value: datetime) -> datetime:
    """An aware local time; a naive one is taken as local wall-clock time (Python's rule)."""
    return value.astimezone()


def time_text(value: datetime | None) -> str | None:
    return instant(value).astimezone(UTC).isoformat(timespec="seconds") if value else None


def to_instant(text: str | None) -> datetime | None:
    value = to_datetime(text)
    return None if value is None else instant(value)


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


# -- details --------------------------------------------------------------------------------
DETAIL_COLS = ", ".join(_DETAIL_COLS)


def get_details(vault: Vault, session_id: int) -> DosingDetails:
    """The stored details, or an empty record when nothing has been entered yet."""
    row = vault.query_one(
        f"SELECT {DETAIL_COLS} FROM monitoring_records WHERE session_id = ?", (session_id,))
    return details_from(session_id, row)


def details_from(session_id: int, row: Any) -> DosingDetails:
    """A `monitoring_records` row (DETAIL_COLS; None: no row yet) as the session's details."""
    if row is None:
        return DosingDetails(session_id=session_id)
    values = dict(zip(_DETAIL_COLS, row, strict=True))
    for name in CHECK_FIELDS:
        values[name] = _bool(values[name])
    values["medication"] = Medication(values["medication"]) if values["medication"] else None
    values["route"] = Route(values["route"]) if values["route"] else None
    values["ended_at"] = to_instant(values["ended_at"])
    values["infusion_end_at"] = to_instant(values["infusion_end_at"])
    return DosingDetails(session_id=session_id, **values)


def save_details(vault: Vault, d: DosingDetails) -> None:
    """Upsert the whole row (it is small; the service changes one value at a time)."""
    values: list[Any] = []
    for name in _DETAIL_COLS:
        value = getattr(d, name)
        if name in CHECK_FIELDS and value is not None:
            value = int(value)
        elif name in ("medication", "route") and value is not None:
            value = value.value
        elif name in ("ended_at", "infusion_end_at"):
            value = time_text(value)
        values.append(value)
    cols = ", ".join(_DETAIL_COLS)
    marks = ", ".join("?" * (len(_DETAIL_COLS) + 2))
    updates = ", ".join(f"{c} = excluded.{c}" for c in (*_DETAIL_COLS, "updated_at"))
    vault.execute(
        f"INSERT INTO monitoring_records (session_id, {cols}, updated_at) VALUES ({marks})"
        f" ON CONFLICT (session_id) DO UPDATE SET {updates}",
        (d.session_id, *values, now_utc_text()),
    )


# -- device times ---------------------------------------------------------------------------
def add_device(vault: Vault, session_id: int, at: datetime) -> int:
    cur = vault.execute(
        "INSERT INTO device_times (session_id, given_at) VALUES (?, ?)", (session_id, time_text(at))
    )
    return int(cur.lastrowid)


# The columns and order of each per-session read, also used by storage/dosing_batch.py.
DEVICE_READ = ("id, given_at", "given_at, id")


def devices(vault: Vault, session_id: int) -> list[DeviceTime]:
    cols, order = DEVICE_READ
    rows = vault.query(
        f"SELECT {cols} FROM device_times WHERE session_id = ? ORDER BY {order}", (session_id,))
    return [device_from(r) for r in rows]


def device_from(r: Any) -> DeviceTime:
    return DeviceTime(id=r[0], given_at=to_instant(r[1]) or instant(datetime.now()))


def delete_device(vault: Vault, device_id: int) -> None:
    vault.execute("DELETE FROM device_times WHERE id = ?", (device_id,))


# -- vitals ---------------------------------------------------------------------------------
def add_reading(vault: Vault, session_id: int, r: VitalsReading, *,
                entered_at: datetime | None = None, corrects_id: int | None = None) -> int:
    cur = vault.execute(
        "INSERT INTO vitals_readings (session_id, taken_at, role, systolic, diastolic,"
        " heart_rate, spo2, confirmed_unusual, entered_at, corrects_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (session_id, time_text(r.taken_at), r.role.value, r.systolic, r.diastolic,
         r.heart_rate, r.spo2, int(r.confirmed_unusual), time_text(entered_at), corrects_id),
    )
    return int(cur.lastrowid)


def strike_reading(vault: Vault, reading_id: int, at: datetime, reason: str) -> None:
    """Mark a reading struck (kept, no longer counted); its reason says why."""
    vault.execute("UPDATE vitals_readings SET struck_at = ?, change_reason = ? WHERE id = ?",
                  (time_text(at), reason, reading_id))


def reading_from(row: Any) -> StoredReading:
    return StoredReading(id=row[0], reading=VitalsReading(
        role=ReadingRole(row[2]), taken_at=to_instant(row[1]), systolic=row[3],
        diastolic=row[4], heart_rate=row[5], spo2=row[6], confirmed_unusual=bool(row[7]),
    ), entered_at=to_instant(row[8]), struck_at=to_instant(row[9]), change_reason=row[10],
        corrects_id=row[11])


_READING_COLS = ("id, taken_at, role, systolic, diastolic, heart_rate, spo2, confirmed_unusual,"
                 " entered_at, struck_at, change_reason, corrects_id")
CURRENT_READINGS = (_READING_COLS, "taken_at, id", " AND struck_at IS NULL")


def readings(vault: Vault, session_id: int, *, with_struck: bool = False
             ) -> list[StoredReading]:
    """Readings in the order taken (findings are the service's job); struck ones (the
    originals of corrections) only when asked for."""
    cols, order, current = CURRENT_READINGS
    rows = vault.query(
        f"SELECT {cols} FROM vitals_readings WHERE session_id = ?"
        f"{'' if with_struck else current} ORDER BY {order}", (session_id,),
    )
    return [reading_from(r) for r in rows]


def get_reading(vault: Vault, reading_id: int) -> StoredReading | None:
    row = vault.query_one(f"SELECT {_READING_COLS} FROM vitals_readings WHERE id = ?",
                          (reading_id,))
    return None if row is None else reading_from(row)


def vitals_for_sessions(vault: Vault, session_ids: list[int]
                        ) -> dict[int, list[VitalsReading]]:
    """The current readings of each session, in the order taken, as bare readings (checked
    as `readings` checks them): the client page's Vitals chart reads every dosing session's
    of a course (~540), and needs none of the rest of the row."""
    return _bare_readings(vault, session_ids, "", ())


# The comparisons a screen may ask for, and the fields it may name (never text from outside).
_SCREEN_OPS = {">=", "<"}
_SCREEN_FIELDS = {"systolic", "diastolic", "heart_rate", "spo2"}


def vitals_beyond(vault: Vault, session_ids: list[int],
                  screens: tuple[tuple[str, str, int], ...]) -> dict[int, list[VitalsReading]]:
    """As `vitals_for_sessions`, only the readings with a value meeting one of `screens`
    ((field, ">=" or "<", limit), `domain.vitals.alert_screens`): the client page's alerts
    at each open, without building the course's every reading."""
    if any(f not in _SCREEN_FIELDS or op not in _SCREEN_OPS for f, op, _ in screens):
        raise ValueError("unknown vitals screen")
    if not screens:
        return {sid: [] for sid in session_ids}
    where = " AND (" + " OR ".join(f"{f} {op} ?" for f, op, _ in screens) + ")"
    return _bare_readings(vault, session_ids, where, tuple(limit for _, _, limit in screens))


def _bare_readings(vault: Vault, session_ids: list[int], where: str, params: tuple[int, ...]
                   ) -> dict[int, list[VitalsReading]]:
    out: dict[int, list[VitalsReading]] = {sid: [] for sid in session_ids}
    if not session_ids:
        return out
    rows = vault.query(
        "SELECT session_id, taken_at, role, systolic, diastolic, heart_rate, spo2,"
        f" confirmed_unusual FROM vitals_readings WHERE session_id IN ({_marks(session_ids)})"
        f" AND struck_at IS NULL{where} ORDER BY taken_at, id", (*session_ids, *params),
    )
    for r in rows:
        out[r[0]].append(VitalsReading(
            role=ReadingRole(r[2]), taken_at=to_instant(r[1]), systolic=r[3], diastolic=r[4],
            heart_rate=r[5], spo2=r[6], confirmed_unusual=bool(r[7])))
    return out


def _marks(session_ids: list[int]) -> str:
    return ",".join("?" * len(session_ids))


# -- a course's sessions at once (the client page reads every dosing session of a course) --
def first_devices_for_sessions(vault: Vault, session_ids: list[int]) -> dict[int, datetime]:
    """Session id → its first device time, for the sessions that have one."""
    if not session_ids:
        return {}
    rows = vault.query(
        "SELECT session_id, MIN(given_at) FROM device_times"
        f" WHERE session_id IN ({_marks(session_ids)}) GROUP BY session_id", tuple(session_ids),
    )
    return {r[0]: at for r in rows if (at := to_instant(r[1])) is not None}


def respiratory_depression_for_sessions(vault: Vault, session_ids: list[int]) -> set[int]:
    """The sessions whose record says respiratory depression occurred."""
    if not session_ids:
        return set()
    rows = vault.query(
        "SELECT session_id FROM monitoring_records WHERE respiratory_depression = 1"
        f" AND session_id IN ({_marks(session_ids)})", tuple(session_ids),
    )
    return {r[0] for r in rows}


def adverse_effects_for_sessions(vault: Vault, session_ids: list[int]
                                 ) -> dict[int, list[StoredAdverseEffect]]:
    """Session id → its adverse effects in checklist order (sessions with none left out)."""
    if not session_ids:
        return {}
    rows = vault.query(
        "SELECT session_id, id, effect, severity, note, serious, recorded_at FROM adverse_effects"
        f" WHERE session_id IN ({_marks(session_ids)}) ORDER BY id", tuple(session_ids),
    )
    out: dict[int, list[StoredAdverseEffect]] = {}
    for r in rows:
        out.setdefault(r[0], []).append(effect_from(r[1:]))
    return {sid: in_checklist_order(effects) for sid, effects in out.items()}


def session_of_reading(vault: Vault, reading_id: int) -> int | None:
    row = vault.query_one("SELECT session_id FROM vitals_readings WHERE id = ?", (reading_id,))
    return int(row[0]) if row else None


# -- sedation / dissociation ----------------------------------------------------------------
def add_observation(vault: Vault, session_id: int, o: SedationObservation) -> int:
    cur = vault.execute(
        "INSERT INTO sedation_observations (session_id, observed_at, moaas, dissociation,"
        " cadss_total, note) VALUES (?, ?, ?, ?, ?, ?)",
        (session_id, time_text(o.observed_at), o.moaas, o.dissociation.value, o.cadss_total,
         o.note),
    )
    return int(cur.lastrowid)


OBSERVATION_READ = ("id, observed_at, moaas, dissociation, cadss_total, note",
                    "observed_at, id")


def observations(vault: Vault, session_id: int) -> list[StoredObservation]:
    cols, order = OBSERVATION_READ
    rows = vault.query(f"SELECT {cols} FROM sedation_observations WHERE session_id = ?"
                       f" ORDER BY {order}", (session_id,))
    return [observation_from(r) for r in rows]


def observation_from(r: Any) -> StoredObservation:
    return StoredObservation(id=r[0], observation=SedationObservation(
        observed_at=to_instant(r[1]) or instant(datetime.now()), moaas=r[2],
        dissociation=Intensity(r[3]), cadss_total=r[4], note=r[5]))


# -- adverse effects ------------------------------------------------------------------------
def put_adverse_effect(vault: Vault, session_id: int, e: AdverseEffectEntry,
                       at: datetime) -> None:
    vault.execute(
        "INSERT INTO adverse_effects (session_id, effect, severity, note, serious, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, effect) DO UPDATE SET"
        " severity = excluded.severity, note = excluded.note, serious = excluded.serious",
        (session_id, e.effect.value, e.severity.value, e.note, int(e.serious), time_text(at)),
    )


def delete_adverse_effect(vault: Vault, session_id: int, effect: AdverseEffect) -> None:
    vault.execute("DELETE FROM adverse_effects WHERE session_id = ? AND effect = ?",
                  (session_id, effect.value))


EFFECT_READ = ("id, effect, severity, note, serious, recorded_at", "id")


def adverse_effects(vault: Vault, session_id: int) -> list[StoredAdverseEffect]:
    cols, order = EFFECT_READ
    rows = vault.query(f"SELECT {cols} FROM adverse_effects WHERE session_id = ?"
                       f" ORDER BY {order}", (session_id,))
    return in_checklist_order([effect_from(r) for r in rows])


def in_checklist_order(effects: list[StoredAdverseEffect]) -> list[StoredAdverseEffect]:
    order = list(AdverseEffect)
    return sorted(effects, key=lambda e: order.index(e.entry.effect))


def effect_from(r: Any) -> StoredAdverseEffect:
    return StoredAdverseEffect(id=r[0], entry=AdverseEffectEntry(
        effect=AdverseEffect(r[1]), severity=Intensity(r[2]), note=r[3],
        serious=bool(r[4])), recorded_at=to_instant(r[5]))
