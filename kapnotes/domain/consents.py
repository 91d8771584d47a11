"""Consent records made from versioned templates (resources/consents/*.json): which template
and version the client signed, when, when it is due for review (or expires), and a withdrawal
(date and reason). A consent is in force on a day from its signing up to and including its
review date, unless withdrawn on or before that day. No Qt, no storage."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

from kapnotes.domain.errors import ValidationError

TEMPLATE_FORMAT = "kapnotes-consent-template/1"
TOUCH = "touch"


@dataclass(frozen=True)
class ConsentTemplate:
    id: str
    version: int
    title: str
    summary: str
    review_months: int
    limits: str = ""
    required_for_dosing: bool = False


class ConsentState(Enum):
    IN_FORCE = "in force"
    NOT_YET = "not yet signed"  # signed after the day asked about
    EXPIRED = "review overdue"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ConsentRecord:
    id: int
    client_id: int
    template_id: str
    template_version: int
    signed_on: date
    review_on: date
    withdrawn_on: date | None = None
    withdrawal_reason: str = ""

    def state(self, on: date) -> ConsentState:
        if self.withdrawn_on is not None and self.withdrawn_on <= on:
            return ConsentState.WITHDRAWN
        if on < self.signed_on:
            return ConsentState.NOT_YET
        if on > self.review_on:
            return ConsentState.EXPIRED
        return ConsentState.IN_FORCE

    def in_force(self, on: date) -> bool:
        return self.state(on) is ConsentState.IN_FORCE


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, the last day of a shorter month when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_template(doc: object, name: str) -> ConsentTemplate:
    """One template file, checked; a bad one names the file and the field."""
    def fail(field: str, why: str) -> ValidationError:
        return ValidationError(f"{name}: {field}", why)

    if not isinstance(doc, Mapping) or doc.get("format") != TEMPLATE_FORMAT:
        raise fail("format", f"must be {TEMPLATE_FORMAT}.")
    for key in ("id", "title", "summary"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise fail(key, "must be non-empty text.")
    version, months = doc.get("version"), doc.get("review_months")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fail("version", "must be a whole number from 1.")
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 120:
        raise fail("review_months", "must be a whole number of months from 1 to 120.")
    return ConsentTemplate(doc["id"], version, doc["title"], doc["summary"], months,
                           str(doc.get("limits", "")), bool(doc.get("required_for_dosing")))


def in_force(records: list[ConsentRecord], on: date) -> list[ConsentRecord]:
    """The records in force on `on`, newest signing first."""
    return sorted((r for r in records if r.in_force(on)), key=lambda r: r.signed_on,
                  reverse=True)
