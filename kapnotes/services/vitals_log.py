"""The vitals log of a dosing session: readings entered now or with their real time, extreme
values recorded after a confirmation, corrections and strikes that keep the original.

A reading's role must fit its time (kapnotes.domain.monitoring.check_role_time); every
correction and strike, and every confirmed extreme value, goes to the audit log (counts and
ids only, never the values).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from kapnotes.domain.dosing_record import StoredReading
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Session
from kapnotes.domain.monitoring import check_role_time
from kapnotes.domain.text_rules import clean_text
from kapnotes.domain.vitals import (
    VITALS_RANGES,
    ReadingRole,
    VitalsFinding,
    VitalsReading,
    VitalsThresholds,
)
from kapnotes.rules import minimum_monitoring_minutes, role_windows
from kapnotes.services import monitoring_views as views
from kapnotes.services.changes import session_changes, write
from kapnotes.services.clock import Clock, aware
from kapnotes.services.edit_audit import EditStretches
from kapnotes.services.practice_settings import MonitoringSettings
from kapnotes.storage import audit
from kapnotes.storage import monitoring as repo
from kapnotes.storage.vault import Vault

# A reading (written up afterwards or not) lies within this span around its session's start.
BEFORE_SESSION = timedelta(hours=12)
AFTER_SESSION = timedelta(hours=24)


def whole_number(field: str, value: object) -> int | None:
    """Typed text or a number as an int; empty is None. Refusals name the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    label = VITALS_RANGES[field][3] if field in VITALS_RANGES else field
    if isinstance(value, bool):
        raise ValidationError(field, f"{label} must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    raise ValidationError(field, f"{label} must be a whole number (got '{str(value)[:20]}')")


class VitalsLog:
    """Readings of dosing sessions; `writable(session_id)` refuses signed notes."""

    def __init__(self, vault: Vault, settings: MonitoringSettings, clock: Clock,
                 writable: Callable[[int], Session],
                 first_device_at: Callable[[int], datetime | None]) -> None:
        self.vault = vault
        self.settings = settings
        self.clock = clock
        self._writable = writable
        self._first_device_at = first_device_at
        self.edits = EditStretches()  # MonitoringService shares its own (edit_audit.py)

    def _reading(self, session: Session, role: ReadingRole | str,
                 values: Mapping[str, object], at: datetime | None,
                 confirm_unusual: bool) -> VitalsReading:
        unknown = set(values) - set(VITALS_RANGES)
        if unknown:
            raise ValidationError(sorted(unknown)[0], "is not a vital sign")
        try:
            role = ReadingRole(role)
        except ValueError:
            raise ValidationError("role", f"'{str(role)[:20]}' is not a reading role") from None
        when = aware(at if at is not None else self.clock()).replace(microsecond=0)
        start = aware(session.starts_at)
        if not start - BEFORE_SESSION <= when <= start + AFTER_SESSION:
            raise ValidationError("taken_at", f"a reading of the session of "
                                              f"{start:%d %b %Y %H:%M} lies between 12 hours "
                                              "before and 24 hours after its start")
        check_role_time(role, when, self._first_device_at(int(session.id or 0)),
                        role_windows())
        numbers = {f: whole_number(f, values.get(f)) for f in VITALS_RANGES}
        return VitalsReading(role=role, taken_at=when, confirmed_unusual=confirm_unusual,
                             **numbers)

    def add(self, session_id: int, role: ReadingRole | str, values: Mapping[str, object], *,
            at: datetime | None = None, confirm_unusual: bool = False) -> StoredReading:
        """Store a reading taken `at` (now) and return it with its findings. Implausible
        values raise ValidationError naming the field; a value outside the usual range raises
        UnusualValueError until `confirm_unusual`. Nothing is stored on a refusal."""
        session = self._writable(session_id)
        reading = self._reading(session, role, values, at, confirm_unusual)
        reading = replace(reading, confirmed_unusual=bool(reading.unusual_fields))
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            reading_id = repo.add_reading(self.vault, session_id, reading,
                                          entered_at=aware(self.clock()))
            self.edits.record(self.vault, session_id, ["record.vitals"], self.clock())
            if reading.unusual_fields:
                audit.record(self.vault, "vitals.confirm_unusual", record_type="session",
                             record_id=session_id, detail=f"reading {reading_id}: "
                             + ", ".join(reading.unusual_fields))
        return StoredReading(reading_id, reading, self.assess(session_id, reading),
                             entered_at=aware(self.clock()))

    def _current(self, session_id: int, reading_id: int) -> StoredReading:
        stored = repo.get_reading(self.vault, reading_id)
        if stored is None or repo.session_of_reading(self.vault, reading_id) != session_id:
            raise ValidationError("reading", "is not a reading of this session")
        if stored.struck:
            raise ValidationError("reading", "was already corrected or struck")
        return stored

    def correct(self, session_id: int, reading_id: int, values: Mapping[str, object], *,
                reason: str, role: ReadingRole | str | None = None,
                at: datetime | None = None, confirm_unusual: bool = False) -> StoredReading:
        """Replace a reading in a draft: the original is kept, struck with `reason`, and the
        correction names it. `role` and `at` default to the original's."""
        session = self._writable(session_id)
        why = clean_text("Reason for the correction", reason, required=True, max_length=500)
        old = self._current(session_id, reading_id)
        new = self._reading(session, role or old.reading.role, values,
                            at or old.reading.taken_at, confirm_unusual)
        new = replace(new, confirmed_unusual=bool(new.unusual_fields))
        now = aware(self.clock())
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            repo.strike_reading(self.vault, reading_id, now, f"Corrected: {why}")
            new_id = repo.add_reading(self.vault, session_id, new, entered_at=now,
                                      corrects_id=reading_id)
            audit.record(self.vault, "vitals.correct", record_type="session",
                         record_id=session_id, detail=f"reading {reading_id} → {new_id}")
        return StoredReading(new_id, new, self.assess(session_id, new), entered_at=now,
                             corrects_id=reading_id)

    def strike(self, session_id: int, reading_id: int, *, reason: str) -> None:
        """Strike a reading in a draft (kept and shown struck, no longer counted)."""
        self._writable(session_id)
        why = clean_text("Reason for striking", reason, required=True, max_length=500)
        self._current(session_id, reading_id)
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            repo.strike_reading(self.vault, reading_id, aware(self.clock()), f"Struck: {why}")
            audit.record(self.vault, "vitals.strike", record_type="session",
                         record_id=session_id, detail=f"reading {reading_id}")

    def assess(self, session_id: int, reading: VitalsReading) -> tuple[VitalsFinding, ...]:
        """Findings for a reading; "before the dose" means before the first device."""
        return views.assess_at(reading, self._first_device_at(session_id),
                               self.settings.thresholds())

    def readings(self, session_id: int, *, with_struck: bool = False) -> list[StoredReading]:
        """Readings in time order, each with its findings under the current thresholds;
        struck ones (kept originals) only when asked for, without findings."""
        rows = repo.readings(self.vault, session_id, with_struck=with_struck)
        if not rows:
            return []
        # Looked up once per session, not per reading: the client page assesses every reading
        # of a course, and the thresholds lookup probes the policy file each time (bench/).
        return assessed(rows, self._first_device_at(session_id), self.settings.thresholds())


def assessed(rows: list[StoredReading], first_device: datetime | None,
             thresholds: VitalsThresholds) -> list[StoredReading]:
    """Stored readings of one session, each current one with its findings under
    `thresholds` ("before the dose": before `first_device`); struck ones as they are."""
    return [r if r.struck else r.with_findings(views.assess_at(r.reading, first_device,
                                                                thresholds))
            for r in rows]


class VitalsMethods:
    """The vitals part of MonitoringService's interface (it owns `vitals`, `vault`, `clock`
    and `first_device_at`)."""

    vitals: VitalsLog
    vault: Vault
    clock: Clock
    first_device_at: Callable[[int], datetime | None]

    def add_reading(self, session_id: int, role: ReadingRole | str,
                    values: Mapping[str, object], *, at: datetime | None = None,
                    confirm_unusual: bool = False) -> StoredReading:
        return self.vitals.add(session_id, role, values, at=at, confirm_unusual=confirm_unusual)

    def correct_reading(self, session_id: int, reading_id: int, values: Mapping[str, object],
                        *, reason: str, role: ReadingRole | str | None = None,
                        at: datetime | None = None, confirm_unusual: bool = False
                        ) -> StoredReading:
        return self.vitals.correct(session_id, reading_id, values, reason=reason, role=role,
                                   at=at, confirm_unusual=confirm_unusual)

    def strike_reading(self, session_id: int, reading_id: int, *, reason: str) -> None:
        self.vitals.strike(session_id, reading_id, reason=reason)

    def assess(self, session_id: int, reading: VitalsReading) -> tuple[VitalsFinding, ...]:
        """Findings for a reading; "before the dose" means before the first device."""
        return self.vitals.assess(session_id, reading)

    def readings(self, session_id: int, *, with_struck: bool = False) -> list[StoredReading]:
        """Current readings in time order with findings (struck originals when asked)."""
        return self.vitals.readings(session_id, with_struck=with_struck)

    def banner(self, session_id: int) -> list[str]:
        """Threshold findings of the session's readings, alerts first (for the banner)."""
        return views.banner_lines([(r.reading, r.findings) for r in self.readings(session_id)])

    def suggested_role(self, session_id: int, now: datetime | None = None) -> ReadingRole:
        readings = [r.reading for r in repo.readings(self.vault, session_id)]
        return views.suggested_role(self.first_device_at(session_id),
                                    aware(now or self.clock()), readings,
                                    minimum_monitoring_minutes())
