"""Approvals, permits and authorisations, and the regulator report periods, as data.

A pack's `approvals` slot lists the kinds of approval a practice in that jurisdiction may need
(an NSW authority for continuous Schedule 8 treatment, a Victorian permit, a TGA Authorised
Prescriber authorisation, a PBS authority for esketamine): who holds it, which medicines it
covers, after how many days of continuous treatment it is needed, how many days before its end
the app warns, and its source. `report_periods` lists the periods and due dates of regulator
reports (the TGA Authorised Prescriber six-monthly report). Read by
kapnotes/domain/approval_schema.py; the rules are in docs/JURISDICTIONS.md. Stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kapnotes.domain.rule_model import RuleSource


class Holder(StrEnum):
    """Whom an approval is issued for: one client, or the prescriber (covering clients)."""

    CLIENT = "client"
    PRESCRIBER = "prescriber"


HOLDERS = tuple(h.value for h in Holder)


@dataclass(frozen=True)
class ApprovalRule:
    """One kind of approval in a jurisdiction."""

    id: str  # stored with each approval record: never rename
    title: str
    holder: Holder
    medicines: tuple[str, ...]  # as the dosing record names them; empty: any medicine
    warn_days: int  # warn this many days before the approval ends
    source: RuleSource
    needed_after_days: int | None = None  # continuous treatment beyond this needs one
    report: str = ""  # the regulator report its records feed (tga_authorised_prescriber)
    notes: str = ""

    def covers(self, medicine: str) -> bool:
        return not self.medicines or medicine.lower() in self.medicines


@dataclass(frozen=True)
class ReportPeriod:
    """One recurring period of a regulator report: the dates as (month, day)."""

    id: str  # h1, h2
    report: str  # tga_authorised_prescriber
    label: str
    start: tuple[int, int]
    end: tuple[int, int]
    due: tuple[int, int]  # the first such day after the period's end
    remind_days: int
    source: RuleSource

    def dates(self, year: int) -> tuple[date, date, date]:
        """(first day, last day, due day) of this period in `year`."""
        first, last = date(year, *self.start), date(year, *self.end)
        due = date(year, *self.due)
        if due <= last:
            due = date(year + 1, *self.due)
        return first, last, due


@dataclass(frozen=True)
class Approval:
    """One approval record: a permit, an authority or an authorisation with its dates."""

    kind: str  # an ApprovalRule id
    starts_on: date
    ends_on: date
    client_id: int | None = None  # None: the prescriber's own (e.g. a TGA authorisation)
    medicine: str = ""
    indication: str = ""
    reference: str = ""  # permit or authority number
    ethics_approval: str = ""  # the ethics committee and its approval (TGA AP)
    prescriber: str = ""
    notes: str = ""
    id: int | None = None

    def covers_day(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class ApprovalWarning:
    """What the header, the schedule, the dose entry and the dashboard show."""

    kind: str  # lapsing, lapsed, dose_after_end, needed
    rule_id: str
    message: str
    day: date  # the approval's end, the planned dose's day, or the day one is needed
    approval_id: int | None = None
    source: str = ""


def needed_from(start: date, rule: ApprovalRule) -> date | None:
    """The first day of treatment beyond the rule's limit (None: the rule has none)."""
    if rule.needed_after_days is None:
        return None
    return start + timedelta(days=rule.needed_after_days)
