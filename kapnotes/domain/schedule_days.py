"""Fitting a generated plan to the days a practice is open (docs/POLICY.md, "Opening days").

`generate_plan` counts days from the first dose with no calendar in mind, so a plan can put a
dose on Christmas Day or a Sunday. `fit_plan` moves generated slots onto open days and records
on each moved slot the date its rule gave and why, so the timeline and the PDFs show the move:

- A day is open when its weekday is a working weekday and it is not a closed day (an annual
  date such as 25 December, or one particular date).
- Preparation is never planned before `not_before` (the day the course is created: a session
  cannot be missed before the course existed), unless the first dose itself is earlier (a
  course entered after the fact keeps its dates). Off an open day it moves to the nearest open
  day before, not earlier than `not_before`, else to the next open day up to the first dose.
- A dose moves to the next open day after the previous dose's (moved) date, so doses never
  share a day or change order.
- An integration moves to the next open day from its dose's (moved) date that is before the
  next dose; if there is none, to the nearest open day before, not before its dose; if there
  is none either, to the next open day after.
- A slot with no open day within `SEARCH_DAYS` is left where it is (a policy closing every
  day must not hang the app), with its reason saying so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from kapnotes.domain.dates import MONTHS, human_date, month_first
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.schedule import PlannedSlot, SlotKind

SEARCH_DAYS = 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOSED_REASON = "Practice closed that day"
NOT_WORKING_REASON = "Not a working day of the practice"
ORDER_REASON = "Kept after the previous dose"
BEFORE_COURSE_REASON = "Before the course was created"
_KIND_ORDER = {SlotKind.PREPARATION: 0, SlotKind.DOSING: 1, SlotKind.INTEGRATION: 2}


@dataclass(frozen=True)
class OpeningDays:
    """When the practice sees clients. Built-in: every weekday, closed 25 Dec and 1 Jan."""

    weekdays: frozenset[int] = frozenset(range(7))  # date.weekday(): Monday 0 … Sunday 6
    annual: frozenset[tuple[int, int]] = frozenset({(12, 25), (1, 1)})  # (month, day)
    dates: frozenset[date] = field(default_factory=frozenset)

    def is_open(self, day: date) -> bool:
        return self.closed_reason(day) is None

    def closed_reason(self, day: date) -> str | None:
        if day in self.dates or (day.month, day.day) in self.annual:
            return CLOSED_REASON
        if day.weekday() not in self.weekdays:
            return NOT_WORKING_REASON
        return None


def parse_weekdays(values: Iterable[object]) -> frozenset[int]:
    """["mon", "tue", …] → weekday numbers; ValueError naming the bad entry."""
    days = set()
    for value in values:
        name = str(value).strip().lower()[:3]
        if not isinstance(value, str) or name not in WEEKDAYS:
            raise ValueError(f"working_weekdays: '{value}' is not a weekday (use mon … sun)")
        days.add(WEEKDAYS.index(name))
    if not days:
        raise ValueError("working_weekdays must name at least one weekday")
    return frozenset(days)


def parse_closed(values: Iterable[object]) -> tuple[frozenset[tuple[int, int]], frozenset[date]]:
    """["12-25", "2026-12-24", …]: "MM-DD" every year, "YYYY-MM-DD" that day only."""
    annual, dates = set(), set()
    for value in values:
        text = str(value).strip() if isinstance(value, str) else ""
        try:
            if len(text) == 5:
                month, day = (int(p) for p in text.split("-"))
                date(2024, month, day)  # a leap year, so 02-29 is allowed
                annual.add((month, day))
            else:
                dates.add(date.fromisoformat(text))
        except ValueError:
            raise ValueError(f"closed_days: '{value}' is not MM-DD or YYYY-MM-DD") from None
    return frozenset(annual), frozenset(dates)


def fit_plan(plan: Sequence[PlannedSlot], days: OpeningDays, *,
             not_before: date | None = None) -> list[PlannedSlot]:
    """`plan` with its slots on open days (rules in the module docstring), re-indexed by date."""
    if not plan:
        return []
    doses = [s for s in plan if s.kind is SlotKind.DOSING]
    if not doses:
        return list(plan)
    dose_days: dict[int, date] = {}
    previous: date | None = None
    for slot in doses:
        earliest = slot.planned_date if previous is None else max(
            slot.planned_date, previous + timedelta(days=1))
        day = _first_open(earliest, days, forward=True) or earliest
        dose_days[slot.dose_number] = previous = day
    first_dose = dose_days[doses[0].dose_number]
    out = []
    for slot in plan:
        if slot.kind is SlotKind.DOSING:
            day = dose_days[slot.dose_number]
        elif slot.kind is SlotKind.PREPARATION:
            day = _preparation_day(slot.planned_date, first_dose, days, not_before)
        else:
            day = _integration_day(slot, dose_days, days)
        out.append(_moved(slot, day, days, not_before))
    out.sort(key=lambda s: (s.planned_date, s.dose_number, _KIND_ORDER[s.kind]))
    return [dataclasses.replace(s, index=i) for i, s in enumerate(out)]


def _preparation_day(planned: date, first_dose: date, days: OpeningDays,
                     not_before: date | None) -> date:
    # A course entered after its first dose keeps its dates: no floor then.
    floor = not_before if not_before is not None and not_before <= first_dose else None
    start = max(planned, floor) if floor is not None else planned
    back = _first_open(start, days, forward=False, limit=floor)
    if back is not None:
        return back
    return _first_open(start, days, forward=True, limit=first_dose) or start


def _integration_day(slot: PlannedSlot, dose_days: dict[int, date], days: OpeningDays) -> date:
    dose = dose_days.get(slot.dose_number, slot.planned_date)
    start = max(slot.planned_date, dose)
    following = dose_days.get(slot.dose_number + 1)
    before_next = following - timedelta(days=1) if following else None
    if before_next is None or start <= before_next:
        found = _first_open(start, days, forward=True, limit=before_next)
        if found is not None:
            return found
    if before_next is not None:
        found = _first_open(min(start, before_next), days, forward=False, limit=dose)
        if found is not None:
            return found
    return _first_open(start, days, forward=True) or start


def _first_open(start: date, days: OpeningDays, *, forward: bool,
                limit: date | None = None) -> date | None:
    step = timedelta(days=1 if forward else -1)
    day = start
    for _ in range(SEARCH_DAYS + 1):
        if limit is not None and (day > limit if forward else day < limit):
            return None
        if days.is_open(day):
            return day
        day += step
    return None


def _moved(slot: PlannedSlot, day: date, days: OpeningDays,
           not_before: date | None) -> PlannedSlot:
    if day == slot.planned_date:
        reason = days.closed_reason(day)
        if reason is None:
            return slot
        return dataclasses.replace(slot, move_reason=f"{reason}; no open day found nearby")
    reason = days.closed_reason(slot.planned_date)
    if reason is None and not_before is not None and slot.planned_date < not_before:
        reason = BEFORE_COURSE_REASON
    return dataclasses.replace(slot, planned_date=day, moved_from=slot.planned_date,
                               move_reason=reason or ORDER_REASON)


def opening_days_text(days: OpeningDays) -> str:
    """"open Mon, Tue, …; closed 24 Dec, 25 Dec, 2 Apr 2027" for the settings dialog."""
    open_days = ", ".join(WEEKDAYS[d].capitalize() for d in sorted(days.weekdays))
    closed = [f"{MONTHS[m - 1]} {d}" if month_first() else f"{d} {MONTHS[m - 1]}"
              for m, d in sorted(days.annual)]
    closed += [human_date(d) for d in sorted(days.dates)]
    text = f"open {open_days}"
    return text + (f"; closed {', '.join(closed)}" if closed else "")


def check_opening_days(weekdays: Sequence[object] | None,
                       closed: Sequence[object] | None) -> OpeningDays:
    """OpeningDays from policy values (None: the built-in value); ValidationError if bad."""
    try:
        base = OpeningDays()
        annual, dates = parse_closed(closed) if closed is not None else (base.annual, base.dates)
        return OpeningDays(
            weekdays=parse_weekdays(weekdays) if weekdays is not None else base.weekdays,
            annual=annual, dates=dates)
    except ValueError as exc:
        raise ValidationError("Opening days", str(exc)) from None
