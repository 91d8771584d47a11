"""Use cases that sat in widgets, now services the widgets call: a new course's plan from the
typed dose days (services/course_plans.py), the dosing session an integration note links to
(NotesService.dosing_to_link), and the intentions a signed note reviewed
(IntentionService.reviewed_rows)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.schedule import SlotKind
from kapnotes.services import course_plans
from kapnotes.services.intentions import intention_ids_in


@pytest.fixture
def client_id(services: object) -> int:
    return services.clients.create(Client(code="KAP-611", full_name="Sage Example")).id


def _course(client_id: int, protocol: str) -> Course:
    return Course(client_id=client_id, protocol=protocol, start_date=date(2026, 12, 1))


# -- the plan of a new course --------------------------------------------------------------
def test_typed_dose_days_make_the_plan_that_is_previewed_and_stored(services: object,
                                                                    client_id: int) -> None:
    course = _course(client_id, "custom")
    preview = course_plans.preview_plan(services.courses, course, "0, 7;21")
    stored = course_plans.create_course(services.courses, course, "0, 7;21")

    doses = [s.planned_date for s in preview if s.kind is SlotKind.DOSING]
    assert doses == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 22)]
    timeline = services.courses.timeline(stored.id).entries
    assert [(e.slot.kind, e.slot.planned_date) for e in timeline] == \
        [(s.kind, s.planned_date) for s in preview]


@pytest.mark.parametrize("typed", ["0, x", "0, 7.5", "+7", "1" * 6, "0," * 1500])
def test_dose_days_that_are_not_whole_days_are_refused_and_nothing_stored(
        services: object, client_id: int, typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        course_plans.create_course(services.courses, _course(client_id, "custom"), typed)
    assert refused.value.field == "Dose days"
    assert services.courses.for_client(client_id) == []


def test_a_protocol_without_a_day_list_ignores_what_was_typed(services: object,
                                                             client_id: int) -> None:
    course = _course(client_id, "esketamine")
    assert course_plans.preview_plan(services.courses, course, "not days at all") == \
        services.courses.generate(course)


# -- the dosing session an integration note follows up --------------------------------------
def test_an_integration_links_the_latest_dose_before_it_never_a_later_one(
        services: object, client_id: int) -> None:
    course = services.courses.create(_course(client_id, "kap_sublingual_im"))

    def dose(day: int) -> int:
        return services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                             starts_at=datetime(2026, 12, day, 10)).id

    assert services.notes.dosing_to_link(course.id, datetime(2026, 12, 2, 10)) is None
    first, second = dose(1), dose(8)
    dose(15)  # already written up ahead of the integration below: not what it follows up
    assert services.notes.dosing_to_link(course.id, datetime(2026, 12, 2, 10)) == first
    assert services.notes.dosing_to_link(course.id, datetime(2026, 12, 9, 10)) == second
    assert services.notes.dosing_to_link(course.id, datetime(2026, 12, 8, 10)) == second


# -- the intentions a note reviewed ---------------------------------------------------------
def test_a_note_shows_the_intentions_it_reviewed_in_its_order(services: object,
                                                              client_id: int) -> None:
    course = services.courses.create(_course(client_id, "kap_sublingual_im"))
    kind = services.intentions.add(course.id, "Be kinder to myself")
    sister = services.intentions.add(course.id, "Reconnect with my sister")
    services.intentions.add(course.id, "Set after the note was written")
    values = {"intentions_review": [{"intention_id": sister.id, "progress": 4},
                                    {"intention_id": kind.id, "progress": None},
                                    {"intention_id": sister.id}],
              "client_account": "Fictional account."}

    assert services.intentions.reviewed_rows(course.id, values) == [
        (sister.id, "Reconnect with my sister"), (kind.id, "Be kinder to myself")]


def test_stored_values_that_are_not_review_rows_are_passed_over() -> None:
    values = {"a": [{"intention_id": "x"}, {"intention_id": True}, {"intention_id": 3}],
              "b": "text", "c": [1, "two", None], "d": [{"other": 1}, {"intention_id": "4"}]}
    assert intention_ids_in(values) == [3, 4]
