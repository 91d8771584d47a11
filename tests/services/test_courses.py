"""Courses and their planned schedules through the real services and vault."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, Course, CourseStatus, SessionKind
from kapnotes.domain.schedule_status import SlotStatus

START = date(2026, 11, 2)  # a Monday


@pytest.fixture
def client_id(services: object) -> int:
    return services.clients.create(Client(code="KAP-201", full_name="Lea Example")).id


def dose_dates(services: object, course_id: int) -> list[date]:
    entries = services.courses.timeline(course_id).entries
    return [e.slot.planned_date for e in entries if e.slot.kind is SessionKind.DOSING]


def test_esketamine_plan_follows_the_label(services: object, client_id: int) -> None:
    course = services.courses.create(Course(client_id=client_id, protocol="esketamine",
                                            start_date=START, maintenance_interval_weeks=2))
    days = [(d - START).days for d in dose_dates(services, course.id)]
    # Weeks 1–4 twice weekly, weeks 5–8 weekly, then every 2 weeks (4 maintenance doses).
    assert days == [0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49, 56, 70, 84, 98]


def test_iv_series_is_six_infusions_twice_weekly(services: object, client_id: int) -> None:
    course = services.courses.create(Course(client_id=client_id, protocol="iv_ketamine",
                                            start_date=START))
    assert [(d - START).days for d in dose_dates(services, course.id)] == [0, 3, 7, 10, 14, 17]


def test_kap_plan_places_preparation_and_integration_around_doses(
    services: object, client_id: int
) -> None:
    course = services.courses.create(Course(client_id=client_id, protocol="kap_sublingual_im",
                                            start_date=START, maintenance_interval_weeks=1))
    entries = services.courses.timeline(course.id).entries
    kinds = [(e.slot.kind.value, (e.slot.planned_date - START).days) for e in entries]
    assert kinds[0] == ("preparation", -7)
    doses = [d for k, d in kinds if k == "dosing"]
    integrations = [d for k, d in kinds if k == "integration"]
    assert doses == [0, 7, 14, 21, 28, 35]
    assert integrations == [1, 8, 15, 22, 29, 36]


def test_custom_protocol_starts_with_no_doses(services: object, client_id: int) -> None:
    course = services.courses.create(Course(client_id=client_id, protocol="custom",
                                            start_date=START))
    assert dose_dates(services, course.id) == []


def test_unknown_protocol_and_discontinue_without_reason_are_refused(
    services: object, client_id: int
) -> None:
    with pytest.raises(ValidationError, match="Protocol"):
        services.courses.create(Course(client_id=client_id, protocol="mushrooms",
                                       start_date=START))
    course = services.courses.create(Course(client_id=client_id, protocol="esketamine",
                                            start_date=START))
    with pytest.raises(ValidationError, match="Reason"):
        services.courses.set_status(course.id, CourseStatus.DISCONTINUED, "  ")
    assert services.courses.get(course.id).status is CourseStatus.ACTIVE
    services.courses.set_status(course.id, CourseStatus.DISCONTINUED, "Rising blood pressure")
    stored = services.courses.get(course.id)
    assert (stored.status, stored.status_reason) == (CourseStatus.DISCONTINUED,
                                                     "Rising blood pressure")


def test_timeline_statuses_done_missed_overdue_upcoming(
    services: object, client_id: int, clock: object
) -> None:
    clock.now = datetime(2026, 11, 12, 12, 0)  # day 10 after START
    course = services.courses.create(Course(client_id=client_id, protocol="esketamine",
                                            start_date=START))
    entries = services.courses.timeline(course.id).entries
    first_dose = next(e for e in entries if e.slot.kind is SessionKind.DOSING)
    services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                  starts_at=datetime(2026, 11, 2, 9), slot_id=first_dose.slot.id)
    by_day = {(e.slot.kind, (e.slot.planned_date - START).days): e.state.status
              for e in services.courses.timeline(course.id).entries}
    assert by_day[(SessionKind.DOSING, 0)] is SlotStatus.DONE
    assert by_day[(SessionKind.DOSING, 3)] is SlotStatus.MISSED   # 7 days late
    assert by_day[(SessionKind.DOSING, 7)] is SlotStatus.MISSED   # 3 days late > 2 grace
    assert by_day[(SessionKind.DOSING, 10)] is SlotStatus.UPCOMING  # today
    assert by_day[(SessionKind.INTEGRATION, 8)] is SlotStatus.OVERDUE  # 2 days late
    adherence = services.courses.timeline(course.id).adherence
    assert adherence.done == 1


def test_move_and_skip_need_a_reason_and_show_in_the_timeline(
    services: object, client_id: int, clock: object
) -> None:
    clock.now = datetime(2026, 10, 1, 9, 0)
    course = services.courses.create(Course(client_id=client_id, protocol="iv_ketamine",
                                            start_date=START))
    entries = services.courses.timeline(course.id).entries
    dose1, dose2 = [e.slot for e in entries if e.slot.kind is SessionKind.DOSING][:2]
    with pytest.raises(ValidationError, match="Reason"):
        services.courses.move_slot(dose1.id, dose1.planned_date + timedelta(days=1), "")
    with pytest.raises(ValidationError, match="Reason"):
        services.courses.skip_slot(dose2.id, "   ")
    services.courses.move_slot(dose1.id, dose1.planned_date + timedelta(days=1), "Client ill")
    services.courses.skip_slot(dose2.id, "Public holiday")
    states = {e.slot.id: e for e in services.courses.timeline(course.id).entries}
    assert states[dose1.id].state.status is SlotStatus.MOVED
    assert states[dose1.id].state.effective_date == date(2026, 11, 3)
    assert states[dose1.id].slot.change_reason == "Client ill"
    assert states[dose2.id].state.status is SlotStatus.SKIPPED
    assert services.courses.get(course.id).protocol == "iv_ketamine"
