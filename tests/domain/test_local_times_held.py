"""A build converts each stored time to local time once (kapnotes/domain/dates.py,
`local_times_held`): every answer must be `astimezone()`'s, in a zone with summer time too,
for aware moments in any zone, naive ones (local wall-clock time) and answers asked again."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kapnotes.domain import dates

# Around Sydney's change back from summer time (5 Apr 2026, 03:00 → 02:00 local): the same
# wall-clock hour twice, and instants either side of the change.
MOMENTS = [
    datetime(2026, 4, 4, 15, 30, tzinfo=UTC),
    datetime(2026, 4, 4, 16, 30, tzinfo=UTC),
    datetime(2026, 4, 4, 15, 30, tzinfo=timezone(timedelta(hours=11))),
    datetime(2026, 10, 3, 16, 0, tzinfo=UTC),
    datetime(2026, 4, 5, 2, 30),
    datetime(2026, 4, 5, 2, 30, fold=1),
    datetime(2026, 10, 4, 2, 30),  # a wall-clock time skipped by the change
    datetime(2026, 4, 4, 15, 30),  # naive, with the fields of an aware moment above
    datetime(2026, 4, 5, 2, 30, tzinfo=ZoneInfo("Australia/Sydney")),
    datetime(2026, 4, 5, 2, 30, fold=1, tzinfo=ZoneInfo("Australia/Sydney")),
]


@pytest.fixture
def sydney(monkeypatch):
    monkeypatch.setenv("TZ", "Australia/Sydney")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _same(a: datetime, b: datetime) -> bool:
    return (a == b and a.timetuple() == b.timetuple() and a.utcoffset() == b.utcoffset()
            and a.tzname() == b.tzname())


def test_held_answers_are_astimezone_answers(sydney) -> None:
    expected = [m.astimezone() for m in MOMENTS]
    with dates.local_times_held():
        first = [dates.as_local(m) for m in MOMENTS]
        again = [dates.as_local(m) for m in reversed(MOMENTS)][::-1]
        of_answers = [dates.as_local(a) for a in first]
        printed = [dates.human_datetime(a) for a in first]
    for want, *got in zip(expected, first, again, of_answers, strict=True):
        assert all(_same(g, want) for g in got)
    assert printed == [dates.human_datetime(w) for w in expected]


def test_outside_a_hold_nothing_is_kept(sydney) -> None:
    with dates.local_times_held():
        dates.as_local(MOMENTS[0])
    assert dates._locals.get() is None
    assert _same(dates.as_local(MOMENTS[0]), MOMENTS[0].astimezone())
