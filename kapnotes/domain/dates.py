"""The one way dates and times read to a person, in the window and in every PDF.

Every screen and report formats through this module, so a therapist never meets two forms
of the same day. ISO 8601 (`2026-12-03`) is kept for files, JSON and the database only.

The order of day and month follows the user's locale (`LC_ALL`, `LC_TIME`, `LANG`): month
first where that is the custom (en_US and a few others), day first everywhere else. Month
and weekday names are English, like the rest of the app, and spelled out as three letters, so
"3 Dec 2026" cannot be misread whichever order a reader is used to. Times are 24-hour: clinical
records (doses, vitals) must not hinge on an am/pm mark. See docs/DATES.md.

Stdlib only: the window (Qt) and the PDF builder (reportlab) both import it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
from collections.abc import Iterator
from contextvars import ContextVar

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NONE_TEXT = "—"

# Regions whose readers write the month first (CLDR's "M/d/y" short date pattern).
_MONTH_FIRST_REGIONS = frozenset({"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "UM",
                                  "VI", "BZ"})
_override: bool | None = None  # tests and the CLI may pin the order
_held: ContextVar[bool | None] = ContextVar("kapnotes_month_first_held", default=None)


def month_first() -> bool:
    """True when the user's locale writes the month before the day."""
    if _override is not None:
        return _override
    held = _held.get()
    if held is not None:
        return held
    env = os.environ
    # Asked for every date shown (hundreds per client page): the answer is kept per locale.
    return _month_first_for(env.get("LC_ALL", ""), env.get("LC_TIME", ""), env.get("LANG", ""))


@functools.lru_cache(maxsize=8)
def _month_first_for(*values: str) -> bool:
    for value in values:
        if value:
            match = re.match(r"[a-zA-Z]{2,3}[_-]([A-Za-z]{2})", value)
            return match is not None and match[1].upper() in _MONTH_FIRST_REGIONS
    return False


@contextlib.contextmanager
def order_held() -> Iterator[None]:
    """Within the block the order is the one in force on entry, without reading the locale
    from the environment again (a course PDF formats ~600 dates; `pin_month_first` still
    wins)."""
    token = _held.set(month_first())
    try:
        yield
    finally:
        _held.reset(token)


def pin_month_first(value: bool | None) -> None:
    """Fix the order regardless of the environment (None: follow the locale again)."""
    global _override
    _override = value


def _local(moment: dt.datetime) -> dt.datetime:
    # Signatures and audit times are stored aware (UTC); session times are local and naive.
    return moment.astimezone() if moment.tzinfo is not None else moment


def human_date(day: dt.date | None, *, weekday: bool = False, empty: str = NONE_TEXT) -> str:
    """"3 Dec 2026" (or "Dec 3, 2026"); with `weekday`, "Thu 3 Dec 2026" for schedules."""
    if day is None:
        return empty
    if isinstance(day, dt.datetime):
        day = _local(day).date()
    if month_first():
        text = f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
        return f"{WEEKDAYS[day.weekday()]}, {text}" if weekday else text
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def schedule_date(day: dt.date | None, *, empty: str = "") -> str:
    """A planned or held day in a schedule, always with its weekday: "Thu 3 Dec 2026"."""
    return human_date(day, weekday=True, empty=empty)


def short_date(day: dt.date | None, *, empty: str = "") -> str:
    """Day and month without the year, for chart axes and tight columns: "3 Dec"."""
    if day is None:
        return empty
    if month_first():
        return f"{MONTHS[day.month - 1]} {day.day}"
    return f"{day.day} {MONTHS[day.month - 1]}"


def human_time(moment: dt.datetime | dt.time | None, *, empty: str = NONE_TEXT) -> str:
    """24-hour "07:05"."""
    if moment is None:
        return empty
    if isinstance(moment, dt.datetime):
        moment = _local(moment).time()
    return f"{moment.hour:02d}:{moment.minute:02d}"


def human_datetime(moment: dt.datetime | None, *, weekday: bool = False,
                   empty: str = NONE_TEXT) -> str:
    """"3 Dec 2026, 07:05" (local time; aware moments are converted)."""
    if moment is None:
        return empty
    at = _local(moment)
    return f"{human_date(at.date(), weekday=weekday)}, {human_time(at)}"


def utc_text(at_utc: str, *, seconds: bool = False) -> str:
    """An audit time as stored ("2026-11-20T09:00:12.345678Z") in the human form, kept in
    UTC and saying so: "20 Nov 2026, 09:00 UTC". Text that is not such a time is returned."""
    try:
        at = dt.datetime.fromisoformat(at_utc.replace("Z", "+00:00"))
    except ValueError:
        return at_utc
    clock = f"{at:%H:%M:%S}" if seconds else human_time(at.replace(tzinfo=None))
    return f"{human_date(at.date())}, {clock} UTC"


def qt_date_format(*, weekday: bool = True) -> str:
    """The same form as a Qt display format, for date pickers (QDateEdit)."""
    if month_first():
        return "ddd, MMM d, yyyy" if weekday else "MMM d, yyyy"
    return "ddd d MMM yyyy" if weekday else "d MMM yyyy"


def qt_datetime_format() -> str:
    return f"{qt_date_format()}, HH:mm"


_ISO_LOOSE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_WORDS = re.compile(r"^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$")
_WORDS_MONTH_FIRST = re.compile(
    r"^(?:[A-Za-z]{3,9},?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")


def _month(name: str) -> int:
    key = name[:3].casefold()
    for n, month in enumerate(MONTHS, 1):
        if month.casefold() == key and MONTH_NAMES[n - 1].casefold().startswith(
                name.casefold()):
            return n
    raise ValueError(name)


def parse_date(text: str) -> dt.date:
    """A date as a person types it: "3 Dec 2026", "Dec 3, 2026", ISO "2026-12-03", or
    numbers in the locale's order ("03/12/2026"). Raises ValueError for anything else."""
    value = text.strip()
    if match := _ISO_LOOSE.match(value):
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(value):
        a, b, year = int(match[1]), int(match[2]), int(match[3])
        month, day = (a, b) if month_first() else (b, a)
        return dt.date(year, month, day)
    if match := _WORDS.match(value):
        return dt.date(int(match[3]), _month(match[2]), int(match[1]))
    if match := _WORDS_MONTH_FIRST.match(value):
        return dt.date(int(match[3]), _month(match[1]), int(match[2]))
    raise ValueError(f"not a date: {value!r}")


def date_hint() -> str:
    """What a date field's placeholder shows: an example in the human form."""
    return f"e.g. {human_date(dt.date(1981, 3, 7))}"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """"1 minute", "2 minutes", "0 clients": a count with its noun agreeing."""
    return f"{count:,} {noun if count == 1 else (plural_form or noun + 's')}"
