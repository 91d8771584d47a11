"""Copies of everything a PDF summary shows, gathered from the services before rendering.

The services fill these on the thread that owns the vault (fast); the summary builders and the
renderer then work on the copies alone, so a long export can run off the GUI thread and never
touches storage. Domain values are frozen dataclasses and safe to share; rows that only exist
in services or storage (timeline entries, audit entries) are copied into the small types here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kapnotes.domain.course_items import (
    CourseOutcomes,
    CourseThemes,
    Intention,
    Measure,
    ProgressMatrix,
    RiskFlag,
)
from kapnotes.domain.dosing_record import (
    Booster,
    DeviceTime,
    DosingDetails,
    RuleOverride,
    ScreeningAck,
    StoredAdverseEffect,
    StoredObservation,
    StoredReading,
    StoredScreen,
)
from kapnotes.domain.models import Addendum, Client, Course, Session, SessionKind
from kapnotes.domain.risk import RiskStatus
from kapnotes.domain.schedule_status import Adherence
from kapnotes.domain.screening import ScreeningWarning
from kapnotes.domain.templates import Template

DEFAULT_PRACTICE_NAME = "KAP Notes practice"


@dataclass(frozen=True)
class ExportOptions:
    """What the user chose for one export. De-identified unless asked otherwise (safest)."""

    deidentified: bool = True
    include_private: bool = False
    include_audit: bool = False
    # Never stored, never logged, never in repr (so a traceback cannot print it).
    password: str | None = field(default=None, repr=False)
    practice_name: str = DEFAULT_PRACTICE_NAME
    practice_logo: bytes | None = field(default=None, repr=False)  # PNG or JPEG bytes
    # The audit chain's length and newest link when exported: printed in every page footer.
    audit_head: str = ""
    app_version: str = ""
    export_date: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class DosingSnapshot:
    """The monitoring record of one dosing session."""

    details: DosingDetails
    devices: tuple[DeviceTime, ...] = ()
    readings: tuple[StoredReading, ...] = ()  # time order, findings under current thresholds
    observations: tuple[StoredObservation, ...] = ()
    adverse_effects: tuple[StoredAdverseEffect, ...] = ()
    acknowledgements: tuple[ScreeningAck, ...] = ()
    mg_per_kg: float | None = None
    boosters: tuple[Booster, ...] = ()
    # The clinical rules (docs/CLINICAL-RULES.md) as the app applied them: warnings about the
    # dose, written reasons given to go past a rule, and what stands before a signature.
    rule_warnings: tuple[str, ...] = ()
    overrides: tuple[RuleOverride, ...] = ()
    sign_refusals: tuple[str, ...] = ()
    sign_needs_reason: tuple[str, ...] = ()
    minimum_minutes: int = 120

    @property
    def first_device_at(self) -> dt.datetime | None:
        return self.devices[0].given_at if self.devices else None


@dataclass(frozen=True)
class ReviewEntry:
    """One supervisor's review record of a note (comment, verdict or co-signature), copied
    read-only from the imported reply; printed after the note, never editing it."""

    kind: str  # "comment", "verdict" or "cosignature"
    created_at: str  # UTC, when the reply was imported
    signer: str  # "Name, role, registration" as the supervisor signed
    text: str = ""
    section: str = ""  # the part of the note a comment is anchored to, if any
    verdict: str = ""  # a Verdict value for a verdict record


@dataclass(frozen=True)
class SessionSnapshot:
    """One session note as it will print: template, values, addenda, monitoring."""

    session: Session
    template: Template
    values: dict[str, object]
    number: int = 0  # n-th session of its kind in the course (1-based), 0 when unknown
    addenda: tuple[Addendum, ...] = ()
    intention_labels: dict[int, str] = field(default_factory=dict)
    linked_dose: str = ""  # e.g. "Dosing 2, 2026-11-12" for an integration session
    dosing: DosingSnapshot | None = None
    measures: tuple[Measure, ...] = ()  # rating scales entered for this session
    scale_names: dict[str, str] = field(default_factory=dict)
    risk_flags: tuple[RiskFlag, ...] = ()
    measure_notes: dict[int, str] = field(default_factory=dict)  # measure id → subscores, gaps
    scale_risk: RiskStatus | None = None  # the client's scale risk on the session's date
    # (digest of the note, newest digest with addenda, both match the seals made at
    # signing) of a signed note, computed from its content at export; None for a draft.
    seal: tuple[str, str, bool] | None = None
    sign_answered: tuple[str, ...] = ()  # what a signing reason answered, in words
    review_status: str = ""  # a ReviewStatus value: "" when never sent for supervision
    reviews: tuple[ReviewEntry, ...] = ()  # oldest first
    events: tuple[tuple[dt.datetime, str, str], ...] = ()  # event log: (time, kind label, text)

    @property
    def kind(self) -> SessionKind:
        return self.session.kind


@dataclass(frozen=True)
class SlotRow:
    """A planned slot of the course with its status on the export date."""

    seq: int
    kind: SessionKind
    planned_date: dt.date
    label: str
    status: str  # a schedule_status.SlotStatus value
    held_on: dt.date | None = None
    skipped: bool = False
    moved: bool = False
    change_reason: str = ""
    moved_from: dt.date | None = None  # the date the plan first gave, when moved


@dataclass(frozen=True)
class AuditRow:
    """One audit entry concerning the course (no names or note text by the log's rule)."""

    at_utc: str
    event: str
    record_type: str
    record_id: str
    clinician: str
    outcome: str
    detail: str


@dataclass(frozen=True)
class CourseSnapshot:
    """A client's course with everything the course summary shows."""

    client: Client
    course: Course
    slots: tuple[SlotRow, ...] = ()
    adherence: Adherence | None = None
    screen: StoredScreen | None = None
    screening_warnings: tuple[ScreeningWarning, ...] = ()
    risk_flags: tuple[RiskFlag, ...] = ()
    risk: RiskStatus | None = None  # current scale risk, worded by kapnotes.domain.risk
    concomitant: dict[str, tuple[str, ...]] = field(default_factory=dict)  # medicine → classes
    intentions: tuple[Intention, ...] = ()
    progress: ProgressMatrix | None = None
    themes: CourseThemes | None = None
    outcomes: CourseOutcomes | None = None
    alerts: dict[int, tuple[str, ...]] = field(default_factory=dict)  # session id → alerts
    sessions: tuple[SessionSnapshot, ...] = ()
    audit: tuple[AuditRow, ...] | None = None  # None: not asked for
    # Supervisors' comments on a whole request (no note named) in replies about this course.
    review_comments: tuple[ReviewEntry, ...] = ()
