"""Vital-sign readings of a dosing session: what may be entered, and what calls for attention.

Two ranges per value (inclusive), docs/CLINICAL-RULES.md:
- the usual range (systolic 50–260 mmHg, diastolic 30–160, heart rate 30–220 /min, SpO2
  50–100 %): a value outside it is refused as a likely typing slip *unless the clinician
  confirms it* (`confirmed_unusual`), because refusing a true extreme reading loses the record;
- the possible range (systolic 20–350, diastolic 10–250, heart rate 10–350, SpO2 0–100): a
  value outside it cannot be a reading and is always refused.
Thresholds are practice settings (a policy may tighten them) with these defaults:
- before the dose, BP above 140/90 (systolic > 140 OR diastolic > 90) → caution, consider
  delaying; heart rate above 100 or below 50 /min → caution, consider delaying;
- at any time, BP at or above 180/110 (systolic ≥ 180 OR diastolic ≥ 110) → alert; the
  `alert_*_above` names are kept for existing policy files but the limit itself alerts;
- SpO2 below 92 % → alert;
- heart rate at or above 120 /min, or below 50 /min → alert;
- optional practice cautions: heart rate above / below a limit (off by default).
The pre-dose "consider delaying" limits are strict: 140/90 is not above 140/90; 141/90 is.
Discharge limits (`discharge_*`, inclusive) are what the last readings must be back within
before the client leaves (kapnotes.domain.discharge).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kapnotes.domain.errors import ValidationError


class ReadingRole(StrEnum):
    """Why a reading was taken; the monitoring form asks for the first three."""

    PRE_DOSE = "pre_dose"
    FORTY_MINUTES = "forty_minutes"
    END_OF_SESSION = "end_of_session"
    EXTRA = "extra"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    ReadingRole.PRE_DOSE: "Pre-dose",
    ReadingRole.FORTY_MINUTES: "~40 minutes after dose",
    ReadingRole.END_OF_SESSION: "End of session",
    ReadingRole.EXTRA: "Extra reading",
}

# field → (low, high, unit, label); the usual range, inclusive: outside it needs confirming.
VITALS_RANGES: dict[str, tuple[int, int, str, str]] = {
    "systolic": (50, 260, "mmHg", "Systolic blood pressure"),
    "diastolic": (30, 160, "mmHg", "Diastolic blood pressure"),
    "heart_rate": (30, 220, "/min", "Heart rate"),
    "spo2": (50, 100, "%", "SpO2"),
}
# field → (low, high); the possible range, inclusive: outside it is never a reading.
VITALS_LIMITS: dict[str, tuple[int, int]] = {
    "systolic": (20, 350),
    "diastolic": (10, 250),
    "heart_rate": (10, 350),
    "spo2": (0, 100),
}
# Both ranges per field, in the order a reading's fields are checked.
_CHECKS = tuple((field, VITALS_RANGES[field], VITALS_LIMITS[field]) for field in VITALS_RANGES)


class UnusualValueError(ValidationError):
    """A value outside the usual range: refused until the clinician confirms it is real."""


@dataclass(frozen=True)
class VitalsReading:
    """One set of vitals; any value may be absent but at least one must be present.

    Systolic and diastolic come together or not at all. Invalid values are refused on
    construction with a ValidationError naming the field and the allowed range; a value
    outside the usual range raises UnusualValueError unless `confirmed_unusual` is set.
    """

    role: ReadingRole
    taken_at: datetime | None = None
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    confirmed_unusual: bool = False

    def __post_init__(self) -> None:
        # Every stored reading is checked again as it is read (~540 for a long course's page):
        # the field's values and ranges are looked up once per field, in one pass.
        present = False
        for field, (low, high, unit, label), (floor, ceiling) in _CHECKS:
            value = getattr(self, field)
            if value is None:
                continue
            present = True
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(field, f"{label} must be a whole number")
            if not floor <= value <= ceiling:
                raise ValidationError(
                    field, f"{label} of {value} {unit} is not possible "
                           f"(a reading is {floor}–{ceiling} {unit}): check it")
            if not low <= value <= high and not self.confirmed_unusual:
                raise UnusualValueError(
                    field, f"{label} {value} {unit} is outside the usual {low}–{high} {unit}:"
                           " check it, and confirm it to record it as the real reading")
        if not present:
            raise ValidationError("vitals", "enter at least one value")
        if (self.systolic is None) != (self.diastolic is None):
            missing = "diastolic" if self.diastolic is None else "systolic"
            raise ValidationError(missing, "enter both systolic and diastolic, or neither")
        if self.systolic is not None and self.diastolic is not None:
            if self.diastolic >= self.systolic:
                raise ValidationError(
                    "diastolic",
                    f"Diastolic ({self.diastolic}) must be lower than systolic ({self.systolic})",
                )

    @property
    def has_blood_pressure(self) -> bool:
        return self.systolic is not None and self.diastolic is not None

    @property
    def unusual_fields(self) -> tuple[str, ...]:
        """The values outside the usual range (recorded only after a confirmation)."""
        return tuple(f for f, (low, high, _u, _l) in VITALS_RANGES.items()
                     if (v := getattr(self, f)) is not None and not low <= v <= high)


class Severity(StrEnum):
    CAUTION = "caution"
    ALERT = "alert"


@dataclass(frozen=True)
class VitalsThresholds:
    """Practice settings for findings (the rules in the module docstring): `delay_*_above`
    is strict (> value), `alert_*_above` inclusive (≥ value), every `*_below` strict
    (< value), every `discharge_*` an inclusive limit the last reading must be within."""

    delay_systolic_above: int = 140
    delay_diastolic_above: int = 90
    alert_systolic_above: int = 180
    alert_diastolic_above: int = 110
    alert_spo2_below: int = 92
    caution_heart_rate_above: int | None = None
    caution_heart_rate_below: int | None = None
    delay_heart_rate_above: int = 100
    delay_heart_rate_below: int = 50
    alert_heart_rate_above: int = 120
    alert_heart_rate_below: int = 50
    discharge_systolic_max: int = 160
    discharge_diastolic_max: int = 100
    discharge_spo2_min: int = 94
    discharge_heart_rate_max: int = 100
    discharge_heart_rate_min: int = 50

    def __post_init__(self) -> None:
        for delay, alert in (("delay_systolic_above", "alert_systolic_above"),
                             ("delay_diastolic_above", "alert_diastolic_above"),
                             ("delay_heart_rate_above", "alert_heart_rate_above")):
            if getattr(self, delay) > getattr(self, alert):
                raise ValidationError(delay, "must not exceed the alert level")
        if self.discharge_heart_rate_min > self.discharge_heart_rate_max:
            raise ValidationError("discharge_heart_rate_min",
                                  "must not exceed discharge_heart_rate_max")


def alert_screens(t: VitalsThresholds) -> tuple[tuple[str, str, int], ...]:
    """(field, ">=" or "<", limit): every alert `assess` gives, before the dose or after,
    needs a value meeting one of these, so a read for a course's alerts alone may leave out
    the readings that meet none (`storage.monitoring.vitals_beyond`: 10 of the bench's
    100-session course's 536 are kept) and judge the rest with `assess` as usual. Kept
    beside the rules they cover; tests/domain/test_vitals_alert_screens.py checks every
    possible value against them."""
    return (("systolic", ">=", t.alert_systolic_above),
            ("diastolic", ">=", t.alert_diastolic_above),
            ("spo2", "<", t.alert_spo2_below),
            ("heart_rate", ">=", t.alert_heart_rate_above),
            ("heart_rate", "<", t.alert_heart_rate_below))


@dataclass(frozen=True)
class VitalsFinding:
    """Something in a reading that needs the clinician's attention; `message` is plain text."""

    code: str
    severity: Severity
    field: str
    message: str


def assess(
    reading: VitalsReading,
    thresholds: VitalsThresholds | None = None,
    before_dose: bool | None = None,
) -> tuple[VitalsFinding, ...]:
    """Findings for one reading, alerts and cautions in rule order (see module docstring).

    `before_dose` defaults to whether the reading's role is pre-dose. A pre-dose reading above
    the alert level gives both the alert and the "consider delaying" caution.
    """
    t = thresholds or VitalsThresholds()
    if before_dose is None:
        before_dose = reading.role is ReadingRole.PRE_DOSE
    findings: list[VitalsFinding] = []
    sys_, dia = reading.systolic, reading.diastolic
    if sys_ is not None and dia is not None:
        bp = f"{sys_}/{dia}"
        if sys_ >= t.alert_systolic_above or dia >= t.alert_diastolic_above:
            limit = f"{t.alert_systolic_above}/{t.alert_diastolic_above}"
            findings.append(VitalsFinding(
                "bp_alert", Severity.ALERT, "blood_pressure",
                f"Blood pressure {bp} is at or above {limit}.",
            ))
        if before_dose and (sys_ > t.delay_systolic_above or dia > t.delay_diastolic_above):
            limit = f"{t.delay_systolic_above}/{t.delay_diastolic_above}"
            findings.append(VitalsFinding(
                "bp_consider_delay", Severity.CAUTION, "blood_pressure",
                f"Pre-dose blood pressure {bp} is above {limit}: consider delaying the dose.",
            ))
    if reading.spo2 is not None and reading.spo2 < t.alert_spo2_below:
        findings.append(VitalsFinding(
            "spo2_low", Severity.ALERT, "spo2",
            f"SpO2 {reading.spo2}% is below {t.alert_spo2_below}%.",
        ))
    hr = reading.heart_rate
    if hr is not None:
        findings.extend(_heart_rate(hr, t, before_dose))
        if t.caution_heart_rate_above is not None and hr > t.caution_heart_rate_above:
            findings.append(VitalsFinding(
                "heart_rate_high", Severity.CAUTION, "heart_rate",
                f"Heart rate {hr}/min is above {t.caution_heart_rate_above}/min.",
            ))
        if t.caution_heart_rate_below is not None and hr < t.caution_heart_rate_below:
            findings.append(VitalsFinding(
                "heart_rate_low", Severity.CAUTION, "heart_rate",
                f"Heart rate {hr}/min is below {t.caution_heart_rate_below}/min.",
            ))
    return tuple(findings)


def _heart_rate(hr: int, t: VitalsThresholds, before_dose: bool) -> list[VitalsFinding]:
    """Heart-rate alert (≥ high or < low) and, before the dose, "consider delaying"."""
    out = []
    if hr >= t.alert_heart_rate_above:
        out.append(VitalsFinding("heart_rate_alert_high", Severity.ALERT, "heart_rate",
                                 f"Heart rate {hr}/min is at or above "
                                 f"{t.alert_heart_rate_above}/min."))
    elif hr < t.alert_heart_rate_below:
        out.append(VitalsFinding("heart_rate_alert_low", Severity.ALERT, "heart_rate",
                                 f"Heart rate {hr}/min is below {t.alert_heart_rate_below}/min."))
    if before_dose and (hr > t.delay_heart_rate_above or hr < t.delay_heart_rate_below):
        limits = f"{t.delay_heart_rate_below}–{t.delay_heart_rate_above}/min"
        out.append(VitalsFinding("heart_rate_consider_delay", Severity.CAUTION, "heart_rate",
                                 f"Pre-dose heart rate {hr}/min is outside {limits}: "
                                 "consider delaying the dose."))
    return out
