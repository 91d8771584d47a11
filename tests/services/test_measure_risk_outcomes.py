"""Risk and outcomes through MeasureService on a real vault: the suicide item of every scale
raises the same risk, a total alone says the item was not asked, deterioration and relapse
follow the rule set, and the baseline is chosen inside its window, before the dose."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.risk import NEVER_ASKED, NO_FLAGS, SUICIDE_BANNER, banner_lines, quiet_line

CALM_PHQ = {str(i): 0 for i in range(1, 10)}
CALM_MADRS = {str(i): 0 for i in range(1, 11)}


@pytest.fixture
def client_id(services: object) -> int:
    return services.clients.create(Client(code="KAP-731", full_name="Ari Testcase")).id


@pytest.fixture
def course_id(services: object, client_id: int) -> int:
    return services.courses.create(Course(client_id=client_id, protocol="custom",
                                          start_date=date(2026, 6, 1))).id


def dose(services: object, course_id: int, day: date) -> int:
    return services.notes.create_session(course_id=course_id, kind=SessionKind.DOSING,
                                         starts_at=datetime.combine(day, time(10, 0))).id


def total(services: object, client_id: int, scale: str, on: date, value: int,
          **kw: object) -> object:
    return services.measures.enter(client_id=client_id, scale_id=scale, taken_on=on,
                                   total=value, **kw)


def test_madrs_item_10_raises_the_same_suicide_risk_as_phq9_item_9(services: object,
                                                                  client_id: int) -> None:
    m = services.measures.enter(client_id=client_id, scale_id="madrs",
                                taken_on=date(2026, 10, 3), answers={**CALM_MADRS, "10": 6})
    assert (m.total, m.band, m.risk) == (6, "Normal", True)  # the band alone would hide it
    [flag] = services.measures.risk_flags(client_id)
    assert (flag.scale_name, flag.code, flag.topic, flag.detail) == (
        "MADRS", "suicidal_thoughts", "suicide", "item 10 = 6")
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=date(2026, 10, 4),
                            answers={**CALM_PHQ, "9": 1})
    status = services.measures.risk_status(client_id)
    assert {f.topic for f in status.flags} == {"suicide"}
    lines = banner_lines(status, date.isoformat)
    assert lines[0] == SUICIDE_BANNER  # one banner for both scales
    assert any("MADRS" in line and "item 10 = 6" in line for line in lines)
    assert any("PHQ-9" in line and "item 9 = 1" in line for line in lines)


def test_madrs_item_10_below_the_anchor_raises_nothing(services: object,
                                                        client_id: int) -> None:
    services.measures.enter(client_id=client_id, scale_id="madrs", taken_on=date(2026, 10, 3),
                            answers={**CALM_MADRS, "10": 1})
    assert services.measures.risk_flags(client_id) == []


def test_cssrs_risk_is_the_same_suicide_banner(services: object, client_id: int) -> None:
    services.measures.enter(client_id=client_id, scale_id="cssrs_screen",
                            taken_on=date(2026, 10, 3),
                            answers={"q1": True, "q2": True, "q3": True, "q4": True,
                                     "q5": False, "q6": False})
    status = services.measures.risk_status(client_id)
    assert [f.topic for f in status.flags] == ["suicide"]
    assert banner_lines(status, date.isoformat)[0] == SUICIDE_BANNER


def test_total_only_phq9_says_the_suicide_item_was_not_asked(services: object,
                                                              client_id: int) -> None:
    assert quiet_line(services.measures.risk_status(client_id)) == NEVER_ASKED
    m = total(services, client_id, "phq9", date(2026, 10, 3), 12)
    status = services.measures.risk_status(client_id)
    assert status.flags == () and [g.measure_id for g in status.not_asked] == [m.id]
    assert quiet_line(status) != NO_FLAGS
    [line] = banner_lines(status, date.isoformat)
    assert "PHQ-9" in line and "suicide risk item not asked" in line
    # Answered item by item afterwards: asked, and no flag.
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=date(2026, 10, 10),
                            answers=CALM_PHQ)
    status = services.measures.risk_status(client_id)
    assert status.not_asked == () and quiet_line(status) == NO_FLAGS
    # As of the earlier date (a note written then), the item was not asked.
    assert services.measures.risk_status(client_id, on=date(2026, 10, 5)).not_asked


def test_gad7_total_alone_is_not_a_missing_suicide_item(services: object,
                                                        client_id: int) -> None:
    total(services, client_id, "cadss", date(2026, 10, 3), 20)
    services.measures.enter(client_id=client_id, scale_id="gad7", taken_on=date(2026, 10, 3),
                            answers={str(i): 1 for i in range(1, 8)})
    status = services.measures.risk_status(client_id)
    assert status.not_asked == () and quiet_line(status) == NEVER_ASKED


def test_twelve_then_twenty_four_flags_deterioration(services: object, client_id: int,
                                                     course_id: int) -> None:
    first = date(2026, 6, 10)
    dose(services, course_id, first)
    total(services, client_id, "phq9", date(2026, 6, 8), 12)
    total(services, client_id, "phq9", date(2026, 6, 24), 24)
    o = services.measures.course_outcome(course_id, "phq9").outcome
    assert o.baseline.total == 12 and o.deteriorated is True
    assert o.deterioration_dates == (date(2026, 6, 24),)
    assert o.reliable_change.min_points == 6 and "Talking Therapies" in o.reliable_change.source


def test_six_four_fifteen_is_deterioration_and_possible_relapse(services: object,
                                                                client_id: int,
                                                                course_id: int) -> None:
    first = date(2026, 6, 10)
    dose(services, course_id, first)
    for on, value in ((date(2026, 6, 9), 6), (date(2026, 6, 17), 4), (date(2026, 6, 24), 15)):
        total(services, client_id, "phq9", on, value)
    o = services.measures.course_outcome(course_id, "phq9").outcome
    assert o.remitted is True and o.deteriorated is True
    assert o.relapse_dates == () and o.possible_relapse == date(2026, 6, 24)
    assert "SUSTAIN-1" in o.relapse_rule.source
    total(services, client_id, "phq9", date(2026, 7, 1), 16)  # 7 days later, still ≥ 10
    o = services.measures.course_outcome(course_id, "phq9").outcome
    assert o.relapse_dates == (date(2026, 7, 1),) and o.relapsed is True


def test_a_score_200_days_before_the_first_dose_is_not_baseline(services: object,
                                                                client_id: int,
                                                                course_id: int) -> None:
    first = date(2026, 6, 10)
    dose(services, course_id, first)
    total(services, client_id, "phq9", date(2025, 11, 22), 20)  # 200 days earlier
    total(services, client_id, "phq9", date(2026, 6, 24), 8)
    o = services.measures.course_outcome(course_id, "phq9").outcome
    assert o.baseline is None and o.responded is None
    assert any("200 days earlier" in n for n in o.notes)


def test_post_dose_score_on_the_first_dose_day_does_not_replace_the_pre_dose_one(
        services: object, client_id: int, course_id: int) -> None:
    first = date(2026, 6, 10)
    dose(services, course_id, first)
    total(services, client_id, "phq9", first, 20, dose_timing="before_dose")
    total(services, client_id, "phq9", first, 8, dose_timing="after_dose")  # entered last
    o = services.measures.course_outcome(course_id, "phq9").outcome
    assert (o.baseline.on, o.baseline.total, o.baseline.timing) == (first, 20, "before_dose")
    assert [(p.on, p.total) for p in o.points] == [(first, 8)]
    assert o.responded is True
    stored = services.measures.for_client(client_id)
    assert [m.dose_timing for m in stored] == ["before_dose", "after_dose"]


def test_a_bad_dose_timing_is_refused_and_nothing_stored(services: object,
                                                         client_id: int) -> None:
    with pytest.raises(ValidationError) as err:
        total(services, client_id, "phq9", date(2026, 6, 10), 20, dose_timing="during")
    assert err.value.field == "Taken"
    assert services.measures.for_client(client_id) == []


def test_practice_policy_tightens_the_relapse_rule(services: object, client_id: int,
                                                   course_id: int) -> None:
    from kapnotes.rules import builtin_rules

    tightened = builtin_rules().tightened({"relapse_phq9": {"confirmations": 1}})
    services.measures._rules = lambda: tightened
    first = date(2026, 6, 10)
    dose(services, course_id, first)
    for on, value in ((date(2026, 6, 9), 6), (date(2026, 6, 17), 4), (date(2026, 6, 24), 15)):
        total(services, client_id, "phq9", on, value)
    o = services.measures.course_outcome(course_id, "phq9").outcome
    assert o.relapse_dates == (date(2026, 6, 24),)  # one score is enough when tightened
    with pytest.raises(ValidationError):
        builtin_rules().tightened({"relapse_madrs": {"at_least": 30}})  # looser: refused
