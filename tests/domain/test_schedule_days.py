"""Fitting generated plans to the practice's opening days, and counts that never pass the plan
(kapnotes/domain/schedule_days.py, kapnotes/domain/schedule_status.py)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kapnotes.domain.schedule import SlotKind, generate_plan
from kapnotes.domain.schedule_days import OpeningDays, fit_plan
from kapnotes.domain.schedule_status import HeldSession, adherence, reconcile_plan

PROTOCOLS = st.sampled_from(["esketamine", "iv_ketamine",
                             "kap_sublingual_im"])
DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def opening_days(draw: st.DrawFn) -> OpeningDays:
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    annual = draw(st.frozensets(st.tuples(st.integers(1, 12), st.integers(1, 28)), max_size=8))
    return OpeningDays(weekdays=weekdays, annual=annual | {(12, 25), (1, 1)})


@settings(max_examples=150, deadline=None)
@given(PROTOCOLS, DAYS, opening_days(), st.integers(-30, 30))
def test_fitted_plans_keep_every_rule(protocol: str, start: date, days: OpeningDays,
                                      created: int) -> None:
    today = start + timedelta(days=created)
    plan = fit_plan(generate_plan(protocol, start), days, not_before=today)
    assert [s.index for s in plan] == list(range(len(plan)))
    assert [s.planned_date for s in plan] == sorted(s.planned_date for s in plan)
    doses = {s.dose_number: s.planned_date for s in plan if s.kind is SlotKind.DOSING}
    assert list(doses.values()) == sorted(set(doses.values()))  # one a day, in order
    first = doses[1]
    for s in plan:
        if s.moved_from is None and not s.move_reason:
            assert days.is_open(s.planned_date)
        if s.moved_from is not None:
            assert s.move_reason
        if s.kind is SlotKind.PREPARATION:
            assert s.planned_date <= first
            if today <= first:
                assert s.planned_date >= today  # never due before the course existed
        if s.kind is SlotKind.INTEGRATION:
            assert s.planned_date >= doses[s.dose_number]


def test_christmas_and_new_year_are_closed_by_default() -> None:
    plan = fit_plan(generate_plan("esketamine", date(2026, 12, 3)), OpeningDays(),
                    not_before=date(2026, 12, 3))
    moved = {s.moved_from: s.planned_date for s in plan if s.moved_from}
    assert moved[date(2026, 12, 25)] == date(2026, 12, 26)
    assert moved[date(2027, 1, 1)] == date(2027, 1, 2)
    assert moved[date(2026, 11, 26)] == date(2026, 12, 3)  # the preparation, to creation day


def test_a_course_entered_after_its_first_dose_keeps_its_preparation_date() -> None:
    plan = fit_plan(generate_plan("kap_sublingual_im", date(2026, 10, 1)),
                    OpeningDays(), not_before=date(2026, 11, 20))
    assert plan[0].kind is SlotKind.PREPARATION and plan[0].planned_date == date(2026, 9, 24)


@settings(max_examples=150, deadline=None)
@given(DAYS, st.integers(-20, 80),
       st.lists(st.tuples(st.sampled_from(list(SlotKind)), st.integers(-10, 90)), max_size=30))
def test_done_never_exceeds_planned_to_date(start: date, today_offset: int,
                                            held: list[tuple[SlotKind, int]]) -> None:
    plan = generate_plan("kap_sublingual_im", start)
    today = start + timedelta(days=today_offset)
    sessions = [HeldSession(str(i), kind, start + timedelta(days=d))
                for i, (kind, d) in enumerate(held)]
    states = reconcile_plan(plan, sessions, today)
    for kind in (None, *SlotKind):
        counts = adherence(states, today, kind=kind)
        assert counts.done <= counts.planned_to_date
