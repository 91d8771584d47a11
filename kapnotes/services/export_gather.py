"""Copy what a PDF summary shows out of the vault into `kapnotes.export.snapshot` values.

Runs on the thread that owns the vault connection (the GUI thread in the app); it only reads,
and is fast even for a long course, so the slow part (rendering) can run elsewhere on copies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from kapnotes.domain.clinical_rules import Severity
from kapnotes.domain.course_items import Intention, Measure, RiskFlag
from kapnotes.domain.dates import human_datetime
from kapnotes.domain.dosing_record import first_device_time
from kapnotes.domain.models import Course, CourseStatus, Session, SessionKind
from kapnotes.domain.risk import RiskStatus
from kapnotes.domain.signing import needing_reason, refusals
from kapnotes.domain.vitals import VitalsThresholds
from kapnotes.export.snapshot import (
    AuditRow,
    CourseSnapshot,
    DosingSnapshot,
    ReviewEntry,
    SessionSnapshot,
    SlotRow,
)
from kapnotes.services import monitoring_views as views
from kapnotes.services.clients import ClientService
from kapnotes.services.container import Services
from kapnotes.services.dose_checks import DoseHistory
from kapnotes.services.vitals_log import assessed
from kapnotes.storage import audit
from kapnotes.storage.dosing_batch import DosingRecord, dosing_records
from kapnotes.storage.reviews import RecordRow


def session_numbers(sessions: list[Session]) -> dict[int, int]:
    """Session id → its place among the course's sessions of the same kind (1-based)."""
    seen: dict[SessionKind, int] = {}
    out: dict[int, int] = {}
    for s in sessions:
        seen[s.kind] = seen.get(s.kind, 0) + 1
        out[int(s.id or 0)] = seen[s.kind]
    return out


def session_snapshot(services: Services, session_id: int) -> SessionSnapshot:
    """One note with everything it prints (numbered within its course)."""
    session = services.notes.session(session_id)
    return _sessions(services, _CourseReads.read(services, session.course_id),
                     only=session_id)[0]


@dataclass(frozen=True)
class _CourseReads:
    """A course's sessions and intentions and its client's measures, read once for every
    part of a summary that shows them (the notes, the timeline, the matrices, risk,
    outcomes), and each measure's risk flags as they are scored (`scored`)."""

    course_id: int
    client_id: int | None
    sessions: list[Session]
    intentions: list[Intention]
    measures: list[Measure]
    scored: dict[int, list[RiskFlag]]

    @classmethod
    def read(cls, services: Services, course_id: int,
             client_id: int | None = None) -> _CourseReads:
        sessions = services.notes.sessions_for_course(course_id)
        if client_id is None and sessions:
            client_id = services.notes.client_id_of(int(sessions[0].id or 0))
        measures = services.measures.for_client(client_id) if client_id is not None else []
        return cls(course_id, client_id, sessions, services.intentions.for_course(course_id),
                   measures, {})


def _sessions(services: Services, reads: _CourseReads, *,
              only: int | None = None) -> list[SessionSnapshot]:
    course_id, client_id, course_sessions = reads.course_id, reads.client_id, reads.sessions
    measures, scored = reads.measures, reads.scored
    numbers = session_numbers(course_sessions)
    by_id = {int(s.id or 0): s for s in course_sessions}
    labels = {i.id: i.text for i in reads.intentions}
    risks = services.measures.risk_sessions(course_id)
    names = {s.id: s.short_name for s in services.measures.scales}
    wanted = [int(s.id or 0) for s in course_sessions if only is None or s.id == only]
    statuses = services.reviews.statuses(wanted)
    note_seals = services.notes.seals(wanted)
    # A whole course: its dosing records read table by table for all its dosing notes, and
    # what they are judged against once (one note alone is read as the note's window reads it).
    doses = [int(s.id or 0) for s in course_sessions if s.kind is SessionKind.DOSING]
    batch = (_CourseDosing(dosing_records(services.vault, doses),
                           services.monitoring.thresholds(),
                           services.monitoring.doses.history(client_id),
                           _minimum_minutes(services))
             if only is None and doses and client_id is not None else None)
    notes = services.notes.notes(course_sessions) if only is None else {}
    answered = (services.notes.signs_answered([int(s.id or 0) for s in course_sessions
                                               if s.signed]) if only is None else None)
    events = services.events.events_of(wanted)
    risk_by_seen: dict[tuple[bool, ...], RiskStatus] = {}
    out = []
    for s in course_sessions:
        sid = int(s.id or 0)
        if only is not None and sid != only:
            continue
        note = notes[sid] if sid in notes else services.notes.note(sid)
        linked = ""
        if s.linked_dosing_id is not None and s.linked_dosing_id in by_id:
            dose = by_id[s.linked_dosing_id]
            linked = (f"Dosing session {numbers[s.linked_dosing_id]}, "
                      f"{human_datetime(dose.starts_at)}")
        out.append(SessionSnapshot(
            session=note.session, template=services.notes.template_for(note.session),
            values=dict(note.values), number=numbers[sid], addenda=note.addenda,
            intention_labels=labels, linked_dose=linked,
            dosing=_dosing(services, s, batch) if s.kind is SessionKind.DOSING else None,
            measures=tuple(m for m in measures if m.session_id == sid),
            scale_names=names, risk_flags=tuple(risks.get(sid, ())),
            measure_notes={m.id: services.measures.measure_note(m) for m in measures
                           if m.session_id == sid},
            scale_risk=(_scale_risk(services, client_id, s.starts_at.date(), measures, scored,
                                    risk_by_seen) if client_id is not None else None),
            seal=note_seals[sid],
            sign_answered=(() if not s.signed else answered.get(sid, ()) if answered is not None
                           else services.notes.sign_answered(sid)),
            review_status=statuses[sid].value if sid in statuses else "",
            reviews=_reviews(services, sid) if sid in statuses else (),
            events=tuple((e.at, services.events.label(e.kind), e.text) for e in events[sid]),
        ))
    return out


def _scale_risk(services: Services, client_id: int, day: date, measures: list[Measure],
                scored: dict[int, list[RiskFlag]],
                by_seen: dict[tuple[bool, ...], RiskStatus]) -> RiskStatus:
    """`risk_status(client_id, on=day, ...)`, which depends on the day only through which
    of `measures` were taken by then: notes whose days see the same measures share one
    answer (`by_seen`; a course's ~60 notes see a few sets of its client's measures)."""
    seen = tuple(m.taken_on <= day for m in measures)
    found = by_seen.get(seen)
    if found is None:
        found = by_seen[seen] = services.measures.risk_status(client_id, on=day,
                                                              measures=measures, scored=scored)
    return found


def _reviews(services: Services, session_id: int) -> tuple[ReviewEntry, ...]:
    """The note's review records as imported from supervisors' replies, oldest first."""
    return tuple(_entry(r) for r in services.reviews.records(session_id))


def _entry(r: RecordRow) -> ReviewEntry:
    signer = ", ".join(p for p in (r.signer_name, r.signer_role, r.signer_registration) if p)
    return ReviewEntry(kind=r.kind, created_at=r.created_at, signer=signer, text=r.text,
                       section=r.section, verdict=r.verdict)


def _request_comments(services: Services,
                      sessions: list[SessionSnapshot]) -> tuple[ReviewEntry, ...]:
    """Comments on a whole request (not on one note) from the replies about these notes."""
    sent = [int(s.session.id or 0) for s in sessions if s.review_status]
    replies = dict.fromkeys(r.reply_id for sid in sent for r in services.reviews.rounds(sid)
                            if r.reply_id)
    return tuple(_entry(r) for reply in replies if reply
                 for r in services.reviews.reply_records(reply)
                 if r.session_id is None and r.kind == "comment")


@dataclass(frozen=True)
class _CourseDosing:
    """A course's dosing records, and the thresholds, the client's dose history and the
    monitoring minimum they are judged against, each read once for all the course's dosing
    notes."""

    records: dict[int, DosingRecord]
    thresholds: VitalsThresholds
    history: DoseHistory
    minimum_minutes: int


def _minimum_minutes(services: Services) -> int:
    return int(services.monitoring.doses.rules().value("monitoring_minimum_time", "minutes"))


def _dosing(services: Services, session: Session,
            batch: _CourseDosing | None = None) -> DosingSnapshot:
    # The session and its record are read once here and passed on (the mg/kg and the dose
    # rules would each read both again: ~6 queries per dosing session of a course).
    m = services.monitoring
    session_id = int(session.id or 0)
    if batch is None:
        details = m.details(session_id)
        record = DosingRecord(
            details, m.devices(session_id), m.readings(session_id),
            m.observations(session_id), m.adverse_effects(session_id),
            m.screening.acknowledgements(session_id), m.doses.boosters(session_id),
            m.doses.overrides(session_id))
    else:
        read = batch.records[session_id]
        details = read.details
        record = replace(read, readings=assessed(read.readings, first_device_time(read.devices),
                                                 batch.thresholds))
    findings = () if session.signed else m.signing_findings(session_id)
    return DosingSnapshot(
        details=details, devices=tuple(record.devices), readings=tuple(record.readings),
        observations=tuple(record.observations),
        adverse_effects=tuple(record.adverse_effects),
        acknowledgements=tuple(record.acknowledgements),
        mg_per_kg=m.mg_per_kg(session_id, details),
        boosters=tuple(record.boosters),
        rule_warnings=tuple(f.message for f in m.doses.findings(
            session, details, history=batch.history if batch else None)
            if f.severity is Severity.WARN),
        overrides=tuple(record.overrides),
        # The same function signing uses (kapnotes/domain/signing.py), so a draft PDF lists
        # exactly what the sign dialog would.
        sign_refusals=tuple(refusals(findings)),
        sign_needs_reason=tuple(needing_reason(findings)),
        minimum_minutes=(batch.minimum_minutes if batch is not None
                         else _minimum_minutes(services)),
    )


def current_course(services: Services, client_id: int) -> Course | None:
    """The course a summary is about by default: the newest active one, else the newest."""
    courses = sorted(services.courses.for_client(client_id),
                     key=lambda c: (c.start_date, c.id or 0))
    active = [c for c in courses if c.status is CourseStatus.ACTIVE]
    chosen = active or courses
    return chosen[-1] if chosen else None


def course_snapshot(services: Services, course_id: int, *,
                    include_audit: bool = False) -> CourseSnapshot:
    course = services.courses.get(course_id)
    client = services.clients.get(course.client_id)
    reads = _CourseReads.read(services, course_id, int(client.id or 0))
    timeline = services.courses.timeline(course_id, today=services.clock().date(),
                                         sessions=reads.sessions)
    slots = tuple(
        SlotRow(seq=e.slot.seq, kind=e.slot.kind, planned_date=e.state.effective_date,
                label=e.slot.label, status=e.state.status.value,
                held_on=e.state.held.held_on if e.state.held else None,
                skipped=e.slot.skipped, moved=e.slot.moved, change_reason=e.slot.change_reason,
                moved_from=e.slot.original_date if e.slot.moved else None)
        for e in timeline.entries
    )
    screening = services.monitoring.screening
    sessions = _sessions(services, reads)
    risk = services.measures.risk_status(int(client.id or 0), measures=reads.measures,
                                         scored=reads.scored)
    concomitant = {med: tuple(c.label for c in classes)
                   for med, classes in ClientService.concomitant_flags(client).items()}
    screen = screening.latest(int(client.id or 0))  # shown, and what the warnings are of
    return CourseSnapshot(
        client=client, course=course, slots=slots, adherence=timeline.adherence,
        screen=screen, screening_warnings=screening.warnings_for(screen),
        risk_flags=tuple(risk.flags),
        risk=risk,
        concomitant=concomitant,
        intentions=tuple(reads.intentions),
        progress=services.intentions.progress_matrix(course_id, intentions=reads.intentions,
                                                     sessions=reads.sessions),
        themes=services.themes.course_themes(course_id, sessions=reads.sessions),
        outcomes=services.measures.course_outcomes(course_id, measures=reads.measures),
        alerts=_alerts(sessions),
        sessions=tuple(sessions),
        audit=_audit(services, client.id, course_id, sessions) if include_audit else None,
        review_comments=_request_comments(services, sessions),
    )


def _alerts(sessions: list[SessionSnapshot]) -> dict[int, tuple[str, ...]]:
    """`monitoring.course_monitoring(...).alerts` from the notes just read (their findings,
    adverse effects and respiratory depression), rather than reading the course again."""
    out = {}
    for s in sessions:
        if s.dosing is not None:
            found = views.session_alerts([f for r in s.dosing.readings for f in r.findings],
                                         s.dosing.adverse_effects,
                                         s.dosing.details.respiratory_depression)
            if found:
                out[int(s.session.id or 0)] = tuple(found)
    return out


def _audit(services: Services, client_id: int | None, course_id: int,
           sessions: list[SessionSnapshot]) -> tuple[AuditRow, ...]:
    """Entries about the client record, the course and its sessions, oldest first."""
    vault = services.vault
    wanted = (
        ("client", (str(client_id),)),
        ("course", (str(course_id),)),
        ("session", tuple(str(s.session.id) for s in sessions)),
    )
    found = {}
    for record_type, ids in wanted:
        if ids:
            for e in audit.entries(vault, record_type=record_type, record_ids=ids):
                found[e.id] = e
    return tuple(AuditRow(at_utc=e.at_utc, event=e.event, record_type=e.record_type,
                          record_id=e.record_id, clinician=e.clinician, outcome=e.outcome,
                          detail=e.detail)
                 for _, e in sorted(found.items()))
