"""Dates and times between Python and Qt's date widgets, typed both ways.

`QDate.toPython()` is declared to return `object` and `QDateTime(datetime)` is not in the
stubs at all, so the conversions are spelled out field by field here, once. Times are the
naive local wall-clock times the app stores for sessions.
"""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QDate, QDateTime, QTime


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def to_qdatetime(moment: datetime) -> QDateTime:
    return QDateTime(to_qdate(moment.date()),
                     QTime(moment.hour, moment.minute, moment.second))


def from_qdatetime(moment: QDateTime) -> datetime:
    clock = moment.time()
    return datetime.combine(from_qdate(moment.date()),
                            time(clock.hour(), clock.minute(), clock.second()))
