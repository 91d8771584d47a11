"""How long a client's records are kept: the jurisdiction pack's `retention` slot
(docs/JURISDICTIONS.md names each rule's source) and the date a record may be destroyed.

Adults: `adult_years` after the last entry. A client first seen as a minor (under
`minor_age` on the first session): also until they turn `minor_until_age`, whichever is later.
Nothing is ever deleted automatically; the date only lists a record as past it. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kapnotes.domain.approval_schema import _fail, _obj, _source
from kapnotes.domain.rule_model import RuleSource

_KEYS = {"adult_years", "minor_age", "minor_until_age", "source"}


@dataclass(frozen=True)
class RetentionRule:
    adult_years: int
    minor_age: int  # under this age on the first session: the minor rule applies too
    minor_until_age: int
    source: RuleSource


def _whole(name: str, field: str, value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _fail(name, field, f"must be a whole number from {low} to {high}")
    return value


def read_retention(name: str, key: str, value: Any) -> RetentionRule:
    """The slot reader (kapnotes/domain/jurisdiction_schema.py `SLOTS`)."""
    d = _obj(name, value, key, _KEYS)
    return RetentionRule(
        adult_years=_whole(name, f"{key}.adult_years", d.get("adult_years"), 1, 100),
        minor_age=_whole(name, f"{key}.minor_age", d.get("minor_age", 18), 1, 25),
        minor_until_age=_whole(name, f"{key}.minor_until_age", d.get("minor_until_age"),
                               1, 100),
        source=_source(name, f"{key}.source", d.get("source")))


def add_years(day: date, years: int) -> date:
    """`day` plus whole years (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class RetentionDate:
    keep_until: date
    first_seen_as_minor: bool
    birth_date_unknown: bool


def keep_until(rule: RetentionRule, *, last_entry: date, first_seen: date,
               born: date | None) -> RetentionDate:
    """The earliest date the records may be destroyed under `rule`."""
    adult = add_years(last_entry, rule.adult_years)
    if born is None:
        return RetentionDate(adult, False, True)
    minor = age_on(born, first_seen) < rule.minor_age
    until = max(adult, add_years(born, rule.minor_until_age)) if minor else adult
    return RetentionDate(until, minor, False)
