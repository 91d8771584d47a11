"""The client page reads a course's sessions once and hands them to the monitoring read
(kapnotes/ui/client_view.py), and places the client's measures in courses from light rows
read once (services/measures.py): both must give what the standalone reads give."""

from __future__ import annotations

from kapnotes.domain.models import SessionKind


def test_monitoring_from_the_pages_sessions_is_the_standalone_read(rich_services) -> None:
    svc = rich_services
    alerted = 0
    for client in svc.clients.list():
        for course in svc.courses.for_client(int(client.id)):
            cid = int(course.id)
            sessions = svc.notes.sessions_for_course(cid)
            shared = svc.monitoring.course_monitoring(cid, sessions)
            alone = svc.monitoring.course_monitoring(cid)
            assert shared.alerts == alone.alerts
            assert svc.monitoring.course_alerts(cid, sessions) == alone.alerts  # the page's
            assert svc.monitoring.course_alerts(cid) == alone.alerts
            assert shared.series() == alone.series()
            alerted += len(alone.alerts)
    assert alerted > 0  # the demo has alerts, so the comparison says something



def test_the_courses_readings_are_each_sessions_current_readings(rich_services) -> None:
    """The course read takes the readings bare (storage `vitals_for_sessions`): the same
    readings, in the same order, as each session's own read, struck ones left out."""
    svc = rich_services
    compared = 0
    for client in svc.clients.list():
        for course in svc.courses.for_client(int(client.id)):
            for held in svc.monitoring.course_monitoring(int(course.id)).sessions:
                own = svc.monitoring.readings(held.session_id)
                assert held.readings == tuple(r.reading for r in own)
                compared += len(own)
    assert compared > 0

def test_outcomes_and_first_dose_follow_the_courses_sessions_and_slots(rich_services) -> None:
    svc = rich_services
    seen = 0
    for client in svc.clients.list():
        for course in svc.courses.for_client(int(client.id)):
            cid = int(course.id)
            held = sorted({s.starts_at.date() for s in svc.notes.sessions_for_course(cid)
                           if s.kind is SessionKind.DOSING})
            outcomes = svc.measures.course_outcomes(cid)
            assert outcomes.dosing_dates == tuple(held)
            assert outcomes.first_dose == svc.measures.first_dose(cid)
            if held:
                assert outcomes.first_dose == held[0]
            seen += len(outcomes.series)
    assert seen > 0
