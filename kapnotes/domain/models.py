"""The records a therapist keeps: clients, courses, planned slots, sessions, addenda."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class SessionKind(StrEnum):
    PREPARATION = "preparation"
    DOSING = "dosing"
    INTEGRATION = "integration"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Modality(StrEnum):
    IN_PERSON = "in_person"
    TELEHEALTH = "telehealth"

    @property
    def label(self) -> str:
        return "In person" if self is Modality.IN_PERSON else "Telehealth"


class CourseStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Client:
    """A client's record; `id` is None until stored."""

    code: str
    full_name: str
    preferred_name: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    support_person: str = ""
    support_relationship: str = ""
    support_phone: str = ""
    referring_clinician: str = ""
    prescriber: str = ""
    diagnosis: str = ""
    antidepressant_trials: int | None = None
    medicines: tuple[str, ...] = ()
    background: str = ""
    # Family members' names and nicknames recorded for the client: never printed in a
    # de-identified export, and replaced wherever free text mentions them.
    other_names: str = ""
    archived_at: datetime | None = None
    id: int | None = None

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass(frozen=True)
class ClientSummary:
    """One row of the client list."""

    id: int
    code: str
    full_name: str
    preferred_name: str
    archived: bool
    courses: int | None  # None when the list was read without counts
    sessions: int | None
    next_planned: date | None
    next_planned_kind: str | None


@dataclass(frozen=True)
class Course:
    """A treatment course; `protocol` is a protocol id (`resources/protocols/*.json` or a
    practice's file, docs/PROTOCOLS.md), stored as it is and never renamed.

    `maintenance_interval_weeks` and `dose_interval_weeks` are the intervals the course was
    planned with, where its protocol has them (esketamine maintenance, the KAP dosing
    sessions); the plan itself is stored slot by slot."""

    client_id: int
    protocol: str
    start_date: date
    title: str = ""
    prescriber: str = ""
    status: CourseStatus = CourseStatus.ACTIVE
    status_reason: str = ""
    maintenance_interval_weeks: int = 2
    dose_interval_weeks: int = 1
    id: int | None = None


@dataclass(frozen=True)
class SlotRecord:
    """A stored planned slot, with any move or skip the therapist made."""

    id: int
    course_id: int
    seq: int
    kind: SessionKind
    planned_date: date
    original_date: date
    label: str
    dose_number: int | None
    skipped: bool
    change_reason: str
    session_id: int | None

    @property
    def moved(self) -> bool:
        return self.planned_date != self.original_date


@dataclass(frozen=True)
class Session:
    """A session and its note's metadata; field values live apart (one row per field)."""

    course_id: int
    kind: SessionKind
    starts_at: datetime
    template_id: str
    template_version: int
    duration_min: int = 60
    clinician: str = ""
    modality: Modality = Modality.IN_PERSON
    linked_dosing_id: int | None = None
    signed_at: datetime | None = None
    signed_by: str = ""
    sign_reason: str = ""
    id: int | None = None

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


@dataclass(frozen=True)
class Addendum:
    session_id: int
    text: str
    author: str
    created_at: datetime
    id: int | None = None


# Marks around each match in a search snippet: control characters, which notes never hold
# (the text rules refuse them), so a literal bracket in a note is never mistaken for one.
MATCH_START = "\x02"
MATCH_END = "\x03"


@dataclass(frozen=True)
class SearchHit:
    """One full-text hit; `session_id` is None for a hit on the client record itself."""

    client_id: int
    client_code: str
    client_name: str
    session_id: int | None
    session_kind: str | None
    session_starts_at: datetime | None
    kind: str
    ref: str
    snippet: str


@dataclass(frozen=True)
class Note:
    """A session with its field values, as stored (template id/version kept with it)."""

    session: Session
    values: dict[str, object] = field(default_factory=dict)
    addenda: tuple[Addendum, ...] = ()
