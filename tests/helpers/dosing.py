"""What a dosing session needs before its first device (a screen on the client's record and a
pre-dose blood pressure), for tests in any folder."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem

SCREENER = "Dr Kim Sample"


def clean_screen(day: date) -> Screen:
    """A contraindication screen answered "no" throughout."""
    return Screen(day, tuple(ScreenAnswer(i, Answer.NO) for i in ScreenItem))


def screen_client(services: Any, session_id: int, day: date, *, by: str = SCREENER) -> None:
    """A clean screen on the record of the session's client."""
    services.monitoring.save_screen(services.notes.client_id_of(session_id), clean_screen(day),
                                    screened_by=by)


def ready_to_dose(services: Any, session_id: int, at: datetime, *, minutes_before: int = 10,
                  by: str = SCREENER) -> None:
    """A screen on record and a pre-dose blood pressure `minutes_before` the dose at `at`."""
    screen_client(services, session_id, at.date(), by=by)
    services.monitoring.add_reading(session_id, "pre_dose", {"systolic": 128, "diastolic": 82},
                                    at=at - timedelta(minutes=minutes_before))
