"""What the monitoring screen and the course views show, computed from stored data: the clock
line, the role a new reading most likely has, alerts per session, and chart points.

Plain functions over domain values so the UI never re-derives a clinical rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kapnotes.domain.dosing_record import (
    SessionVitals,
    StoredAdverseEffect,
    VitalsPoint,
)
from kapnotes.domain.monitoring import (
    FORTY_MINUTE_WINDOW,
    MINIMUM_MONITORING_MINUTES,
    MonitoringClock,
    ReadingDue,
    minimum_span,
)
from kapnotes.domain.vitals import (
    ReadingRole,
    Severity,
    VitalsFinding,
    VitalsReading,
    VitalsThresholds,
)
from kapnotes.domain.vitals import assess as assess_reading
from kapnotes.services.clock import aware

FORTY_MINUTES = 40


class ClockLevel:
    """How urgent the clock line is; the UI maps these to colours."""

    IDLE = "idle"  # no device given yet
    RUNNING = "running"
    DUE = "due"  # a reading is due now
    LATE = "late"  # the 40-minute reading is overdue
    DONE = "done"  # 2-hour minimum reached and end BP taken, or monitoring ended


@dataclass(frozen=True)
class ClockStatus:
    minute: int | None
    text: str
    level: str


def _has_bp(readings: Sequence[VitalsReading], role: ReadingRole) -> bool:
    return any(r.role is role and r.has_blood_pressure for r in readings)


def clock_status(first_device_at: datetime | None, now: datetime,
                 readings: Sequence[VitalsReading] = (),
                 ended_at: datetime | None = None,
                 discharge_problems: Sequence[object] = (),
                 minimum_minutes: float = MINIMUM_MONITORING_MINUTES) -> ClockStatus:
    """The line under the monitoring clock, e.g. "Minute 37 since first device — 40-minute BP
    due in 3 min". Minutes are whole and rounded down, like a wall clock. An ended session is
    "done" (green) only when the client was ready to leave (`discharge_problems` empty)."""
    if first_device_at is None:
        return ClockStatus(None, "Not started: record the first device (or start of dose).",
                           ClockLevel.IDLE)
    clock = MonitoringClock(first_device_at, minimum_minutes)
    minute = clock.minutes_or_none(ended_at or now)
    if minute is None:
        return ClockStatus(0, "First device time is in the future: check it.", ClockLevel.LATE)
    head = f"Minute {minute} since first device"
    if ended_at is not None:
        if discharge_problems:
            more = len(discharge_problems) - 1
            extra = f" (+{more} more)" if more else ""
            return ClockStatus(minute, f"Discharged at minute {minute} before discharge "
                                       f"criteria were met: {discharge_problems[0]}{extra}",
                               ClockLevel.LATE)
        return ClockStatus(minute, f"Monitoring ended at minute {minute}", ClockLevel.DONE)
    parts = [head]
    level = ClockLevel.RUNNING
    forty = clock.forty_minute_reading(now, readings)
    if forty is ReadingDue.NOT_YET or (forty is ReadingDue.DUE and minute < FORTY_MINUTES):
        parts.append(f"40-minute BP due in {FORTY_MINUTES - minute} min")
        if forty is ReadingDue.DUE:
            level = ClockLevel.DUE
    elif forty is ReadingDue.DUE:
        parts.append("40-minute BP due now")
        level = ClockLevel.DUE
    elif forty is ReadingDue.LATE:
        start, end = FORTY_MINUTE_WINDOW
        parts.append(f"40-minute BP overdue (due at {start}–{end} min)")
        level = ClockLevel.LATE
    span = minimum_span(minimum_minutes)
    if clock.two_hour_minimum_reached(now):
        if _has_bp(readings, ReadingRole.END_OF_SESSION):
            parts.append(f"{span} minimum reached")
            level = ClockLevel.DONE if level == ClockLevel.RUNNING else level
        else:
            parts.append(f"{span} minimum reached — end-of-session BP due")
            level = ClockLevel.DUE if level == ClockLevel.RUNNING else level
    elif forty is ReadingDue.DONE:
        parts.append(f"{span} minimum in {clock.minutes_to_two_hours(now)} min")
    return ClockStatus(minute, " — ".join(parts), level)


def suggested_role(first_device_at: datetime | None, now: datetime,
                   readings: Sequence[VitalsReading] = (),
                   minimum_minutes: float = MINIMUM_MONITORING_MINUTES) -> ReadingRole:
    """The role a reading taken `now` most likely has: pre-dose before the first device,
    ~40 minutes while that reading is due, end of session from the 2-hour minimum."""
    if first_device_at is None:
        return ReadingRole.PRE_DOSE
    clock = MonitoringClock(first_device_at, minimum_minutes)
    if not clock.started(now):  # the first device is still ahead of `now`
        return ReadingRole.PRE_DOSE
    if clock.two_hour_minimum_reached(now):
        if _has_bp(readings, ReadingRole.END_OF_SESSION):
            return ReadingRole.EXTRA
        return ReadingRole.END_OF_SESSION
    if clock.forty_minute_due(now, readings):
        return ReadingRole.FORTY_MINUTES
    return ReadingRole.EXTRA


def banner_lines(findings: Sequence[tuple[VitalsReading, Sequence[VitalsFinding]]]) -> list[str]:
    """Findings for the banner above the vitals log, alerts first, each with its time."""
    lines: list[tuple[int, str]] = []
    for reading, found in findings:
        when = reading.taken_at.strftime("%H:%M") if reading.taken_at else "—"
        for f in found:
            rank = 0 if f.severity is Severity.ALERT else 1
            word = "ALERT" if f.severity is Severity.ALERT else "Caution"
            lines.append((rank, f"{word} ({when}, {reading.role.label}): {f.message}"))
    return [text for _, text in sorted(lines, key=lambda x: x[0])]


def session_alerts(findings: Sequence[VitalsFinding], effects: Sequence[StoredAdverseEffect],
                   respiratory_depression: bool | None) -> list[str]:
    """What marks a dosing session in the session list and timeline: alert-level vitals,
    respiratory depression, adverse effects. Cautions (consider delaying) are left out; they
    belong to the morning, not to the course's history."""
    out: list[str] = []
    for f in findings:
        if f.severity is Severity.ALERT and f.message not in out:
            out.append(f.message)
    if respiratory_depression:
        out.append("Respiratory depression.")
    for e in effects:
        serious = ", serious" if e.entry.serious else ""
        out.append(f"Adverse effect: {e.entry.effect.label} ({e.entry.severity.value}{serious}).")
    return out


def series(session_id: int, starts_at: datetime, zero: datetime | None,
           readings: Sequence[VitalsReading]) -> SessionVitals:
    """Chart points of one session, minutes from the first device (or the session start
    when no device time was recorded)."""
    origin = aware(zero or starts_at)
    points = tuple(
        VitalsPoint(
            minute=round((aware(r.taken_at) - origin).total_seconds() / 60, 1)
            if r.taken_at else 0.0,
            systolic=r.systolic, diastolic=r.diastolic, heart_rate=r.heart_rate, spo2=r.spo2,
        )
        for r in readings
    )
    return SessionVitals(session_id=session_id, starts_at=starts_at, points=points)


def _instant(moment: datetime) -> datetime:
    # Aware times compare as instants whatever their zone: only a naive one needs reading as
    # local time (stored readings are aware already; converting each cost ~600 calls a page).
    return moment if moment.tzinfo is not None else aware(moment)


def assess_at(reading: VitalsReading, first_device: datetime | None,
              thresholds: VitalsThresholds) -> tuple[VitalsFinding, ...]:
    """Findings for a reading; "before the dose" means before the first device."""
    before = (None if first_device is None or reading.taken_at is None
              else _instant(reading.taken_at) < _instant(first_device))
    if reading.role is ReadingRole.PRE_DOSE:
        before = True
    return assess_reading(reading, thresholds, before_dose=before)


@dataclass(frozen=True)
class DosingVitals:
    """One dosing session's readings (time order) and its first device time."""

    session_id: int
    starts_at: datetime
    first_device_at: datetime | None
    readings: tuple[VitalsReading, ...]


@dataclass(frozen=True)
class CourseMonitoring:
    """A course's monitoring, read once for the client page: alerts per dosing session (the
    timeline, the session list, the Vitals tab title) and, when the tab is shown, the chart."""

    alerts: dict[int, list[str]]  # session id → plain messages; sessions with none left out
    sessions: tuple[DosingVitals, ...] = ()
    thresholds: VitalsThresholds = field(default_factory=VitalsThresholds)

    def series(self) -> list[SessionVitals]:
        """Each dosing session's readings as minutes from its first device, oldest first."""
        return [series(s.session_id, s.starts_at, s.first_device_at, s.readings)
                for s in self.sessions if s.readings]


def course_monitoring(sessions: Sequence[tuple[int, datetime]],
                      readings: Mapping[int, Sequence[VitalsReading]],
                      first_devices: Mapping[int, datetime],
                      respiratory_depression: set[int],
                      effects: Mapping[int, Sequence[StoredAdverseEffect]],
                      thresholds: VitalsThresholds) -> CourseMonitoring:
    """Alerts and chart data from the course's rows, read in one query per table."""
    held = tuple(DosingVitals(sid, starts_at, first_devices.get(sid),
                              tuple(readings.get(sid, ()))) for sid, starts_at in sessions)
    return CourseMonitoring(alerts=course_alerts(held, respiratory_depression, effects,
                                                 thresholds),
                            sessions=held, thresholds=thresholds)


def course_alerts(sessions: Sequence[DosingVitals], respiratory_depression: set[int],
                  effects: Mapping[int, Sequence[StoredAdverseEffect]],
                  thresholds: VitalsThresholds) -> dict[int, list[str]]:
    """Session id → its alerts (`session_alerts`), for the sessions that have any. Each
    session's `readings` may be only those that could alert (`alert_screens`): the others
    give none."""
    alerts: dict[int, list[str]] = {}
    for s in sessions:
        findings = [f for r in s.readings for f in assess_at(r, s.first_device_at, thresholds)]
        found = session_alerts(findings, effects.get(s.session_id, ()),
                               s.session_id in respiratory_depression)
        if found:
            alerts[s.session_id] = found
    return alerts
