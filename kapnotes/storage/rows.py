"""Conversions between stored text and Python values, shared by the repositories."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now_utc_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def date_text(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def datetime_text(value: datetime | None) -> str | None:
    """Local wall-clock time of a session, to the minute, as the therapist entered it."""
    return value.replace(tzinfo=None).isoformat(timespec="seconds") if value else None


def to_datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
