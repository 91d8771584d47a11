"""Client weights, booster doses and rule overrides (schema step m005). Only moves rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kapnotes.domain.dosing_record import Booster, ClientWeight, RuleOverride
from kapnotes.storage.monitoring import time_text, to_instant
from kapnotes.storage.rows import date_text, now_utc_text, to_date, to_datetime
from kapnotes.storage.vault import Vault


# -- weights --------------------------------------------------------------------------------
def add_weight(vault: Vault, client_id: int, measured_on: date, weight_kg: float,
               entered_value: float, entered_unit: str) -> int:
    cur = vault.execute(
        "INSERT INTO client_weights (client_id, measured_on, weight_kg, entered_value,"
        " entered_unit, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
        (client_id, date_text(measured_on), weight_kg, entered_value, entered_unit,
         now_utc_text()),
    )
    return int(cur.lastrowid)


def weights(vault: Vault, client_id: int) -> list[ClientWeight]:
    """Every weight of the client, oldest first (same day: in the order recorded)."""
    rows = vault.query(
        "SELECT id, measured_on, weight_kg, entered_value, entered_unit FROM client_weights"
        " WHERE client_id = ? ORDER BY measured_on, id", (client_id,))
    return [ClientWeight(r[0], client_id, to_date(r[1]) or date.min, float(r[2]), float(r[3]),
                         str(r[4])) for r in rows]


# -- boosters -------------------------------------------------------------------------------
def add_booster(vault: Vault, session_id: int, at: datetime, dose_mg: float) -> int:
    cur = vault.execute("INSERT INTO dose_boosters (session_id, given_at, dose_mg)"
                        " VALUES (?, ?, ?)", (session_id, time_text(at), dose_mg))
    return int(cur.lastrowid)


# The columns and order of each per-session read, also used by storage/dosing_batch.py.
BOOSTER_READ = ("id, given_at, dose_mg", "given_at, id")
OVERRIDE_READ = ("id, rule_id, message, reason, given_by, given_at", "given_at, id")


def boosters(vault: Vault, session_id: int) -> list[Booster]:
    cols, order = BOOSTER_READ
    rows = vault.query(f"SELECT {cols} FROM dose_boosters WHERE session_id = ?"
                       f" ORDER BY {order}", (session_id,))
    return [booster_from(r) for r in rows]


def booster_from(r: Any) -> Booster:
    return Booster(r[0], to_instant(r[1]) or datetime.min, float(r[2]))


def delete_booster(vault: Vault, session_id: int, booster_id: int) -> None:
    vault.execute("DELETE FROM dose_boosters WHERE id = ? AND session_id = ?",
                  (booster_id, session_id))


# -- overrides ------------------------------------------------------------------------------
def add_override(vault: Vault, session_id: int, rule_id: str, message: str, reason: str,
                 by: str, at: datetime) -> int:
    cur = vault.execute(
        "INSERT INTO rule_overrides (session_id, rule_id, message, reason, given_by, given_at)"
        " VALUES (?, ?, ?, ?, ?, ?)", (session_id, rule_id, message, reason, by, time_text(at)))
    return int(cur.lastrowid)


def overrides(vault: Vault, session_id: int) -> list[RuleOverride]:
    cols, order = OVERRIDE_READ
    rows = vault.query(f"SELECT {cols} FROM rule_overrides WHERE session_id = ?"
                       f" ORDER BY {order}", (session_id,))
    return [override_from(session_id, r) for r in rows]


def override_from(session_id: int, r: Any) -> RuleOverride:
    return RuleOverride(r[0], session_id, r[1], r[2], r[3], r[4],
                        to_instant(r[5]) or datetime.min)


def dosed_sessions_of_client(vault: Vault, client_id: int) -> list[tuple[int, datetime, str, str]]:
    """(session id, start, medication, route) of the client's dosing sessions with a dose."""
    rows = vault.query(
        "SELECT s.id, s.starts_at, COALESCE(m.medication, ''), COALESCE(m.route, '')"
        " FROM sessions s JOIN courses c ON c.id = s.course_id"
        " JOIN monitoring_records m ON m.session_id = s.id"
        " WHERE c.client_id = ? AND s.kind = 'dosing' AND m.dose_mg IS NOT NULL"
        " ORDER BY s.starts_at, s.id", (client_id,))
    return [(int(r[0]), to_datetime(r[1]) or datetime.min, str(r[2]), str(r[3])) for r in rows]
