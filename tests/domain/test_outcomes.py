"""Course outcomes on constructed (fictional) score series."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapnotes.domain.clinical_rules import load_rules
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.outcome_rules import ReliableChange, outcome_rules
from kapnotes.domain.outcomes import (
    AFTER_DOSE,
    BEFORE_DOSE,
    ScorePoint,
    baseline_of,
    course_outcome,
    meets_response,
    percent_change,
)
from kapnotes.domain.scales import load_builtin_scales
from kapnotes.paths import resource_path

BUILTIN_DIR = resource_path("scales")
SCALES = {s.id: s for s in load_builtin_scales(BUILTIN_DIR)}
RULES = outcome_rules(load_rules(resource_path("rules")))
PHQ9, GAD7, MADRS = SCALES["phq9"], SCALES["gad7"], SCALES["madrs"]
DOSE = date(2025, 3, 3)


def day(n: int) -> date:
    """Days after (or before, if negative) the first dose."""
    return DOSE + timedelta(days=n)


@pytest.mark.parametrize(
    ("baseline", "total", "expected"),
    [
        (20, 10, True),  # exactly 50 %
        (20, 11, False),
        (21, 10, True),  # the line is 10.5
        (21, 11, False),
        (27, 0, True),
        (1, 0, True),
        (1, 1, False),
        (0, 0, None),  # no reduction can be measured from 0
    ],
)
def test_response_is_at_least_half_off_baseline(baseline, total, expected):
    assert meets_response(baseline, total) is expected


@pytest.mark.parametrize(
    ("baseline", "total", "expected"),
    [(20, 10, -50.0), (20, 25, 25.0), (21, 14, -100 / 3), (7, 7, 0.0), (0, 3, None)],
)
def test_percent_change(baseline, total, expected):
    got = percent_change(baseline, total)
    assert got == (None if expected is None else pytest.approx(expected))


def test_full_course_with_response_remission_and_a_possible_relapse():
    scores = [
        (day(-21), 23),  # inside the window but older than the next: history
        (day(-2), 20),
        (DOSE, 21),  # same day as the first dose, taken before it: the baseline
        (day(7), 14),
        (day(14), 10),  # ≤ 10.5: response
        (day(21), 4),  # < 5: remission
        (day(28), 12),  # ≥ 10 once: a possible relapse, not yet confirmed
        (day(35), 9),  # back under 10: that run ends
        (day(42), 15),  # ≥ 10 again, nothing after it yet
    ]
    out = course_outcome(PHQ9, scores, DOSE, RULES)
    assert out.baseline == ScorePoint(DOSE, 21)
    assert [p.on for p in out.points] == [day(n) for n in (7, 14, 21, 28, 35, 42)]
    assert out.responded is True and out.first_response_date == day(14)
    assert out.remitted is True and out.first_remission_date == day(21)
    assert out.relapse_dates == () and out.relapsed is False
    assert out.possible_relapse == day(42)
    assert out.change == -6 and out.percent_change == pytest.approx(-600 / 21)
    assert out.currently_responding is False and out.currently_in_remission is False
    assert out.deteriorated is False
    assert out.notes == ()


def test_twelve_then_twenty_four_is_reliable_deterioration():
    out = course_outcome(PHQ9, [(DOSE, 12), (day(7), 24)], DOSE, RULES)
    assert out.reliable_change is not None and out.reliable_change.min_points == 6
    assert out.deteriorated is True and out.deterioration_dates == (day(7),)
    assert out.points[0].deteriorated is True
    # One point short of the reliable change is not deterioration.
    assert course_outcome(PHQ9, [(DOSE, 12), (day(7), 17)], DOSE, RULES).deteriorated is False


def test_six_four_fifteen_is_deterioration_and_a_possible_relapse_until_confirmed():
    scores = [(DOSE, 6), (day(7), 4), (day(14), 15)]
    out = course_outcome(PHQ9, scores, DOSE, RULES)
    assert out.remitted is True and out.responded is False  # 4 is not half of 6
    assert out.deteriorated is True and out.deterioration_dates == (day(14),)
    assert out.relapse_dates == () and out.possible_relapse == day(14)
    confirmed = course_outcome(PHQ9, [*scores, (day(21), 16)], DOSE, RULES)
    assert confirmed.relapse_dates == (day(21),) and confirmed.relapsed is True
    assert confirmed.possible_relapse is None


def test_madrs_relapse_follows_sustain_1():
    rule = RULES.for_scale("madrs").relapse
    assert rule is not None and (rule.at_least, rule.min_gap_days, rule.max_gap_days) == (
        22, 5, 15)
    base = [(DOSE, 36), (day(14), 10)]  # remission
    too_soon = course_outcome(MADRS, [*base, (day(21), 24), (day(24), 25)], DOSE, RULES)
    assert too_soon.relapse_dates == () and too_soon.possible_relapse == day(21)
    out = course_outcome(MADRS, [*base, (day(21), 24), (day(24), 25), (day(30), 23)], DOSE,
                         RULES)
    assert out.relapse_dates == (day(30),)
    too_late = course_outcome(MADRS, [*base, (day(21), 24), (day(40), 23)], DOSE, RULES)
    assert too_late.relapse_dates == () and too_late.possible_relapse == day(40)
    never_better = course_outcome(MADRS, [(DOSE, 36), (day(7), 30), (day(14), 30)], DOSE,
                                  RULES)
    assert never_better.relapse_dates == () and never_better.possible_relapse is None


def test_madrs_reliable_change_is_jacobson_truax_from_the_rule_set():
    rc = RULES.for_scale("madrs").reliable_change
    assert rc is not None and rc.min_points == 5
    # The shipped 5 points is the Jacobson & Truax index from the SD and r the rule names.
    assert ReliableChange.jacobson_truax(5.7, 0.91, "x").min_points == 5
    assert ReliableChange.jacobson_truax(10, 0.5, "x").min_points == 20  # 19.6 → 20


def test_a_score_long_before_the_first_dose_is_not_baseline():
    out = course_outcome(PHQ9, [(day(-200), 20), (day(7), 8)], DOSE, RULES)
    assert out.baseline is None and out.responded is None
    assert any("28 days" in n and "200 days earlier" in n for n in out.notes)
    at_edge = course_outcome(PHQ9, [(day(-28), 20), (day(7), 8)], DOSE, RULES)
    assert at_edge.baseline == ScorePoint(day(-28), 20)
    assert course_outcome(PHQ9, [(day(-29), 20)], DOSE, RULES).baseline is None


def test_on_the_first_dose_day_a_post_dose_score_does_not_replace_the_pre_dose_one():
    scores = [ScorePoint(DOSE, 20, BEFORE_DOSE), ScorePoint(DOSE, 8, AFTER_DOSE)]
    out = course_outcome(PHQ9, scores, DOSE, RULES)
    assert out.baseline == ScorePoint(DOSE, 20, BEFORE_DOSE)
    assert [(p.on, p.total) for p in out.points] == [(DOSE, 8)]  # follow-up, not baseline
    assert out.responded is True
    # Entered the other way round, the answer is the same.
    assert course_outcome(PHQ9, scores[::-1], DOSE, RULES).baseline.total == 20
    # A pre-dose mark beats an unmarked entry of the same day.
    marked = [ScorePoint(DOSE, 20, BEFORE_DOSE), ScorePoint(DOSE, 15)]
    assert baseline_of(marked, DOSE, 28) == ScorePoint(DOSE, 20, BEFORE_DOSE)


def test_points_carry_change_and_status():
    out = course_outcome(PHQ9, [(DOSE, 18), (day(7), 9), (day(14), 3)], DOSE)
    assert [(p.change, p.meets_response, p.meets_remission) for p in out.points] == [
        (-9, True, False),
        (-15, True, True),
    ]
    assert [p.percent_change for p in out.points] == [pytest.approx(-50), pytest.approx(-250 / 3)]


def test_never_responding_is_not_relapse():
    out = course_outcome(PHQ9, [(day(-1), 16), (day(7), 12), (day(14), 20)], DOSE, RULES)
    assert out.responded is False and out.first_response_date is None
    assert out.relapse_dates == () and out.relapsed is False
    assert out.remitted is False


def test_leaving_remission_while_still_responding_is_not_relapse():
    out = course_outcome(PHQ9, [(DOSE, 20), (day(7), 3), (day(14), 7)], DOSE, RULES)
    assert out.first_remission_date == day(7)
    assert out.currently_in_remission is False and out.currently_responding is True
    assert out.relapsed is False


def test_no_baseline():
    out = course_outcome(PHQ9, [(day(7), 12), (day(14), 3)], DOSE, RULES)
    assert out.baseline is None
    assert out.responded is None and out.first_response_date is None
    assert out.relapsed is False  # remission needs no baseline, so relapse can be judged
    assert out.deteriorated is None
    assert out.change is None and out.percent_change is None
    # Remission is an absolute threshold: it needs no baseline.
    assert out.remitted is True and out.first_remission_date == day(14)
    assert any("no baseline" in n for n in out.notes)


def test_baseline_zero():
    out = course_outcome(PHQ9, [(DOSE, 0), (day(7), 0), (day(14), 2)], DOSE)
    assert out.baseline == ScorePoint(DOSE, 0)
    assert out.responded is None and out.relapse_dates == ()
    assert out.change == 2 and out.percent_change is None
    assert out.remitted is True
    assert any("Baseline is 0" in n for n in out.notes)


def test_baseline_already_in_remission_is_noted():
    out = course_outcome(PHQ9, [(DOSE, 4), (day(7), 2)], DOSE)
    assert out.responded is True and out.remitted is True
    assert any("already meets the remission threshold" in n for n in out.notes)


def test_no_first_dose_yet():
    out = course_outcome(PHQ9, [(day(-7), 18), (day(-1), 17)], None)
    assert out.baseline is None and out.points == ()
    assert out.responded is None and out.remitted is None and out.latest is None
    assert any("No first dose" in n for n in out.notes)


def test_no_score_after_first_dose_yet():
    out = course_outcome(PHQ9, [(day(-1), 17)], DOSE)
    assert out.baseline == ScorePoint(day(-1), 17)
    assert out.points == () and out.responded is None and out.remitted is None
    assert any("after the first dose" in n for n in out.notes)


@pytest.mark.parametrize(
    ("scale", "total", "remitted"),
    [(MADRS, 10, True), (MADRS, 11, False), (GAD7, 4, True), (GAD7, 5, False),
     (PHQ9, 4, True), (PHQ9, 5, False)],
)  # fmt: skip
def test_remission_threshold_edges(scale, total, remitted):
    out = course_outcome(scale, [(DOSE, scale.total_max), (day(7), total)], DOSE)
    assert out.remitted is remitted


def test_neutral_scale_gets_change_but_no_response_or_remission():
    out = course_outcome(SCALES["cadss"], [(DOSE, 10), (day(7), 30)], DOSE)
    assert out.change == 20 and out.percent_change == pytest.approx(200.0)
    assert out.responded is None and out.remitted is None and out.relapsed is None


def test_input_order_does_not_matter_but_same_day_order_does():
    scores = [(day(14), 5), (DOSE, 19), (day(-3), 24), (day(7), 9), (DOSE, 20)]
    out = course_outcome(PHQ9, scores, DOSE)
    assert out.baseline == ScorePoint(DOSE, 20)  # the later of two same-day entries
    assert [p.on for p in out.points] == [day(7), day(14)]
    assert baseline_of([ScorePoint(d, t) for d, t in scores], DOSE) == ScorePoint(DOSE, 20)


def test_rule_based_scale_refused():
    with pytest.raises(ValidationError) as err:
        course_outcome(SCALES["cssrs_screen"], [], DOSE)
    assert err.value.field == "scale"


@pytest.mark.parametrize(
    ("point", "field"),
    [
        ((day(7), 28), "PHQ-9 score on 2025-03-10"),
        ((day(7), -1), "PHQ-9 score on 2025-03-10"),
        ((day(7), True), "PHQ-9 score on 2025-03-10"),
        ((day(7), "9"), "PHQ-9 score on 2025-03-10"),
        ((datetime(2025, 3, 10, 9, 0), 9), "date"),
        (("2025-03-10", 9), "date"),
    ],
)
def test_bad_points_refused(point, field):
    with pytest.raises(ValidationError) as err:
        course_outcome(PHQ9, [(DOSE, 20), point], DOSE)
    assert err.value.field == field


series = st.lists(
    st.tuples(st.integers(-30, 120), st.integers(PHQ9.total_min, PHQ9.total_max)), max_size=12
)


@given(series)
def test_a_confirmed_relapse_follows_response_or_remission_and_two_high_scores(raw):
    out = course_outcome(PHQ9, [(day(n), t) for n, t in raw], DOSE, RULES)
    rule = RULES.for_scale("phq9").relapse
    assert rule is not None
    if out.baseline is not None and out.baseline.total > 0 and out.points:
        line = out.baseline.total / 2
        assert out.responded == any(p.total <= line for p in out.points)
    for when in out.relapse_dates:
        earlier = [p for p in out.points if p.on < when]
        assert any(p.meets_response or p.meets_remission for p in earlier)
        assert any(p.total >= rule.at_least and p.on == when for p in out.points)
        assert any(p.total >= rule.at_least
                   and rule.min_gap_days <= (when - p.on).days <= rule.max_gap_days
                   for p in earlier)
    for p in out.points:
        if p.deteriorated:
            assert p.change is not None and p.change >= 6
