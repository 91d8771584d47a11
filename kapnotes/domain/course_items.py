"""Course-level items built from notes and measures: intentions, themes, stored measures.

Frozen dataclasses only (stdlib); the services fill them, the UI and export read them.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kapnotes.domain.models import Session, SessionKind
from kapnotes.domain.outcomes import CourseOutcome, ScorePoint
from kapnotes.domain.scale_model import Flag, Scale


class IntentionStatus(StrEnum):
    ACTIVE = "active"
    REVISED = "revised"  # superseded by a revision (which points back with revised_from)
    ACHIEVED = "achieved"
    LET_GO = "let_go"

    @property
    def label(self) -> str:
        return {"let_go": "Let go"}.get(self.value, self.value.capitalize())


@dataclass(frozen=True)
class Intention:
    """One intention of a course; a revision is a new Intention whose `revised_from` is the old."""

    id: int
    course_id: int
    text: str
    set_on: date
    status: IntentionStatus
    source_session_id: int | None = None
    revised_from: int | None = None
    status_changed_at: datetime | None = None
    position: int = 0

    @property
    def is_current(self) -> bool:
        return self.status is not IntentionStatus.REVISED


@dataclass(frozen=True)
class IntentionReview:
    """An intention revisited in one session: progress 0–10 (None = not rated) and a note."""

    intention_id: int
    session_id: int
    progress: int | None
    note: str


@dataclass(frozen=True)
class SessionColumn:
    """A session as a column of a course grid."""

    session_id: int
    kind: str
    on: date
    signed: bool = False


def session_columns(sessions: Iterable[Session], shown: Container[int | None]
                    ) -> tuple[SessionColumn, ...]:
    """A course grid's columns, in the order given: the sessions in `shown` and every
    integration session (one with nothing in the grid shows as a gap)."""
    return tuple(SessionColumn(session_id=int(s.id or 0), kind=s.kind.value,
                               on=s.starts_at.date(), signed=s.signed)
                 for s in sessions if s.id in shown or s.kind is SessionKind.INTEGRATION)


@dataclass(frozen=True)
class IntentionRow:
    """A row of the progress grid; `depth` 1.. for revisions under their original."""

    intention: Intention
    depth: int = 0


@dataclass(frozen=True)
class ProgressMatrix:
    """Intention × session → review, for the course view."""

    columns: tuple[SessionColumn, ...]
    rows: tuple[IntentionRow, ...]
    cells: dict[tuple[int, int], IntentionReview] = field(default_factory=dict)

    def cell(self, intention_id: int, session_id: int) -> IntentionReview | None:
        return self.cells.get((intention_id, session_id))

    def progress_series(self, intention_id: int) -> list[tuple[date, int]]:
        """Rated progress of one intention in session order."""
        out = []
        for col in self.columns:
            review = self.cells.get((intention_id, col.session_id))
            if review is not None and review.progress is not None:
                out.append((col.on, review.progress))
        return out


@dataclass(frozen=True)
class Theme:
    """A theme of the vault's vocabulary."""

    id: int
    name: str
    pinned: bool = False


@dataclass(frozen=True)
class ThemeMention:
    """One theme named in one note, with its evidence and the name as the note spells it."""

    id: int
    theme_id: int
    theme_name: str
    session_id: int
    field_id: str
    position: int
    evidence: str
    written_as: str


@dataclass(frozen=True)
class CourseThemeRow:
    """A theme across one course: where it appeared, first seen, how often, latest evidence."""

    theme_id: int
    name: str
    first_seen: date
    first_session_id: int
    mentions: int
    sessions: int
    latest_on: date
    latest_evidence: str


@dataclass(frozen=True)
class CourseThemes:
    """The course theme table: rows by first appearance, cells (theme, session) → evidence."""

    columns: tuple[SessionColumn, ...]
    rows: tuple[CourseThemeRow, ...]
    cells: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class ThemeFrequency:
    """A theme across the whole practice (no client names: counts only)."""

    theme_id: int
    name: str
    mentions: int
    sessions: int
    clients: int
    last_seen: date | None
    pinned: bool = False


@dataclass(frozen=True)
class Measure:
    """One stored administration of a rating scale; every number here was computed."""

    id: int
    client_id: int
    scale_id: str
    scale_version: int
    taken_on: date
    session_id: int | None
    answers: dict[str, Any] | None
    total: int | float | None
    total_only: bool
    band: str | None
    flags: tuple[Flag, ...]
    unknown_flags: tuple[Flag, ...]
    risk_level: str | None
    risk: bool
    entered_at: datetime
    dose_timing: str | None = None  # "before_dose" / "after_dose" on a dosing day, else None


@dataclass(frozen=True)
class RiskFlag:
    """A risk flag to show on a client or a session, with the measure that raised it."""

    measure_id: int
    scale_id: str
    scale_name: str
    code: str
    label: str
    taken_on: date
    session_id: int | None
    topic: str = ""  # "suicide" for PHQ-9 item 9, MADRS item 10, C-SSRS levels
    detail: str = ""  # what raised it, e.g. "item 9 = 1"


@dataclass(frozen=True)
class OutcomeSeries:
    """One scale over a course: every score in the course's window and its outcome.

    `outcome` is None for scales without a total (C-SSRS); `response_line` is half the
    baseline (lower-is-better scales with a baseline above 0), `remission_line` the scale's
    remission threshold value.
    """

    scale: Scale
    points: tuple[ScorePoint, ...]
    outcome: CourseOutcome | None
    response_line: float | None
    remission_line: float | None


@dataclass(frozen=True)
class CourseOutcomes:
    """Everything the outcome chart draws for one course."""

    course_id: int
    first_dose: date | None
    dosing_dates: tuple[date, ...]
    series: tuple[OutcomeSeries, ...]

    def for_scale(self, scale_id: str) -> OutcomeSeries | None:
        return next((s for s in self.series if s.scale.id == scale_id), None)
