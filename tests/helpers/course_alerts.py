"""A course's alerts read note by note through the per-note public calls (each dosing note's
readings with their findings, its adverse effects, its respiratory depression): the oracle
the course-at-once reads are held to (the client page's `MonitoringService.course_monitoring`
and the export's course snapshot, kapnotes/services/export_gather.py)."""

from __future__ import annotations

from typing import Any

from kapnotes.domain.models import SessionKind
from kapnotes.services.monitoring_views import session_alerts


def alerts_note_by_note(services: Any, course_id: int) -> dict[int, list[str]]:
    """Dosing note id → its alert messages, for the notes that have any, oldest first."""
    m = services.monitoring
    out: dict[int, list[str]] = {}
    for session in services.notes.sessions_for_course(course_id):
        if session.kind is not SessionKind.DOSING:
            continue
        sid = int(session.id)
        found = session_alerts([f for r in m.readings(sid) for f in r.findings],
                               m.adverse_effects(sid), m.details(sid).respiratory_depression)
        if found:
            out[sid] = found
    return out
