"""Protocols and the planned schedule each one generates (docs/DOMAIN.md, "Protocols").

Every rule below is stated in the docstring of the function that applies it, so a reader can
check it against docs/DOMAIN.md without reading the code. Day offsets are counted from the start
date (the first dose is day 0); week N covers days 7·(N-1) … 7·N-1.

Rules common to all protocols (`generate_plan`):
- Preparation: `preparation_count` sessions (default 1) before the first dose. The last one is
  `preparation_lead_days` (default 7) before the first dose; earlier ones are a week apart.
- Integration: one after every dose, `integration_offset_days` after it (default 1, the next
  day). It never falls on or after the next dose's date: if it would, it moves to the day
  before the next dose (or the dose day itself when doses are on consecutive days). So there
  is always an integration session between each pair of doses and one after the last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import SessionKind


class Protocol(StrEnum):
    """A planned-schedule protocol; `label` is what the therapist sees."""

    ESKETAMINE = "esketamine"
    IV_KETAMINE = "iv_ketamine"
    KAP_SUBLINGUAL_IM = "kap_sublingual_im"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return _PROTOCOL_LABELS[self]


_PROTOCOL_LABELS = {
    Protocol.ESKETAMINE: "Esketamine nasal spray (Spravato)",
    Protocol.IV_KETAMINE: "IV ketamine series",
    Protocol.KAP_SUBLINGUAL_IM: "KAP (sublingual/IM ketamine)",
    Protocol.CUSTOM: "Custom (defined by the practice)",
}


# The kind of session a planned slot stands for: the session kinds themselves, so a slot read
# from the vault and the session held for it compare without converting.
SlotKind = SessionKind


@dataclass(frozen=True)
class PlannedSlot:
    """One planned session of a course.

    `index` is the slot's 0-based position in the plan (ordered by date). `dose_number` is the
    1-based dose the slot belongs to: the dose itself for a dosing slot, the dose it follows
    for an integration slot, and 1 (the dose it prepares for) for a preparation slot.
    """

    index: int
    kind: SlotKind
    planned_date: date
    phase: str
    dose_number: int
    # Set when generation moved the slot off the date its rule gave (a closed day, a day
    # before the course existed): that date and why, shown on the timeline as a move.
    moved_from: date | None = None
    move_reason: str = ""


# Twice weekly = day 0 and day 3 of each week (e.g. Monday and Thursday).
_TWICE_WEEKLY_DAYS = (0, 3)

ESKETAMINE_START_DOSE_MG = 56
ESKETAMINE_OLDER_ADULT_START_DOSE_MG = 28
ESKETAMINE_OLDER_ADULT_AGE = 65

_MAX_MAINTENANCE_SLOTS = 52
_KIND_ORDER = {SlotKind.PREPARATION: 0, SlotKind.DOSING: 1, SlotKind.INTEGRATION: 2}


def esketamine_start_dose_mg(age: int) -> int:
    """Esketamine starting dose: 56 mg, or 28 mg from age 65 (docs/DOMAIN.md, Protocols)."""
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130:
        raise ValidationError("age", "must be a whole number of years from 0 to 130")
    if age >= ESKETAMINE_OLDER_ADULT_AGE:
        return ESKETAMINE_OLDER_ADULT_START_DOSE_MG
    return ESKETAMINE_START_DOSE_MG


def generate_plan(
    protocol: Protocol,
    start: date,
    *,
    doses: int | None = None,
    dose_interval_weeks: int | None = None,
    maintenance_interval_weeks: int | None = None,
    maintenance_slots: int | None = None,
    custom_day_offsets: Sequence[int] | None = None,
    preparation_count: int = 1,
    preparation_lead_days: int = 7,
    integration_offset_days: int = 1,
    with_integration: bool = True,
) -> list[PlannedSlot]:
    """The planned slots of a course starting (first dose) on `start`, ordered by date.

    Dose dates per protocol are set out in `esketamine_dose_days`, `iv_dose_days`,
    `kap_dose_days` and `custom_dose_days`; preparation and integration slots are placed
    around them as the module docstring says. A parameter that does not apply to the chosen
    protocol is refused rather than silently ignored. Slots on the same date are ordered
    preparation, dosing, integration.
    """
    _check_int("preparation_count", preparation_count, 0, 10)
    _check_int("preparation_lead_days", preparation_lead_days, 1, 90)
    _check_int("integration_offset_days", integration_offset_days, 0, 14)
    given = {
        "doses": doses,
        "dose_interval_weeks": dose_interval_weeks,
        "maintenance_interval_weeks": maintenance_interval_weeks,
        "maintenance_slots": maintenance_slots,
        "custom_day_offsets": custom_day_offsets,
    }
    for name, value in given.items():
        if value is not None and name not in _APPLIES[protocol]:
            raise ValidationError(name, f"does not apply to {protocol.label}")

    if protocol is Protocol.ESKETAMINE:
        dose_days = esketamine_dose_days(
            maintenance_interval_weeks=_or(maintenance_interval_weeks, 1),
            maintenance_slots=_or(maintenance_slots, 4),
        )
    elif protocol is Protocol.IV_KETAMINE:
        dose_days = iv_dose_days(
            infusions=_or(doses, 6),
            maintenance_interval_weeks=_or(maintenance_interval_weeks, 1),
            maintenance_slots=_or(maintenance_slots, 0),
        )
    elif protocol is Protocol.KAP_SUBLINGUAL_IM:
        dose_days = kap_dose_days(
            sessions=_or(doses, 6), interval_weeks=_or(dose_interval_weeks, 1)
        )
    else:
        dose_days = custom_dose_days(custom_day_offsets or ())
    return _assemble(
        start,
        dose_days,
        preparation_count=preparation_count,
        preparation_lead_days=preparation_lead_days,
        integration_offset_days=integration_offset_days if with_integration else None,
    )


_APPLIES = {
    Protocol.ESKETAMINE: {"maintenance_interval_weeks", "maintenance_slots"},
    Protocol.IV_KETAMINE: {"doses", "maintenance_interval_weeks", "maintenance_slots"},
    Protocol.KAP_SUBLINGUAL_IM: {"doses", "dose_interval_weeks"},
    Protocol.CUSTOM: {"custom_day_offsets"},
}


def esketamine_dose_days(
    *, maintenance_interval_weeks: int = 1, maintenance_slots: int = 4
) -> list[tuple[int, str]]:
    """Esketamine dose days and phases.

    - Induction, weeks 1–4: twice weekly on days 0 and 3 of each week (8 doses).
    - Weeks 5–8: weekly on day 0 of each week (4 doses), labelled "continuation".
    - Week 9 on: every `maintenance_interval_weeks` (1 or 2) weeks from day 56, for
      `maintenance_slots` doses (default 4; 0–52), labelled "maintenance".
    """
    _check_int("maintenance_interval_weeks", maintenance_interval_weeks, 1, 2)
    _check_int("maintenance_slots", maintenance_slots, 0, _MAX_MAINTENANCE_SLOTS)
    days = [(7 * w + d, "induction") for w in range(4) for d in _TWICE_WEEKLY_DAYS]
    days += [(7 * w, "continuation") for w in range(4, 8)]
    days += [(56 + 7 * maintenance_interval_weeks * k, "maintenance")
             for k in range(maintenance_slots)]
    return days


def iv_dose_days(
    *, infusions: int = 6, maintenance_interval_weeks: int = 1, maintenance_slots: int = 0
) -> list[tuple[int, str]]:
    """IV ketamine series dose days and phases.

    - Series: `infusions` (6–8, default 6) twice weekly on days 0 and 3 of each week, so 6
      infusions take 3 weeks and 8 take 4 (docs/DOMAIN.md: 6–8 over 2–4 weeks, usually twice
      weekly), labelled "series".
    - Optional maintenance: `maintenance_slots` (default 0; 0–52) every
      `maintenance_interval_weeks` (1–4: weekly to about monthly), the first one that many
      weeks after the last infusion, labelled "maintenance".
    """
    _check_int("doses", infusions, 6, 8)
    _check_int("maintenance_interval_weeks", maintenance_interval_weeks, 1, 4)
    _check_int("maintenance_slots", maintenance_slots, 0, _MAX_MAINTENANCE_SLOTS)
    days = [(7 * (i // 2) + _TWICE_WEEKLY_DAYS[i % 2], "series") for i in range(infusions)]
    last = days[-1][0]
    days += [(last + 7 * maintenance_interval_weeks * k, "maintenance")
             for k in range(1, maintenance_slots + 1)]
    return days


def kap_dose_days(*, sessions: int = 6, interval_weeks: int = 1) -> list[tuple[int, str]]:
    """KAP (sublingual/IM) dose days: `sessions` (6–8, default 6) dosing sessions every
    `interval_weeks` (1 or 2, default 1) weeks from day 0, labelled "course"."""
    _check_int("doses", sessions, 6, 8)
    _check_int("dose_interval_weeks", interval_weeks, 1, 2)
    return [(7 * interval_weeks * i, "course") for i in range(sessions)]


def custom_dose_days(day_offsets: Sequence[int]) -> list[tuple[int, str]]:
    """Custom protocol dose days: the practice's own day offsets from the start, which must be
    whole numbers from 0 to 730 in strictly increasing order. None given → an empty plan (no
    preparation or integration slots either)."""
    days: list[tuple[int, str]] = []
    for offset in day_offsets:
        _check_int("custom_day_offsets", offset, 0, 730)
        if days and offset <= days[-1][0]:
            raise ValidationError("custom_day_offsets", "must be strictly increasing")
        days.append((offset, "custom"))
    return days


def _assemble(
    start: date,
    dose_days: list[tuple[int, str]],
    *,
    preparation_count: int,
    preparation_lead_days: int,
    integration_offset_days: int | None,
) -> list[PlannedSlot]:
    if not dose_days:
        return []
    raw: list[tuple[date, SlotKind, str, int]] = []
    for n in range(preparation_count):
        lead = preparation_lead_days + 7 * (preparation_count - 1 - n)
        raw.append((start - timedelta(days=lead), SlotKind.PREPARATION, "preparation", 1))
    for i, (offset, phase) in enumerate(dose_days):
        dose_date = start + timedelta(days=offset)
        week_phase = f"{phase} week {offset // 7 + 1}"
        raw.append((dose_date, SlotKind.DOSING, week_phase, i + 1))
        if integration_offset_days is None:
            continue
        integration_date = dose_date + timedelta(days=integration_offset_days)
        if i + 1 < len(dose_days):
            # Keep one integration between each pair of doses: never on/after the next dose.
            next_dose = start + timedelta(days=dose_days[i + 1][0])
            integration_date = max(dose_date, min(integration_date, next_dose - timedelta(1)))
        raw.append((integration_date, SlotKind.INTEGRATION, week_phase, i + 1))
    raw.sort(key=lambda r: (r[0], r[3], _KIND_ORDER[r[1]]))
    return [
        PlannedSlot(index=i, kind=kind, planned_date=day, phase=phase, dose_number=dose)
        for i, (day, kind, phase, dose) in enumerate(raw)
    ]


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _check_int(field: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, f"must be a whole number from {low} to {high}")
