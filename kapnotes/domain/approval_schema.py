"""Reading the `approvals` and `report_periods` slots of a jurisdiction pack (format in
`resources/jurisdictions/README.md`). Registered in `SLOTS` of
kapnotes/domain/jurisdiction_schema.py; every problem is a ValidationError naming the file and
the field (`au-nsw.json: approvals[0].warn_days`). Stdlib only; it imports nothing of the pack
schema so the schema can import it.
"""

from __future__ import annotations

import re
from typing import Any

from kapnotes.domain.approval_model import HOLDERS, ApprovalRule, Holder, ReportPeriod
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.rule_model import SOURCE_KINDS, RuleSource

_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,59}$")
_MONTH_DAY = re.compile(r"^(\d\d)-(\d\d)$")
_APPROVAL_KEYS = {"id", "title", "holder", "medicines", "warn_days", "needed_after_days",
                  "report", "source", "notes"}
_PERIOD_KEYS = {"id", "report", "label", "start", "end", "due", "remind_days", "source"}
_SOURCE_KEYS = {"kind", "label", "detail"}
MAX_ITEMS = 50
REPORTS = ("tga_authorised_prescriber",)


def _fail(name: str, field: str, message: str) -> ValidationError:
    return ValidationError(f"{name}: {field}", message)


def _obj(name: str, value: Any, field: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(name, field, "must be an object")
    extra = sorted(set(value) - allowed)
    if extra:
        raise _fail(name, f"{field}.{extra[0]}", "unknown field")
    return value


def _text(name: str, d: dict[str, Any], key: str, field: str, *, required: bool = True,
          limit: int = 200) -> str:
    value = d.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise _fail(name, f"{field}.{key}",
                    f"must be a {'non-empty ' if required else ''}string of at most {limit} "
                    "characters")
    return value.strip()


def _days(name: str, value: Any, field: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 3660:
        raise _fail(name, field, "must be a whole number of days from 1 to 3660")
    return value


def _id(name: str, d: dict[str, Any], field: str) -> str:
    value = _text(name, d, "id", field, limit=60)
    if not _ID.match(value):
        raise _fail(name, f"{field}.id", "use lower-case letters, digits or _ (at most 60)")
    return value


def _source(name: str, field: str, data: Any) -> RuleSource:
    src = _obj(name, data, field, _SOURCE_KEYS)
    if src.get("kind") not in SOURCE_KINDS:
        raise _fail(name, f"{field}.kind", f"must be one of {', '.join(SOURCE_KINDS)}")
    return RuleSource(str(src["kind"]), _text(name, src, "label", field),
                      _text(name, src, "detail", field, required=False, limit=400))


def _list(name: str, value: Any, field: str) -> list[Any]:
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise _fail(name, field, f"must be a list of at most {MAX_ITEMS} items")
    return value


def _unique(name: str, key: str, items: list[Any]) -> None:
    seen: set[str] = set()
    for n, item in enumerate(items):
        if item.id in seen:
            raise _fail(name, f"{key}[{n}].id", f"'{item.id}' is used twice")
        seen.add(item.id)


def read_approval(name: str, field: str, data: Any) -> ApprovalRule:
    d = _obj(name, data, field, _APPROVAL_KEYS)
    holder = d.get("holder")
    if holder not in HOLDERS:
        raise _fail(name, f"{field}.holder", f"must be one of {', '.join(HOLDERS)}")
    medicines = _list(name, d.get("medicines", []), f"{field}.medicines")
    for n, m in enumerate(medicines):
        if not isinstance(m, str) or not _ID.match(m):
            raise _fail(name, f"{field}.medicines[{n}]", "must be a medicine in lower case")
    report = _text(name, d, "report", field, required=False, limit=60)
    if report and report not in REPORTS:
        raise _fail(name, f"{field}.report", f"must be one of {', '.join(REPORTS)}")
    return ApprovalRule(
        id=_id(name, d, field), title=_text(name, d, "title", field), holder=Holder(holder),
        medicines=tuple(medicines),
        warn_days=int(_days(name, d.get("warn_days"), f"{field}.warn_days") or 0),
        needed_after_days=_days(name, d.get("needed_after_days"), f"{field}.needed_after_days",
                                optional=True),
        report=report, source=_source(name, f"{field}.source", d.get("source")),
        notes=_text(name, d, "notes", field, required=False, limit=1000))


def read_approvals(name: str, key: str, value: Any) -> tuple[ApprovalRule, ...]:
    rules = [read_approval(name, f"{key}[{n}]", v) for n, v in enumerate(_list(name, value, key))]
    _unique(name, key, rules)
    return tuple(rules)


def _month_day(name: str, d: dict[str, Any], key: str, field: str) -> tuple[int, int]:
    text = _text(name, d, key, field, limit=5)
    match = _MONTH_DAY.match(text)
    if match is None or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31):
        raise _fail(name, f"{field}.{key}", "must be a month and day like 07-31")
    return int(match[1]), int(match[2])


def read_period(name: str, field: str, data: Any) -> ReportPeriod:
    d = _obj(name, data, field, _PERIOD_KEYS)
    report = _text(name, d, "report", field, limit=60)
    if report not in REPORTS:
        raise _fail(name, f"{field}.report", f"must be one of {', '.join(REPORTS)}")
    period = ReportPeriod(
        id=_id(name, d, field), report=report, label=_text(name, d, "label", field),
        start=_month_day(name, d, "start", field), end=_month_day(name, d, "end", field),
        due=_month_day(name, d, "due", field),
        remind_days=int(_days(name, d.get("remind_days"), f"{field}.remind_days") or 0),
        source=_source(name, f"{field}.source", d.get("source")))
    try:
        first, last, _due = period.dates(2024)  # a leap year: 02-29 is a real day
    except ValueError:
        raise _fail(name, field, "names a day that does not exist") from None
    if last < first:
        raise _fail(name, f"{field}.end", "must not be before the start in the same year")
    return period


def read_report_periods(name: str, key: str, value: Any) -> tuple[ReportPeriod, ...]:
    periods = [read_period(name, f"{key}[{n}]", v)
               for n, v in enumerate(_list(name, value, key))]
    _unique(name, key, periods)
    return tuple(periods)
