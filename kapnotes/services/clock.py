"""Time as the services see it: injectable, so tests control it and nothing sleeps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Local wall-clock time, naive, as a therapist reads it on the wall."""
    return datetime.now()


def utc_now() -> datetime:
    return datetime.now(UTC)


def today(clock: Clock) -> date:
    return clock().date()
