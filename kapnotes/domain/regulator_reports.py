"""The regulator reports as data: the TGA Authorised Prescriber six-monthly report (new and
total patients treated per authorisation and period) and the adverse-event line list. The
counting is here, pure, so it is tested without a vault; kapnotes/services/regulator_reports.py
gathers the rows and kapnotes/export/regulator_pages.py lays them out. Stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from kapnotes.domain.approval_model import Approval, ReportPeriod
from kapnotes.domain.errors import ValidationError

PERIOD = re.compile(r"^(\d{4})(H[12])$")


@dataclass(frozen=True)
class PeriodDates:
    id: str  # 2026H2
    label: str
    first: date
    last: date
    due: date


@dataclass(frozen=True)
class TgaRow:
    """One authorisation over one period: the counts the TGA asks for."""

    authorisation: Approval
    title: str
    new_patients: int
    total_patients: int


@dataclass(frozen=True)
class TgaReport:
    period: PeriodDates
    jurisdiction: str
    rows: tuple[TgaRow, ...]
    source: str


@dataclass(frozen=True)
class AdverseEventLine:
    day: date
    client_code: str
    medicine: str
    dose: str
    event: str
    severity: str
    action: str
    outcome: str


@dataclass(frozen=True)
class AdverseEventList:
    first: date
    last: date
    lines: tuple[AdverseEventLine, ...]


def period_dates(periods: Sequence[ReportPeriod], year: int, period_id: str) -> PeriodDates:
    for p in periods:
        if p.id.upper() == period_id.upper():
            first, last, due = p.dates(year)
            return PeriodDates(f"{year}{p.id.upper()}", p.label, first, last, due)
    raise ValidationError("--period", f"the jurisdiction has no report period {period_id}")


def parse_period(text: str, periods: Sequence[ReportPeriod]) -> PeriodDates:
    """`2026H2` → its dates from the pack."""
    match = PERIOD.match(text.strip().upper()) if len(text) <= 10 else None
    if match is None or not 2000 <= int(match[1]) <= 2100:
        raise ValidationError("--period", "must be a year and half like 2026H1 or 2026H2")
    return period_dates(periods, int(match[1]), match[2])


def last_finished(periods: Sequence[ReportPeriod], today: date) -> PeriodDates | None:
    """The most recent period that has ended before `today` (the one to report on)."""
    found = [period_dates(periods, y, p.id) for y in (today.year - 1, today.year)
             for p in periods]
    ended = [p for p in found if p.last < today]
    return max(ended, key=lambda p: p.last, default=None)


def due_soon(periods: Sequence[ReportPeriod], today: date) -> list[tuple[PeriodDates, int]]:
    """Periods whose report is due within their reminder days (and not yet past due)."""
    out = []
    for y in (today.year - 1, today.year):
        for p in periods:
            dates = period_dates(periods, y, p.id)
            left = (dates.due - today).days
            if dates.last < today and 0 <= left <= p.remind_days:
                out.append((dates, left))
    return sorted(out, key=lambda item: item[0].due)


def patient_counts(authorisation: Approval, sessions: Sequence[tuple[int, date]],
                   period: PeriodDates) -> tuple[int, int]:
    """(new, total) patients treated under `authorisation` in `period`.

    `sessions`: (client id, day) of each dosing session with the authorisation's medicine.
    Only days inside both the authorisation and the period count. Total: clients treated in
    that window. New: those whose first treatment under the authorisation (since its start)
    falls in the window, i.e. not treated under it in an earlier period.
    """
    start = max(authorisation.starts_on, period.first)
    end = min(authorisation.ends_on, period.last)
    first_seen: dict[int, date] = {}
    treated: set[int] = set()
    for client_id, day in sessions:
        if day < authorisation.starts_on or day > authorisation.ends_on:
            continue
        if client_id not in first_seen or day < first_seen[client_id]:
            first_seen[client_id] = day
        if start <= day <= end:
            treated.add(client_id)
    new = sum(1 for c in treated if first_seen[c] >= start)
    return new, len(treated)


def day_of(moment: datetime) -> date:
    return moment.astimezone().date() if moment.tzinfo else moment.date()
