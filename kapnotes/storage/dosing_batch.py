"""The monitoring records of many dosing sessions at once (a course summary prints every one).

Asked session by session that is nine queries per dosing note (details, device times,
readings, observations, adverse effects, screening acknowledgements, boosters, rule
overrides, and the session again); here each table is read once for all the sessions, in
the per-session read's columns and order after the session id, and each row is made into
its object by the per-session read's own function, so each session's lists are what the
per-session reads give (tests/storage/test_dosing_batch.py compares them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from kapnotes.domain.dosing_record import (
    Booster,
    DeviceTime,
    DosingDetails,
    RuleOverride,
    ScreeningAck,
    StoredAdverseEffect,
    StoredObservation,
    StoredReading,
)
from kapnotes.storage import dose_records, monitoring, screening
from kapnotes.storage.vault import Vault

_T = TypeVar("_T")


@dataclass(frozen=True)
class DosingRecord:
    """One dosing session's monitoring record as its per-session reads give it (readings:
    the current ones, without findings; adverse effects in checklist order)."""

    details: DosingDetails
    devices: list[DeviceTime]
    readings: list[StoredReading]
    observations: list[StoredObservation]
    adverse_effects: list[StoredAdverseEffect]
    acknowledgements: list[ScreeningAck]
    boosters: list[Booster]
    overrides: list[RuleOverride]


def dosing_records(vault: Vault, session_ids: Sequence[int]) -> dict[int, DosingRecord]:
    """Session id → its record, for each of `session_ids` (dosing sessions)."""
    ids = sorted({int(i) for i in session_ids})
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))

    def grouped(table: str, read: tuple[str, ...], make: Callable[[Any], _T]
                ) -> dict[int, list[_T]]:
        """Session id → its rows of `table`, each made by `make` from the per-session read's
        columns."""
        cols, order, *where = read
        out: dict[int, list[_T]] = {sid: [] for sid in ids}
        for r in vault.query(f"SELECT session_id, {cols} FROM {table}"
                             f" WHERE session_id IN ({marks}){''.join(where)}"
                             f" ORDER BY session_id, {order}", tuple(ids)):
            out[r[0]].append(make(r[1:]))
        return out

    details = {r[0]: r[1:] for r in vault.query(
        f"SELECT session_id, {monitoring.DETAIL_COLS} FROM monitoring_records"
        f" WHERE session_id IN ({marks})", tuple(ids))}
    devices = grouped("device_times", monitoring.DEVICE_READ, monitoring.device_from)
    readings = grouped("vitals_readings", monitoring.CURRENT_READINGS, monitoring.reading_from)
    observations = grouped("sedation_observations", monitoring.OBSERVATION_READ,
                           monitoring.observation_from)
    effects = grouped("adverse_effects", monitoring.EFFECT_READ, monitoring.effect_from)
    acks = grouped("screening_acks", screening.ACK_READ, screening.ack_from)
    boosters = grouped("dose_boosters", dose_records.BOOSTER_READ, dose_records.booster_from)
    # An override is the one row made knowing its session.
    overrides = {sid: [dose_records.override_from(sid, r) for r in rows] for sid, rows
                 in grouped("rule_overrides", dose_records.OVERRIDE_READ, tuple).items()}
    return {sid: DosingRecord(
        details=monitoring.details_from(sid, details.get(sid)), devices=devices[sid],
        readings=readings[sid], observations=observations[sid],
        adverse_effects=monitoring.in_checklist_order(effects[sid]),
        acknowledgements=acks[sid], boosters=boosters[sid], overrides=overrides[sid])
        for sid in ids}
