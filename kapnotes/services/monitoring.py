"""Dosing-session monitoring for the UI and CLI: screening and its acknowledgement, the
monitoring record, vitals with range checks and threshold findings, observations, adverse
effects, the clock, signing blockers, and course-level views. No Qt.

Nothing here logs clinical values; the audit log gets events and counts only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from kapnotes.domain import dose_rules, dosing
from kapnotes.domain.clinical_rules import RuleFinding
from kapnotes.domain.dosing_record import (
    CHECK_FIELDS,
    TEXT_FIELDS,
    DeviceTime,
    DosingDetails,
    Medication,
    Route,
    ScreeningAck,
    StoredAdverseEffect,
    StoredObservation,
    StoredScreen,
    first_device_time,
)
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import Session, SessionKind
from kapnotes.domain.monitoring import (
    AdverseEffect,
    AdverseEffectEntry,
    Intensity,
    MonitoringClock,
    MonitoringRecord,
    SedationObservation,
)
from kapnotes.domain.screening import Screen, ScreeningWarning
from kapnotes.domain.text_rules import MAX_LONG, clean_text
from kapnotes.domain.vitals import (
    ReadingRole,
    VitalsThresholds,
)
from kapnotes.rules import minimum_monitoring_minutes
from kapnotes.services import monitoring_views as views
from kapnotes.services.changes import session_changes, write
from kapnotes.services.clock import Clock, aware, system_clock
from kapnotes.services.course_monitoring import CourseMonitoringMethods
from kapnotes.services.discharge_checks import DischargeMethods
from kapnotes.services.dose_checks import DOSE_FIELDS, DoseChecks, OverrideNeeded
from kapnotes.services.edit_audit import EditStretches
from kapnotes.services.practice_settings import MonitoringSettings
from kapnotes.services.screening import ScreeningService
from kapnotes.services.vitals_log import VitalsLog, VitalsMethods, whole_number
from kapnotes.storage import monitoring as repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.vault import Vault

_TEXT_LABELS = {"lot_number": "Lot number", "monitoring_clinician": "Monitoring clinician",
                "setting": "Setting", "interventions": "Interventions", "escort": "Escort"}


class MonitoringService(VitalsMethods, DischargeMethods, CourseMonitoringMethods):
    """The monitoring record of dosing sessions, over one vault (the vitals log, discharge
    readiness and the course views in kapnotes/services/vitals_log.py, discharge_checks.py
    and course_monitoring.py)."""

    def __init__(self, vault: Vault, *, clock: Clock = system_clock) -> None:
        self.vault = vault
        self.clock = clock
        self.settings = MonitoringSettings(vault)
        self.screening = ScreeningService(vault, self.settings, clock=clock)
        self.vitals = VitalsLog(vault, self.settings, clock, self._writable,
                                self.first_device_at)
        self.doses = DoseChecks(vault, clock=clock)
        # Edits of the record are audited per editing stretch, shared with the note's fields
        # (Services wires one tracker for both; kapnotes/services/edit_audit.py).
        self.edits = self.vitals.edits = EditStretches()
        # What consent the first dose still lacks (services/consents.py), set by Services.
        self.consent_gate: Callable[[int], list[str]] | None = None

    def _edited(self, session_id: int, *parts: str) -> None:
        """Inside the write's transaction: the record parts changed (never their values)."""
        self.edits.record(self.vault, session_id, [f"record.{p}" for p in parts], self.clock())

    # -- screening (see ScreeningService; the names the issue uses) ------------------------
    def save_screen(self, client_id: int, screen: Screen, *, screened_by: str) -> StoredScreen:
        return self.screening.save_screen(client_id, screen, screened_by=screened_by)

    def screening_warnings_for(self, session_id: int) -> tuple[ScreeningWarning, ...]:
        return self.screening.warnings_for_session(session_id)

    def needs_acknowledgement(self, session_id: int) -> bool:
        return self.screening.needs_acknowledgement(session_id)

    def acknowledge(self, session_id: int, *, by: str) -> ScreeningAck:
        return self.screening.acknowledge(session_id, by=by)

    def thresholds(self) -> VitalsThresholds:
        return self.settings.thresholds()

    # -- the record ------------------------------------------------------------------------
    def _dosing(self, session_id: int) -> Session:
        session = session_repo.get(self.vault, session_id)
        if session.kind is not SessionKind.DOSING:
            raise ValidationError("session", "only dosing sessions have a monitoring record.")
        return session

    def _writable(self, session_id: int) -> Session:
        session = self._dosing(session_id)
        if session.signed:
            raise ConflictError("This note is signed and locked; add an addendum instead.")
        return session

    def session_day(self, session_id: int) -> date:
        """The day of the session (a time typed for a reading is on that day)."""
        return self._dosing(session_id).starts_at.date()

    def details(self, session_id: int) -> DosingDetails:
        self._dosing(session_id)
        return repo.get_details(self.vault, session_id)

    def update_record(self, session_id: int, changes: Mapping[str, object], *,
                      reason: str = "", by: str = "") -> DosingDetails:
        """Validate and store some values of the record (all or nothing); returns the record.

        A change to the dose, drug, route or weight is checked against the dosing rules
        (DoseChecks.enforce): refused when blocked, `OverrideNeeded` when a rule needs a
        written `reason` that was not given. So is a discharge time before the client is
        ready (DischargeMethods.check_discharge)."""
        session = self._writable(session_id)
        current = repo.get_details(self.vault, session_id)
        # One checked value per field name, each of its field's own type (replace() refuses
        # a name that is not a field; _clean_value already did).
        values: dict[str, Any] = {}
        for name, value in changes.items():
            values[name] = self._clean_value(name, value)
        updated = replace(current, **values)
        self._check_dose(updated)
        first = self.first_device_at(session_id)
        if updated.infusion_end_at is not None and (first is None
                                                     or updated.infusion_end_at < first):
            raise ValidationError("infusion_end_at", "the infusion ends after it starts: "
                                                     "record the start (dose given) first")
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            repo.save_details(self.vault, updated)
            self._edited(session_id, *(n for n in values
                                       if getattr(current, n) != getattr(updated, n)))
            if DOSE_FIELDS & set(changes):
                self.doses.enforce(session, updated, reason=reason, by=by)
            if "ended_at" in changes and updated.ended_at is not None:
                self.check_discharge(session_id, reason=reason, by=by)
        return repo.get_details(self.vault, session_id)

    def set_weight(self, session_id: int, value: object, unit: str, *, reason: str = "",
                   by: str = "") -> tuple[DosingDetails, str]:
        """The client's weight, typed in kg or lb, recorded on the client record (dated the
        session's day) and used for this dose; returns the record and a weight-change warning
        ("" when none). All or nothing: a refused dose check stores neither."""
        session = self._writable(session_id)
        client_id = session_repo.client_id_of(self.vault, session_id)
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            weight, warning = self.doses.record_weight(client_id, value, unit,
                                                       session.starts_at.date())
            details = self.update_record(session_id, {"weight_kg": weight.weight_kg},
                                         reason=reason, by=by)
        return details, warning

    def dose_findings(self, session_id: int) -> tuple[RuleFinding, ...]:
        """What the dosing rules say about the dose as recorded (for the dose section)."""
        return self.doses.findings(self._dosing(session_id), self.details(session_id))

    @staticmethod
    def _clean_value(name: str, value: object) -> object:
        if name in TEXT_FIELDS:
            multiline = name == "interventions"
            return clean_text(_TEXT_LABELS[name], value, multiline=multiline,
                              max_length=MAX_LONG if multiline else 200)
        if name in CHECK_FIELDS:
            if value is not None and not isinstance(value, bool):
                raise ValidationError(name, "must be yes, no or not answered")
            return value
        if value is None or value == "":
            return None
        try:
            if name == "medication":
                return Medication(_text(value))
            if name == "route":
                return Route(_text(value))
            if name == "dose_mg":
                return dosing.check_dose_mg(_number(value))
            if name == "weight_kg":
                return dosing.check_weight_kg(_number(value))
        except (TypeError, ValueError):
            raise ValidationError(name, "is not a valid value") from None
        if name in ("ended_at", "infusion_end_at"):
            if not isinstance(value, datetime):
                raise ValidationError(name, "must be a date and time")
            return aware(value).replace(second=0, microsecond=0)
        if name == "ready_to_leave_minutes":
            return whole_number(name, value)
        raise ValidationError(name, "is not part of the monitoring record")

    @staticmethod
    def _check_dose(d: DosingDetails) -> None:
        if d.medication is Medication.ESKETAMINE and d.dose_mg is not None:
            if not float(d.dose_mg).is_integer():
                raise ValidationError("dose_mg", "esketamine is given as 28 mg devices: "
                                                 "28, 56 or 84 mg")
            dosing.esketamine_device_count(int(d.dose_mg))

    def mg_per_kg(self, session_id: int, details: DosingDetails | None = None) -> float | None:
        d = details if details is not None else self.details(session_id)
        if d.dose_mg is None or d.weight_kg is None:
            return None
        return dosing.dose_mg_per_kg(d.dose_mg, d.weight_kg)

    # -- devices ---------------------------------------------------------------------------
    def devices(self, session_id: int) -> list[DeviceTime]:
        return repo.devices(self.vault, session_id)

    def first_device_at(self, session_id: int) -> datetime | None:
        return first_device_time(repo.devices(self.vault, session_id))

    def dose_gate(self, session_id: int) -> list[str]:
        """What must exist before a dose is recorded as given: a contraindication screen on
        the client's record and a pre-dose blood pressure. Empty once both exist or a dose
        has already been recorded (the gate is at the first device)."""
        if repo.devices(self.vault, session_id):
            return []
        missing = []
        if self.screening.latest(session_repo.client_id_of(self.vault, session_id)) is None:
            missing.append("No contraindication screen is on the client's record.")
        if not any(r.reading.role is ReadingRole.PRE_DOSE and r.reading.has_blood_pressure
                   for r in repo.readings(self.vault, session_id)):
            missing.append("No pre-dose blood pressure is recorded.")
        if self.consent_gate is not None:
            missing += self.consent_gate(session_id)
        return missing

    def add_device(self, session_id: int, *, at: datetime | None = None,
                   reason: str = "", by: str = "") -> tuple[str, ...]:
        """Record a device given (or the start of an IV/IM/sublingual dose) at `at` (now);
        returns warnings (short gap, devices still to give). Too many devices is refused.
        The first raises OverrideNeeded while `dose_gate` lists something (rule
        dose_needs_screen_and_predose_bp), unless a named clinician (`by`) writes a reason:
        it is kept with the record, shown in the note and the PDF, and audited."""
        self._writable(session_id)
        when = aware(at or self.clock()).replace(microsecond=0)
        gate = self.dose_gate(session_id)
        findings: list[RuleFinding] = []
        if gate:
            findings.append(self.doses.rules().finding(DOSE_GATE_RULE, missing=" ".join(gate)))
            if not clean_text("Reason", reason, max_length=2000, multiline=True):
                raise OverrideNeeded("dose", findings)
            clean_text("Clinician giving the reason", by, required=True)
        times = [d.given_at for d in repo.devices(self.vault, session_id)] + [when]
        times.sort()
        warnings: tuple[str, ...] = ()
        d = repo.get_details(self.vault, session_id)
        if d.medication is Medication.ESKETAMINE and d.dose_mg is not None:
            warnings = dose_rules.device_gap_findings(self.doses.rules(), int(d.dose_mg), times)
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            repo.add_device(self.vault, session_id, when)
            self._edited(session_id, "devices")
            if findings:
                self.doses.add_overrides(session_id, findings, reason, by)
        return warnings

    def remove_device(self, session_id: int, device_id: int) -> None:
        self._writable(session_id)
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            repo.delete_device(self.vault, device_id)
            self._edited(session_id, "devices")

    # -- observations and adverse effects --------------------------------------------------
    def add_observation(self, session_id: int, *, moaas: int,
                        dissociation: Intensity | str = Intensity.NONE,
                        cadss_total: int | None = None, note: str = "",
                        at: datetime | None = None) -> StoredObservation:
        self._writable(session_id)
        obs = SedationObservation(
            observed_at=aware(at or self.clock()).replace(microsecond=0), moaas=moaas,
            dissociation=Intensity(dissociation), cadss_total=cadss_total,
            note=clean_text("Observation note", note, max_length=2000),
        )
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            obs_id = repo.add_observation(self.vault, session_id, obs)
            self._edited(session_id, "observations")
        return StoredObservation(obs_id, obs)

    def observations(self, session_id: int) -> list[StoredObservation]:
        return repo.observations(self.vault, session_id)

    def set_adverse_effect(self, session_id: int, effect: AdverseEffect | str,
                           severity: Intensity | str | None, *, note: str = "",
                           serious: bool = False) -> None:
        """Tick (or, with severity None/"none", untick) one effect of the checklist."""
        self._writable(session_id)
        kind = AdverseEffect(effect)
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            self._edited(session_id, "adverse_effects")
            if severity is None or Intensity(severity) is Intensity.NONE:
                repo.delete_adverse_effect(self.vault, session_id, kind)
                return
            entry = AdverseEffectEntry(kind, Intensity(severity),
                                       clean_text("Adverse effect note", note, max_length=2000),
                                       serious)
            repo.put_adverse_effect(self.vault, session_id, entry, aware(self.clock()))

    def adverse_effects(self, session_id: int) -> list[StoredAdverseEffect]:
        return repo.adverse_effects(self.vault, session_id)

    # -- clock and signing -----------------------------------------------------------------
    def monitoring_record(self, session_id: int) -> MonitoringRecord:
        d = self.details(session_id)
        return MonitoringRecord(
            first_device_at=self.first_device_at(session_id), ended_at=d.ended_at,
            readings=tuple(r.reading for r in repo.readings(self.vault, session_id)),
            sedation=tuple(o.observation for o in self.observations(session_id)),
            adverse_effects=tuple(e.entry for e in self.adverse_effects(session_id)),
            respiratory_depression=d.respiratory_depression, interventions=d.interventions,
            ready_to_leave_minutes=d.ready_to_leave_minutes,
        )

    def prompts(self, session_id: int, now: datetime | None = None) -> tuple[str, ...]:
        """Prompts due at `now` (the 40-minute BP, the 2-hour minimum), empty before dosing."""
        record = self.monitoring_record(session_id)
        if record.first_device_at is None:
            return ()
        minimum = minimum_monitoring_minutes(self.doses.rules())
        return MonitoringClock(record.first_device_at, minimum).prompts(
            aware(now or self.clock()), record.readings)

    def clock_status(self, session_id: int, now: datetime | None = None) -> views.ClockStatus:
        record = self.monitoring_record(session_id)
        problems = (self.discharge_problems(session_id) if record.ended_at is not None
                    else ())
        return views.clock_status(record.first_device_at, aware(now or self.clock()),
                                  record.readings, record.ended_at, problems,
                                  minimum_monitoring_minutes(self.doses.rules()))

    def signing_blockers(self, session_id: int, now: datetime | None = None) -> list[str]:
        return [f.message for f in self.signing_findings(session_id, now)]

    def sign_check(self, session: Session, now: datetime) -> tuple[RuleFinding, ...]:
        """For `NoteService.sign_checks`: dosing sessions only."""
        if session.kind is not SessionKind.DOSING or session.id is None:
            return ()
        return self.signing_findings(session.id, now)


DOSE_GATE_RULE = "dose_needs_screen_and_predose_bp"


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(type(value).__name__)
    return value


def _number(value: object) -> float:
    # What float() accepts from a form or a caller: a number or its text.
    if not isinstance(value, int | float | str):
        raise TypeError(type(value).__name__)
    return float(value)
