"""Time as the services see it: injectable, so tests control it and nothing sleeps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Local wall-clock time, naive, as a therapist reads it on the wall."""
    return datetime.now()


def aware(moment: datetime) -> datetime:
    """The instant as an aware local time: a naive time is read as local wall-clock time (the
    offset in force then, so 01:30 and 03:30 across a daylight-saving start are one hour
    apart), an aware one is converted. Monitoring arithmetic uses these, never naive times."""
    return moment.astimezone()


def stored_local(stamp: str) -> datetime | None:
    """A stored ISO time (a UTC "Z" stamp included) as naive local wall-clock time, as a
    person reads it; None when the text is not such a time."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment

def today(clock: Clock) -> date:
    return clock().date()


def utc_stamp(clock: Clock) -> str:
    """The clock's instant in UTC, as the supervision files and their records store it."""
    return aware(clock()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
