"""Dosing-session monitoring: the clock from the first device, observations, and what must be
justified in writing before the record is signed (docs/DOMAIN.md, "The dosing-session
monitoring record"; the reasons signing needs: docs/CLINICAL-RULES.md).

Rules:
- Minutes are counted from the first device (or start of infusion / injection).
- The ~40-minute blood pressure is due from minute 35 and late after minute 50, until a
  reading with the 40-minute role and a blood pressure exists.
- The 2-hour minimum is reached at minute 120; from then discharge assessment can begin and
  the end-of-session blood pressure is prompted for.
- Signing needs a written reason when any of these holds: the first device time is missing,
  monitoring (to the end time, or to `now` if none) lasted under 120 minutes, or the
  pre-dose, ~40-minute or end-of-session blood pressure is missing.
- A first device time later than `now` (a device clock running ahead of the workstation, or a
  time typed a little ahead) is kept as recorded: nothing is due yet, and the monitoring time
  is unknown rather than negative, so signing names it (`FIRST_DEVICE_AFTER_NOW`) instead of
  counting minutes.
No function reads the real clock: `now` is always passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kapnotes.domain.dates import plural
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.vitals import ReadingRole, VitalsReading

FORTY_MINUTE_WINDOW = (35, 50)
MINIMUM_MONITORING_MINUTES = 120
# Minutes after the first device a reading may carry each role (inclusive; None = open end):
# the ~40-minute reading from minute 30 to 60 (its due window 35–50, with slack either side),
# the end-of-session reading from minute 60. A pre-dose reading comes before the first device.
ROLE_WINDOWS: dict[ReadingRole, tuple[int, int | None]] = {
    ReadingRole.FORTY_MINUTES: (30, 60),
    ReadingRole.END_OF_SESSION: (60, None),
}

PROMPT_FORTY_MINUTE_DUE = "40-minute blood pressure due"
PROMPT_FORTY_MINUTE_LATE = "40-minute blood pressure overdue (due at 35–50 minutes)"
PROMPT_TWO_HOURS = "2-hour minimum reached: discharge assessment can begin"


def minimum_reached_prompt(minimum_minutes: float) -> str:
    """PROMPT_TWO_HOURS for the minimum in force ("150-minute minimum reached: …")."""
    return f"{minimum_span(minimum_minutes)} minimum reached: discharge assessment can begin"


PROMPT_END_BP = "End-of-session blood pressure due before the client leaves"

FIRST_DEVICE_AFTER_NOW = "first_device_after_now"


def first_device_after_message(first_device_at: datetime) -> str:
    """Why no monitoring time can be given when the first device is later than the check:
    the time stays as recorded (the clinician may be right and the workstation wrong)."""
    return (f"First device time ({first_device_at:%H:%M}) is after the time of this check, "
            "so the monitoring time is unknown: check the device and workstation clocks.")


def reading_after_clock_note(taken_at: datetime, now: datetime) -> str:
    """"" unless a typed reading time is later than `now` (a monitor's clock running a little
    fast); then the word said at entry. The time is kept as typed, never moved to `now`
    (docs/DATES.md, "Clocks that disagree")."""
    if taken_at <= now:
        return ""
    return (f"Reading time {taken_at:%H:%M} is later than this computer's clock "
            f"({now:%H:%M}); it is kept as typed. Check the monitor's and the computer's "
            "clocks.")


class ReadingDue(StrEnum):
    NOT_YET = "not_yet"
    DUE = "due"
    LATE = "late"
    DONE = "done"


def _has_bp(readings: Sequence[VitalsReading], role: ReadingRole) -> bool:
    return any(r.role is role and r.has_blood_pressure for r in readings)


@dataclass(frozen=True)
class MonitoringClock:
    """Minutes since the first device, and what comes due when; `minimum_minutes` is the
    rule in force (monitoring_minimum_time, which a practice may lengthen)."""

    first_device_at: datetime
    minimum_minutes: float = MINIMUM_MONITORING_MINUTES

    def started(self, now: datetime) -> bool:
        """Whether `now` is at or after the first device (false while its time is ahead)."""
        return now >= self.first_device_at

    def elapsed(self, now: datetime) -> timedelta:
        """Time since the first device; callers ask `started` first, as a negative span
        means no monitoring time, not a short one."""
        if not self.started(now):
            raise ValidationError("now", "is before the first device was given")
        return now - self.first_device_at

    def minutes_or_none(self, now: datetime) -> int | None:
        """Whole minutes since the first device (rounded down, as a clock shows them), or None
        while the first device is later than `now`: the monitoring time is then unknown, not
        negative. Every reader of "minutes so far" asks here, so the rule has one home."""
        if not self.started(now):
            return None
        return int(self.elapsed(now).total_seconds() // 60)

    @property
    def two_hour_minimum_at(self) -> datetime:
        return self.first_device_at + timedelta(minutes=self.minimum_minutes)

    def two_hour_minimum_reached(self, now: datetime) -> bool:
        return now >= self.two_hour_minimum_at

    def minutes_to_two_hours(self, now: datetime) -> int:
        """Whole minutes left until the 2-hour minimum (rounded up; 0 once reached)."""
        left = (self.two_hour_minimum_at - now).total_seconds()
        return max(0, -int(-left // 60))

    def forty_minute_reading(
        self, now: datetime, readings: Sequence[VitalsReading] = ()
    ) -> ReadingDue:
        if _has_bp(readings, ReadingRole.FORTY_MINUTES):
            return ReadingDue.DONE
        if not self.started(now):
            return ReadingDue.NOT_YET
        minute = self.elapsed(now).total_seconds() / 60
        start, end = FORTY_MINUTE_WINDOW
        if minute < start:
            return ReadingDue.NOT_YET
        return ReadingDue.DUE if minute <= end else ReadingDue.LATE

    def forty_minute_due(self, now: datetime, readings: Sequence[VitalsReading] = ()) -> bool:
        return self.forty_minute_reading(now, readings) in (ReadingDue.DUE, ReadingDue.LATE)

    def prompts(
        self, now: datetime, readings: Sequence[VitalsReading] = ()
    ) -> tuple[str, ...]:
        """Prompts to show now, in the order they come due."""
        prompts = []
        forty = self.forty_minute_reading(now, readings)
        if forty is ReadingDue.DUE:
            prompts.append(PROMPT_FORTY_MINUTE_DUE)
        elif forty is ReadingDue.LATE:
            prompts.append(PROMPT_FORTY_MINUTE_LATE)
        if self.two_hour_minimum_reached(now):
            prompts.append(minimum_reached_prompt(self.minimum_minutes))
            if not _has_bp(readings, ReadingRole.END_OF_SESSION):
                prompts.append(PROMPT_END_BP)
        return tuple(prompts)


def check_role_time(role: ReadingRole, taken_at: datetime, first_device_at: datetime | None,
                    windows: dict[ReadingRole, tuple[int, int | None]] | None = None) -> None:
    """Refuse a reading whose role does not fit its time (ValidationError("role") stating the
    window): pre-dose only before the first device, the others only in `ROLE_WINDOWS`."""
    if role is ReadingRole.PRE_DOSE:
        if first_device_at is not None and taken_at > first_device_at:
            minute = int((taken_at - first_device_at).total_seconds() // 60)
            raise ValidationError("role", f"a pre-dose reading is taken before the first "
                                          f"device; this one is at minute {minute} after it")
        return
    window = (ROLE_WINDOWS if windows is None else windows).get(role)
    if window is None:
        return
    start, end = window
    fits = f"minutes {start}–{end}" if end is not None else f"minute {start} or later"
    if first_device_at is None:
        raise ValidationError("role", f"a \"{role.label}\" reading is timed from the first "
                                      f"device ({fits}): record the first device first")
    elapsed = (taken_at - first_device_at).total_seconds() / 60
    if elapsed < start or (end is not None and elapsed > end):
        raise ValidationError("role", f"a \"{role.label}\" reading fits {fits} after the "
                                      f"first device; this one is at minute {int(elapsed)}: "
                                      "choose \"Extra reading\" or check the time")


MOAAS_LABELS = {
    5: "Responds readily to name spoken in normal tone (alert)",
    4: "Lethargic response to name spoken in normal tone",
    3: "Responds only after name is called loudly and/or repeatedly",
    2: "Responds only after mild prodding or shaking",
    1: "Responds only after painful trapezius squeeze",
    0: "No response after painful trapezius squeeze (unresponsive)",
}


def moaas_label(score: int) -> str:
    """The MOAA/S label for a score 0 (unresponsive) … 5 (alert)."""
    if isinstance(score, bool) or score not in MOAAS_LABELS:
        raise ValidationError("moaas", "MOAA/S must be a whole number from 0 to 5")
    return MOAAS_LABELS[score]


class Intensity(StrEnum):
    """Severity of an adverse effect, or degree of observed dissociation."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


@dataclass(frozen=True)
class SedationObservation:
    """Sedation (MOAA/S) and dissociation (observed, optionally CADSS 0–92) at one time."""

    observed_at: datetime
    moaas: int
    dissociation: Intensity = Intensity.NONE
    cadss_total: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        moaas_label(self.moaas)
        if self.cadss_total is not None and (
            isinstance(self.cadss_total, bool) or self.cadss_total not in range(93)
        ):
            raise ValidationError("cadss_total", "CADSS total must be a whole number 0–92")


class AdverseEffect(StrEnum):
    """Adverse effects the monitoring record lists, plus "other" (described in the note)."""

    DISSOCIATION = "dissociation"
    NAUSEA = "nausea"
    VOMITING = "vomiting"
    DIZZINESS = "dizziness"
    HEADACHE = "headache"
    RAISED_BP = "raised_bp"
    ANXIETY = "anxiety"
    PERCEPTUAL_DISTURBANCE = "perceptual_disturbance"
    SEDATION = "sedation"
    OTHER = "other"

    @property
    def label(self) -> str:
        return "Raised blood pressure" if self is AdverseEffect.RAISED_BP else (
            self.value.replace("_", " ").capitalize())


@dataclass(frozen=True)
class AdverseEffectEntry:
    """One adverse effect with its severity; `serious` marks it for adverse-event reporting."""

    effect: AdverseEffect
    severity: Intensity
    note: str = ""
    serious: bool = False

    def __post_init__(self) -> None:
        if self.severity is Intensity.NONE:
            raise ValidationError("severity", "an adverse effect is mild, moderate or severe")
        if self.effect is AdverseEffect.OTHER and not self.note.strip():
            raise ValidationError("note", "describe the adverse effect")


@dataclass(frozen=True)
class MonitoringRecord:
    """The monitoring data of one dosing session that the signing rules look at."""

    first_device_at: datetime | None = None
    ended_at: datetime | None = None
    readings: tuple[VitalsReading, ...] = ()
    sedation: tuple[SedationObservation, ...] = ()
    adverse_effects: tuple[AdverseEffectEntry, ...] = ()
    respiratory_depression: bool | None = None
    interventions: str = ""
    ready_to_leave_minutes: int | None = None

    def __post_init__(self) -> None:
        if (self.first_device_at is not None and self.ended_at is not None
                and self.ended_at < self.first_device_at):
            raise ValidationError("ended_at", "is before the first device was given")
        if self.ready_to_leave_minutes is not None and (
            isinstance(self.ready_to_leave_minutes, bool)
            or self.ready_to_leave_minutes not in range(0, 24 * 60 + 1)
        ):
            raise ValidationError("ready_to_leave_minutes", "must be 0 to 1440 minutes")


@dataclass(frozen=True)
class SigningBlocker:
    """A reason signing needs a written justification; `code` is stable, `message` plain."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def signing_blockers(record: MonitoringRecord, now: datetime,
                     minimum_minutes: float = MINIMUM_MONITORING_MINUTES,
                     ) -> tuple[SigningBlocker, ...]:
    """Reasons a written justification is needed to sign (rules in the module docstring);
    `minimum_minutes` is the rule in force (kapnotes/domain/signing.py passes it)."""
    blockers = []
    if record.first_device_at is None:
        blockers.append(SigningBlocker(
            "no_first_device_time",
            "Time of the first device is not recorded, so 2 hours of monitoring is not shown.",
        ))
    elif (minutes := MonitoringClock(record.first_device_at).minutes_or_none(
            record.ended_at or now)) is None:
        # Only `now` can be early: MonitoringRecord refuses an end before the first device.
        blockers.append(SigningBlocker(
            FIRST_DEVICE_AFTER_NOW, first_device_after_message(record.first_device_at)))
    elif minutes < minimum_minutes:
        blockers.append(SigningBlocker(
            "monitoring_under_2_hours",
            f"Monitoring lasted {plural(minutes, 'minute')}, less than the "
            f"{minimum_span(minimum_minutes)} minimum.",
        ))
    for role, code, text in (
        (ReadingRole.PRE_DOSE, "missing_pre_dose_bp", "Pre-dose blood pressure"),
        (ReadingRole.FORTY_MINUTES, "missing_40_minute_bp", "~40-minute blood pressure"),
        (ReadingRole.END_OF_SESSION, "missing_end_bp", "End-of-session blood pressure"),
    ):
        if not _has_bp(record.readings, role):
            blockers.append(SigningBlocker(code, f"{text} is not recorded."))
    return tuple(blockers)


def minimum_span(minutes: float) -> str:
    """"2-hour" for 120, "150-minute" for 150: the minimum as a clinician says it."""
    return f"{minutes / 60:g}-hour" if minutes % 60 == 0 else f"{minutes:g}-minute"
