"""Planned schedules per protocol, and slot statuses against sessions actually held."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.protocols import builtin_protocols, protocol_label
from kapnotes.domain.schedule import (
    PlannedSlot,
    SlotKind,
    esketamine_start_dose_mg,
    generate_plan,
)
from kapnotes.domain.schedule_status import (
    Adherence,
    AdjustmentAction,
    HeldSession,
    SlotStatus,
    adherence,
    move_slot,
    next_planned,
    reconcile_plan,
    skip_slot,
    slot_status,
)

START = date(2026, 3, 2)  # a Monday


def d(offset: int) -> date:
    return START + timedelta(days=offset)


def dates(plan: list[PlannedSlot], kind: SlotKind) -> list[date]:
    return [s.planned_date for s in plan if s.kind is kind]


def offsets(plan: list[PlannedSlot], kind: SlotKind) -> list[int]:
    return [(day - START).days for day in dates(plan, kind)]


# --- plan generation -----------------------------------------------------------------------

def test_protocol_labels() -> None:
    assert protocol_label("esketamine") == "Esketamine nasal spray (Spravato)"
    assert protocol_label("iv_ketamine") == "IV ketamine series"
    assert protocol_label("kap_sublingual_im") == "KAP (sublingual/IM ketamine)"
    assert protocol_label("custom").startswith("Custom")


def test_esketamine_default_plan_dates() -> None:
    plan = generate_plan("esketamine", START)
    induction = [0, 3, 7, 10, 14, 17, 21, 24]
    weekly = [28, 35, 42, 49]
    maintenance = [56, 63, 70, 77]
    assert offsets(plan, SlotKind.DOSING) == induction + weekly + maintenance
    assert offsets(plan, SlotKind.PREPARATION) == [-7]
    assert offsets(plan, SlotKind.INTEGRATION) == [o + 1 for o in induction + weekly + maintenance]
    assert dates(plan, SlotKind.DOSING)[:3] == [date(2026, 3, 2), date(2026, 3, 5), d(7)]


def test_esketamine_phase_labels_and_dose_numbers() -> None:
    doses = [s for s in generate_plan("esketamine", START) if s.kind is SlotKind.DOSING]
    assert [s.dose_number for s in doses] == list(range(1, 17))
    assert doses[0].phase == "induction week 1"
    assert doses[3].phase == "induction week 2"
    assert doses[7].phase == "induction week 4"
    assert doses[8].phase == "continuation week 5"
    assert doses[11].phase == "continuation week 8"
    assert doses[12].phase == "maintenance week 9"


def test_esketamine_maintenance_every_two_weeks() -> None:
    plan = generate_plan(
        "esketamine", START, maintenance_interval_weeks=2, maintenance_slots=3
    )
    assert offsets(plan, SlotKind.DOSING)[12:] == [56, 70, 84]
    assert [s.phase for s in plan if s.kind is SlotKind.DOSING][12:] == [
        "maintenance week 9", "maintenance week 11", "maintenance week 13",
    ]


def test_esketamine_without_maintenance() -> None:
    plan = generate_plan("esketamine", START, maintenance_slots=0)
    assert offsets(plan, SlotKind.DOSING)[-1] == 49


@pytest.mark.parametrize("weeks", [0, 3])
def test_esketamine_maintenance_interval_is_one_or_two(weeks: int) -> None:
    with pytest.raises(ValidationError) as err:
        generate_plan("esketamine", START, maintenance_interval_weeks=weeks)
    assert err.value.field == "maintenance_interval_weeks"


@pytest.mark.parametrize(
    ("infusions", "expected"),
    [
        (6, [0, 3, 7, 10, 14, 17]),
        (7, [0, 3, 7, 10, 14, 17, 21]),
        (8, [0, 3, 7, 10, 14, 17, 21, 24]),
    ],
)
def test_iv_series_twice_weekly(infusions: int, expected: list[int]) -> None:
    plan = generate_plan("iv_ketamine", START, doses=infusions)
    assert offsets(plan, SlotKind.DOSING) == expected
    assert offsets(plan, SlotKind.INTEGRATION) == [o + 1 for o in expected]
    assert {s.phase.split(" week")[0] for s in plan if s.kind is SlotKind.DOSING} == {"series"}


def test_iv_default_is_six_infusions_without_maintenance() -> None:
    plan = generate_plan("iv_ketamine", START)
    assert offsets(plan, SlotKind.DOSING) == [0, 3, 7, 10, 14, 17]


def test_iv_maintenance_after_series() -> None:
    plan = generate_plan(
        "iv_ketamine", START, maintenance_slots=2, maintenance_interval_weeks=4
    )
    assert offsets(plan, SlotKind.DOSING)[6:] == [17 + 28, 17 + 56]
    assert [s.phase for s in plan if s.kind is SlotKind.DOSING][6] == "maintenance week 7"


@pytest.mark.parametrize("infusions", [5, 9])
def test_iv_infusions_between_6_and_8(infusions: int) -> None:
    with pytest.raises(ValidationError) as err:
        generate_plan("iv_ketamine", START, doses=infusions)
    assert err.value.field == "doses"


def test_kap_default_weekly_six_sessions() -> None:
    plan = generate_plan("kap_sublingual_im", START)
    assert offsets(plan, SlotKind.PREPARATION) == [-7]
    assert offsets(plan, SlotKind.DOSING) == [0, 7, 14, 21, 28, 35]
    assert offsets(plan, SlotKind.INTEGRATION) == [1, 8, 15, 22, 29, 36]
    kinds = [s.kind for s in plan]
    assert kinds[0] is SlotKind.PREPARATION
    # An integration session between each pair of doses and after the last.
    assert kinds[1:] == [SlotKind.DOSING, SlotKind.INTEGRATION] * 6


def test_kap_eight_sessions_every_two_weeks() -> None:
    plan = generate_plan("kap_sublingual_im", START, doses=8, dose_interval_weeks=2)
    assert offsets(plan, SlotKind.DOSING) == [0, 14, 28, 42, 56, 70, 84, 98]
    assert plan[-1].kind is SlotKind.INTEGRATION
    assert plan[-1].planned_date == d(99)


def test_several_preparation_sessions_a_week_apart() -> None:
    plan = generate_plan(
        "kap_sublingual_im", START, preparation_count=3, preparation_lead_days=5
    )
    assert offsets(plan, SlotKind.PREPARATION) == [-19, -12, -5]
    assert [s.index for s in plan] == list(range(len(plan)))
    assert all(s.dose_number == 1 for s in plan if s.kind is SlotKind.PREPARATION)


def test_no_preparation_and_no_integration() -> None:
    plan = generate_plan(
        "kap_sublingual_im", START, preparation_count=0, with_integration=False
    )
    assert [s.kind for s in plan] == [SlotKind.DOSING] * 6


def test_integration_never_on_or_after_next_dose() -> None:
    # Twice weekly doses 3 days apart; asking for integration 5 days after keeps it in between.
    plan = generate_plan("iv_ketamine", START, integration_offset_days=5)
    assert offsets(plan, SlotKind.INTEGRATION) == [2, 6, 9, 13, 16, 22]


def test_integration_same_day_when_next_dose_is_next_day() -> None:
    plan = generate_plan("custom", START, custom_day_offsets=[0, 1])
    assert [(s.kind, (s.planned_date - START).days) for s in plan] == [
        (SlotKind.PREPARATION, -7),
        (SlotKind.DOSING, 0),
        (SlotKind.INTEGRATION, 0),
        (SlotKind.DOSING, 1),
        (SlotKind.INTEGRATION, 2),
    ]


def test_custom_plan_from_offsets() -> None:
    plan = generate_plan("custom", START, custom_day_offsets=[0, 10, 30])
    assert offsets(plan, SlotKind.DOSING) == [0, 10, 30]
    assert [s.phase for s in plan if s.kind is SlotKind.DOSING] == [
        "custom week 1", "custom week 2", "custom week 5",
    ]


def test_custom_plan_empty() -> None:
    assert generate_plan("custom", START) == []
    assert generate_plan("custom", START, custom_day_offsets=[]) == []


@pytest.mark.parametrize("bad", [[3, 3], [5, 2], [-1], [731]])
def test_custom_offsets_refused(bad: list[int]) -> None:
    with pytest.raises(ValidationError) as err:
        generate_plan("custom", START, custom_day_offsets=bad)
    assert err.value.field == "custom_day_offsets"


@pytest.mark.parametrize(
    ("protocol", "kwargs", "field"),
    [
        ("esketamine", {"doses": 6}, "doses"),
        ("esketamine", {"dose_interval_weeks": 1}, "dose_interval_weeks"),
        ("kap_sublingual_im", {"maintenance_slots": 2}, "maintenance_slots"),
        ("iv_ketamine", {"custom_day_offsets": [0]}, "custom_day_offsets"),
        ("custom", {"doses": 6}, "doses"),
    ],
)
def test_parameters_that_do_not_apply_are_refused(
    protocol: str, kwargs: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        generate_plan(protocol, START, **kwargs)
    assert err.value.field == field
    assert "does not apply" in err.value.reason


@given(
    protocol=st.sampled_from(builtin_protocols().ids),
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    prep=st.integers(0, 4),
    offset=st.integers(0, 14),
)
def test_plan_invariants(protocol: str, start: date, prep: int, offset: int) -> None:
    custom = [0, 1, 5, 19] if protocol == "custom" else None
    plan = generate_plan(
        protocol, start, custom_day_offsets=custom, preparation_count=prep,
        integration_offset_days=offset,
    )
    assert [s.index for s in plan] == list(range(len(plan)))
    assert [s.planned_date for s in plan] == sorted(s.planned_date for s in plan)
    doses = [s for s in plan if s.kind is SlotKind.DOSING]
    integrations = [s for s in plan if s.kind is SlotKind.INTEGRATION]
    assert doses[0].planned_date == start
    assert len(integrations) == len(doses)
    for dose, integ, nxt in zip(doses, integrations, [*doses[1:], None], strict=True):
        assert integ.dose_number == dose.dose_number
        assert integ.planned_date >= dose.planned_date
        if nxt is not None:
            assert integ.planned_date < nxt.planned_date
    assert all(s.planned_date < start for s in plan if s.kind is SlotKind.PREPARATION)


@pytest.mark.parametrize(("age", "mg"), [(18, 56), (64, 56), (65, 28), (90, 28)])
def test_esketamine_start_dose(age: int, mg: int) -> None:
    assert esketamine_start_dose_mg(age) == mg


@pytest.mark.parametrize("age", [-1, 131, 64.5, True])
def test_esketamine_start_dose_refuses_bad_age(age: object) -> None:
    with pytest.raises(ValidationError) as err:
        esketamine_start_dose_mg(age)  # type: ignore[arg-type]
    assert err.value.field == "age"


# --- statuses ---------------------------------------------------------------------------------

DOSE = PlannedSlot(index=1, kind=SlotKind.DOSING, planned_date=START, phase="course week 1",
                   dose_number=1)


def held(sid: str, offset: int, kind: SlotKind = SlotKind.DOSING,
         slot: int | None = None) -> HeldSession:
    return HeldSession(session_id=sid, kind=kind, held_on=d(offset), slot_index=slot)


@pytest.mark.parametrize(
    ("today_offset", "expected"),
    [
        (-5, SlotStatus.UPCOMING),
        (0, SlotStatus.UPCOMING),  # due today is still upcoming
        (1, SlotStatus.OVERDUE),
        (2, SlotStatus.OVERDUE),  # last day of grace
        (3, SlotStatus.MISSED),
        (30, SlotStatus.MISSED),
    ],
)
def test_status_without_held_session(today_offset: int, expected: SlotStatus) -> None:
    assert slot_status(DOSE, d(today_offset), []) is expected


@pytest.mark.parametrize(("grace", "late", "expected"), [
    (0, 1, SlotStatus.MISSED), (5, 5, SlotStatus.OVERDUE), (5, 6, SlotStatus.MISSED),
])
def test_grace_days(grace: int, late: int, expected: SlotStatus) -> None:
    assert slot_status(DOSE, d(late), [], grace_days=grace) is expected


@pytest.mark.parametrize("held_offset", [-3, -1, 0, 2, 3])
def test_done_when_held_within_window(held_offset: int) -> None:
    assert slot_status(DOSE, d(10), [held("s1", held_offset)]) is SlotStatus.DONE


@pytest.mark.parametrize("held_offset", [-4, 4])
def test_not_done_when_held_outside_window(held_offset: int) -> None:
    assert slot_status(DOSE, d(10), [held("s1", held_offset)]) is SlotStatus.MISSED


def test_held_session_of_other_kind_does_not_count() -> None:
    sessions = [held("s1", 0, SlotKind.INTEGRATION)]
    assert slot_status(DOSE, d(10), sessions) is SlotStatus.MISSED


def test_explicit_link_counts_outside_window() -> None:
    assert slot_status(DOSE, d(20), [held("s1", 12, slot=1)]) is SlotStatus.DONE


def test_link_to_slot_of_other_kind_is_ignored() -> None:
    sessions = [held("s1", 12, SlotKind.INTEGRATION, slot=1)]
    assert slot_status(DOSE, d(20), sessions) is SlotStatus.MISSED


def test_skipped_and_moved() -> None:
    skip = skip_slot(DOSE, "Client unwell")
    assert skip.action is AdjustmentAction.SKIP and skip.reason == "Client unwell"
    assert slot_status(DOSE, d(10), [], adjustment=skip) is SlotStatus.SKIPPED
    # A skipped slot does not soak up a nearby session; an explicit link still makes it done.
    assert slot_status(DOSE, d(10), [held("s1", 0)], adjustment=skip) is SlotStatus.SKIPPED
    assert slot_status(DOSE, d(10), [held("s1", 0, slot=1)], adjustment=skip) is SlotStatus.DONE

    move = move_slot(DOSE, d(7), "  Public holiday ")
    assert move.reason == "Public holiday" and move.new_date == d(7)
    assert slot_status(DOSE, d(3), [], adjustment=move) is SlotStatus.MOVED
    assert slot_status(DOSE, d(7), [], adjustment=move) is SlotStatus.MOVED
    assert slot_status(DOSE, d(8), [], adjustment=move) is SlotStatus.OVERDUE
    assert slot_status(DOSE, d(10), [], adjustment=move) is SlotStatus.MISSED
    assert slot_status(DOSE, d(10), [held("s1", 8)], adjustment=move) is SlotStatus.DONE


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_move_and_skip_need_a_reason(reason: str | None) -> None:
    with pytest.raises(ValidationError) as err:
        skip_slot(DOSE, reason)  # type: ignore[arg-type]
    assert err.value.field == "reason"
    with pytest.raises(ValidationError) as err:
        move_slot(DOSE, d(7), reason)  # type: ignore[arg-type]
    assert err.value.field == "reason"


def test_move_to_same_date_refused() -> None:
    with pytest.raises(ValidationError) as err:
        move_slot(DOSE, START, "no change")
    assert err.value.field == "new_date"


# --- whole plan -------------------------------------------------------------------------------

def kap_plan() -> list[PlannedSlot]:
    return generate_plan("kap_sublingual_im", START)


def test_each_held_session_matched_once() -> None:
    plan = [
        PlannedSlot(0, SlotKind.DOSING, d(0), "x", 1),
        PlannedSlot(1, SlotKind.DOSING, d(3), "x", 2),
    ]
    states = reconcile_plan(plan, [held("only", 1)], d(10))
    assert [s.status for s in states] == [SlotStatus.DONE, SlotStatus.MISSED]
    assert states[0].held is not None and states[0].held.session_id == "only"


def test_late_every_time_keeps_order() -> None:
    # Twice weekly, client two days late for each dose: each dose fulfils its own slot.
    plan = generate_plan("iv_ketamine", START, preparation_count=0, with_integration=False)
    sessions = [held(f"s{i}", o + 2) for i, o in enumerate([0, 3, 7, 10, 14, 17])]
    states = reconcile_plan(plan, sessions, d(30))
    assert [s.status for s in states] == [SlotStatus.DONE] * 6
    assert [s.held.session_id for s in states if s.held] == [f"s{i}" for i in range(6)]


def test_duplicate_links_fall_back_to_window_matching() -> None:
    plan = [
        PlannedSlot(0, SlotKind.DOSING, d(0), "x", 1),
        PlannedSlot(1, SlotKind.DOSING, d(7), "x", 2),
    ]
    states = reconcile_plan(plan, [held("a", 0, slot=0), held("b", 6, slot=0)], d(20))
    assert [s.held.session_id for s in states if s.held] == ["a", "b"]


def test_reconcile_course_in_progress_and_adherence() -> None:
    plan = kap_plan()  # prep -7, doses 0,7,14,21,28,35, integrations day after each
    today = d(16)
    sessions = [
        held("p", -6, SlotKind.PREPARATION),
        held("d1", 0), held("i1", 1, SlotKind.INTEGRATION),
        # dose 2 (day 7) not held -> missed; its integration skipped
        held("d3", 14),  # dose 3 done, integration (day 15) overdue
    ]
    skip = skip_slot(plan[4], "No dose, nothing to integrate")
    move = move_slot(plan[7], d(23), "Therapist away")  # dose 4: day 21 -> 23
    states = reconcile_plan(plan, sessions, today, adjustments=[skip, move])
    by_index = {s.slot.index: s.status for s in states}
    assert by_index[0] is SlotStatus.DONE
    assert by_index[1] is SlotStatus.DONE
    assert by_index[2] is SlotStatus.DONE
    assert by_index[3] is SlotStatus.MISSED
    assert by_index[4] is SlotStatus.SKIPPED
    assert by_index[5] is SlotStatus.DONE
    assert by_index[6] is SlotStatus.OVERDUE
    assert by_index[7] is SlotStatus.MOVED
    assert states[7].effective_date == d(23)
    assert all(by_index[i] is SlotStatus.UPCOMING for i in range(8, 13))

    assert adherence(states, today) == Adherence(
        planned_to_date=6, done=4, missed=1, overdue=1, upcoming=6, skipped=1, moved=1
    )
    assert adherence(states, today, kind=SlotKind.DOSING) == Adherence(
        planned_to_date=3, done=2, missed=1, overdue=0, upcoming=3, skipped=0, moved=1
    )

    nxt = next_planned(states, today)
    assert nxt is not None and nxt.slot.index == 6  # the overdue integration comes first
    nxt_dose = next_planned(states, today, kind=SlotKind.DOSING)
    assert nxt_dose is not None and nxt_dose.effective_date == d(23)


def test_next_planned_none_when_course_finished() -> None:
    plan = [PlannedSlot(0, SlotKind.DOSING, d(0), "x", 1)]
    assert next_planned(reconcile_plan(plan, [held("a", 0)], d(5)), d(5)) is None
    assert next_planned(reconcile_plan(plan, [], d(5)), d(5)) is None  # missed


@pytest.mark.parametrize("field", ["grace_days", "match_window_days"])
def test_day_parameters_validated(field: str) -> None:
    with pytest.raises(ValidationError) as err:
        reconcile_plan(kap_plan(), [], START, **{field: -1})
    assert err.value.field == field


@given(
    held_offsets=st.lists(st.integers(-10, 60), max_size=15),
    today_offset=st.integers(-10, 80),
)
def test_reconcile_invariants(held_offsets: list[int], today_offset: int) -> None:
    plan = kap_plan()
    sessions = [held(f"s{i}", o) for i, o in enumerate(held_offsets)]
    states = reconcile_plan(plan, sessions, d(today_offset))
    used = [s.held.session_id for s in states if s.held is not None]
    assert len(used) == len(set(used))  # each held session at most once
    for s in states:
        if s.held is not None:
            assert s.status is SlotStatus.DONE
            assert s.held.kind == s.slot.kind
            assert abs((s.held.held_on - s.effective_date).days) <= 3
    counts = adherence(states, d(today_offset))
    assert counts.done + counts.missed + counts.overdue + counts.upcoming + counts.skipped == len(
        plan
    )
