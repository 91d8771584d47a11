"""Vital-sign readings of a dosing session: what may be entered, and what calls for attention.

Plausible ranges (inclusive) refuse typing slips, not unusual patients: systolic 50–260 mmHg,
diastolic 30–160 mmHg (and below systolic), heart rate 30–220 /min, SpO2 50–100 %.
Thresholds (DOMAIN.md, monitoring record) are practice settings with these defaults:
- before the dose, BP above 140/90 (systolic > 140 OR diastolic > 90) → caution, consider
  delaying the dose;
- at any time, BP above 180/110 (systolic > 180 OR diastolic > 110) → alert;
- SpO2 below 92 % → alert;
- heart rate above / below a limit → caution, only when the practice sets a limit (off by
  default).
"Above" is strict: 140/90 is not above 140/90; 141/90 and 140/91 are.
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

# field → (low, high, unit, label); inclusive bounds.
VITALS_RANGES: dict[str, tuple[int, int, str, str]] = {
    "systolic": (50, 260, "mmHg", "Systolic blood pressure"),
    "diastolic": (30, 160, "mmHg", "Diastolic blood pressure"),
    "heart_rate": (30, 220, "/min", "Heart rate"),
    "spo2": (50, 100, "%", "SpO2"),
}


@dataclass(frozen=True)
class VitalsReading:
    """One set of vitals; any value may be absent but at least one must be present.

    Systolic and diastolic come together or not at all. Invalid values are refused on
    construction with a ValidationError naming the field and the allowed range.
    """

    role: ReadingRole
    taken_at: datetime | None = None
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None

    def __post_init__(self) -> None:
        values = {f: getattr(self, f) for f in VITALS_RANGES}
        if all(v is None for v in values.values()):
            raise ValidationError("vitals", "enter at least one value")
        for field, value in values.items():
            if value is None:
                continue
            low, high, unit, label = VITALS_RANGES[field]
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(field, f"{label} must be a whole number")
            if not low <= value <= high:
                raise ValidationError(
                    field, f"{label} must be between {low} and {high} {unit} (got {value})"
                )
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


class Severity(StrEnum):
    CAUTION = "caution"
    ALERT = "alert"


@dataclass(frozen=True)
class VitalsThresholds:
    """Practice settings for findings; limits are exclusive ("above 140" means > 140)."""

    delay_systolic_above: int = 140
    delay_diastolic_above: int = 90
    alert_systolic_above: int = 180
    alert_diastolic_above: int = 110
    alert_spo2_below: int = 92
    caution_heart_rate_above: int | None = None
    caution_heart_rate_below: int | None = None

    def __post_init__(self) -> None:
        if self.delay_systolic_above > self.alert_systolic_above:
            raise ValidationError("delay_systolic_above", "must not exceed the alert level")
        if self.delay_diastolic_above > self.alert_diastolic_above:
            raise ValidationError("delay_diastolic_above", "must not exceed the alert level")


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
        if sys_ > t.alert_systolic_above or dia > t.alert_diastolic_above:
            limit = f"{t.alert_systolic_above}/{t.alert_diastolic_above}"
            findings.append(VitalsFinding(
                "bp_alert", Severity.ALERT, "blood_pressure",
                f"Blood pressure {bp} is above {limit}.",
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
