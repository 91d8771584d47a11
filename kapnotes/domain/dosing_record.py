"""The stored parts of a dosing session's monitoring record, as the repositories return them.

`kapnotes.domain.monitoring` holds the rules (clock, signing blockers); this module holds the
full record a therapist fills in (medication, route, pre-dose checks, discharge) and the
stored rows (readings, observations, adverse effects, screens, acknowledgements) with ids.
Stdlib only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.monitoring import AdverseEffectEntry, SedationObservation
from kapnotes.domain.screening import Screen
from kapnotes.domain.vitals import VitalsFinding, VitalsReading


class Medication(StrEnum):
    ESKETAMINE = "esketamine"
    KETAMINE = "ketamine"

    @property
    def label(self) -> str:
        return "Esketamine (nasal spray)" if self is Medication.ESKETAMINE else "Ketamine"


class Route(StrEnum):
    INTRANASAL = "intranasal"
    IV = "iv"
    IM = "im"
    SUBLINGUAL = "sublingual"

    @property
    def label(self) -> str:
        return _ROUTE_LABELS[self]

    @property
    def weight_based(self) -> bool:
        """IV and IM doses are prescribed per kilogram (docs/DOMAIN.md, monitoring record)."""
        return self in (Route.IV, Route.IM)


_ROUTE_LABELS = {
    Route.INTRANASAL: "Intranasal",
    Route.IV: "Intravenous (IV)",
    Route.IM: "Intramuscular (IM)",
    Route.SUBLINGUAL: "Sublingual / oral lozenge",
}

# Columns of the record a caller may change one at a time; the value types they take.
TEXT_FIELDS = ("lot_number", "monitoring_clinician", "setting", "interventions", "escort")
CHECK_FIELDS = (
    "fasting_food", "fasting_liquids", "screen_reviewed", "predose_vitals_ok",
    "respiratory_depression", "discharge_vitals_ok", "no_driving_advised",
)


@dataclass(frozen=True)
class DosingDetails:
    """Everything on the monitoring form that is one value per session.

    Yes/no items are None until answered, so "not checked" and "checked: no" differ.
    `ended_at` is the discharge time (end of monitoring).
    """

    session_id: int
    medication: Medication | None = None
    route: Route | None = None
    dose_mg: float | None = None
    weight_kg: float | None = None
    lot_number: str = ""
    monitoring_clinician: str = ""
    setting: str = ""
    fasting_food: bool | None = None
    fasting_liquids: bool | None = None
    screen_reviewed: bool | None = None
    predose_vitals_ok: bool | None = None
    respiratory_depression: bool | None = None
    interventions: str = ""
    ended_at: datetime | None = None
    infusion_end_at: datetime | None = None
    ready_to_leave_minutes: int | None = None
    discharge_vitals_ok: bool | None = None
    escort: str = ""
    no_driving_advised: bool | None = None

    def __post_init__(self) -> None:
        minutes = self.ready_to_leave_minutes
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, int)
            or not 0 <= minutes <= 24 * 60
        ):
            raise ValidationError("ready_to_leave_minutes", "must be 0 to 1440 minutes")


@dataclass(frozen=True)
class DeviceTime:
    """When one esketamine device (or an IV/IM/sublingual dose) was given."""

    id: int
    given_at: datetime


def first_device_time(devices: Sequence[DeviceTime]) -> datetime | None:
    """When dosing began: the first device of a session's (read in time order), if any."""
    return devices[0].given_at if devices else None


@dataclass(frozen=True)
class Booster:
    """An extra dose during the session (IV/IM top-up), with its time."""

    id: int
    given_at: datetime
    dose_mg: float


@dataclass(frozen=True)
class ClientWeight:
    """A weight on the client record: kilograms, and what was typed (value and unit)."""

    id: int
    client_id: int
    measured_on: date
    weight_kg: float
    entered_value: float
    entered_unit: str  # "kg" or "lb"

    def shown(self) -> str:
        kg = f"{self.weight_kg:.1f}".rstrip("0").rstrip(".")
        if self.entered_unit == "lb":
            return f"{kg} kg ({self.entered_value:g} lb)"
        return f"{kg} kg"


@dataclass(frozen=True)
class RuleOverride:
    """A written reason given to go past a clinical rule; kept with the session's record."""

    id: int
    session_id: int
    rule_id: str
    message: str
    reason: str
    given_by: str
    given_at: datetime


@dataclass(frozen=True)
class StoredReading:
    """A stored reading; `struck_at`/`change_reason` when struck or replaced by a correction
    (`corrects_id` on the correction names the original), `entered_at` when it was typed."""

    id: int
    reading: VitalsReading
    findings: tuple[VitalsFinding, ...] = ()
    entered_at: datetime | None = None
    struck_at: datetime | None = None
    change_reason: str = ""
    corrects_id: int | None = None

    @property
    def struck(self) -> bool:
        return self.struck_at is not None

    def with_findings(self, findings: tuple[VitalsFinding, ...]) -> StoredReading:
        """`replace(self, findings=findings)`, written out: a course summary assesses
        ~330 readings, and `replace` cost twice this per reading (tests/domain/
        test_stored_reading.py keeps the list of fields in step)."""
        return StoredReading(self.id, self.reading, findings, self.entered_at, self.struck_at,
                             self.change_reason, self.corrects_id)


@dataclass(frozen=True)
class StoredObservation:
    id: int
    observation: SedationObservation


@dataclass(frozen=True)
class StoredAdverseEffect:
    id: int
    entry: AdverseEffectEntry
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class StoredScreen:
    """A client's contraindication screen as saved; every save is kept (the history)."""

    id: int
    client_id: int
    screen: Screen
    screened_by: str = ""


@dataclass(frozen=True)
class ScreeningAck:
    """The therapist saw these screening warnings before recording a dosing session."""

    id: int
    session_id: int
    acknowledged_at: datetime
    acknowledged_by: str
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class VitalsPoint:
    """One reading placed on the course chart: minutes from the first device (negative before)."""

    minute: float
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None
    spo2: int | None


@dataclass(frozen=True)
class SessionVitals:
    """The readings of one dosing session, for the course vitals chart."""

    session_id: int
    starts_at: datetime
    points: tuple[VitalsPoint, ...]

