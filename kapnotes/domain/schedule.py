"""The planned schedule a protocol generates (docs/PROTOCOLS.md, docs/DOMAIN.md "Protocols").

The dose days of each protocol are data (`resources/protocols/*.json`, read by
`kapnotes/domain/protocols.py`, placed by `kapnotes/domain/protocol_days.py`). Day offsets are
counted from the start date (the first dose is day 0); week N covers days 7·(N-1) … 7·N-1.

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

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import SessionKind
from kapnotes.domain.protocol_days import check_whole, resolve
from kapnotes.domain.protocol_days import dose_days as protocol_dose_days
from kapnotes.domain.protocol_model import ProtocolDef
from kapnotes.domain.protocols import protocols_in_use

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


# Esketamine's starting dose depends on the client's age (a protocol whose file names
# "medicine": "esketamine", resources/protocols/1-esketamine.json).
ESKETAMINE_START_DOSE_MG = 56
ESKETAMINE_OLDER_ADULT_START_DOSE_MG = 28
ESKETAMINE_OLDER_ADULT_AGE = 65

_KIND_ORDER = {SlotKind.PREPARATION: 0, SlotKind.DOSING: 1, SlotKind.INTEGRATION: 2}


def esketamine_start_dose_mg(age: int) -> int:
    """Esketamine starting dose: 56 mg, or 28 mg from age 65 (docs/DOMAIN.md, Protocols)."""
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130:
        raise ValidationError("age", "must be a whole number of years from 0 to 130")
    if age >= ESKETAMINE_OLDER_ADULT_AGE:
        return ESKETAMINE_OLDER_ADULT_START_DOSE_MG
    return ESKETAMINE_START_DOSE_MG


def generate_plan(
    protocol: ProtocolDef | str,
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

    Dose dates come from the protocol's phases (`kapnotes/domain/protocol_days.py`, the
    protocol files in `resources/protocols/`, docs/PROTOCOLS.md); a protocol given by id is
    looked up in the set in use. Preparation and integration slots are placed around the
    doses as the module docstring says. A parameter the protocol does not declare is refused
    rather than silently ignored; one it declares is checked against the file's range (its
    default when not given). Slots on the same date are ordered preparation, dosing,
    integration.
    """
    _check_int("preparation_count", preparation_count, 0, 10)
    _check_int("preparation_lead_days", preparation_lead_days, 1, 90)
    _check_int("integration_offset_days", integration_offset_days, 0, 14)
    chosen = protocol if isinstance(protocol, ProtocolDef) \
        else protocols_in_use().require(protocol)
    given: dict[str, object] = {
        "doses": doses,
        "dose_interval_weeks": dose_interval_weeks,
        "maintenance_interval_weeks": maintenance_interval_weeks,
        "maintenance_slots": maintenance_slots,
        "custom_day_offsets": custom_day_offsets,
    }
    for name, value in given.items():
        if value is not None and chosen.parameter(name) is None:
            raise ValidationError(name, f"does not apply to {chosen.label}")
    dose_days = protocol_dose_days(chosen, resolve(chosen, given))
    return _assemble(
        start,
        dose_days,
        preparation_count=preparation_count,
        preparation_lead_days=preparation_lead_days,
        integration_offset_days=integration_offset_days if with_integration else None,
    )


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


def _check_int(field: str, value: object, low: int, high: int) -> None:
    check_whole(field, value, low, high)
