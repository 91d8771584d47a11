"""Course outcomes on constructed (fictional) score series."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.outcomes import (
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


def test_full_course_with_response_remission_and_two_relapses():
    scores = [
        (day(-21), 23),  # history before the course: not the baseline
        (day(-2), 20),
        (DOSE, 21),  # same day as the first dose, taken before it: the baseline
        (day(7), 14),
        (day(14), 10),  # ≤ 10.5: response
        (day(21), 4),  # < 5: remission
        (day(28), 12),  # > 10.5: relapse
        (day(35), 9),  # response again
        (day(42), 15),  # relapse again
    ]
    out = course_outcome(PHQ9, scores, DOSE)
    assert out.baseline == ScorePoint(DOSE, 21)
    assert [p.on for p in out.points] == [day(n) for n in (7, 14, 21, 28, 35, 42)]
    assert out.responded is True and out.first_response_date == day(14)
    assert out.remitted is True and out.first_remission_date == day(21)
    assert out.relapse_dates == (day(28), day(42))
    assert out.relapsed is True and out.relapse_date == day(28)
    assert out.change == -6 and out.percent_change == pytest.approx(-600 / 21)
    assert out.currently_responding is False and out.currently_in_remission is False
    assert out.notes == ()


def test_points_carry_change_and_status():
    out = course_outcome(PHQ9, [(DOSE, 18), (day(7), 9), (day(14), 3)], DOSE)
    assert [(p.change, p.meets_response, p.meets_remission) for p in out.points] == [
        (-9, True, False),
        (-15, True, True),
    ]
    assert [p.percent_change for p in out.points] == [pytest.approx(-50), pytest.approx(-250 / 3)]


def test_never_responding_is_not_relapse():
    out = course_outcome(PHQ9, [(day(-1), 16), (day(7), 12), (day(14), 20)], DOSE)
    assert out.responded is False and out.first_response_date is None
    assert out.relapse_dates == () and out.relapsed is False
    assert out.remitted is False


def test_leaving_remission_while_still_responding_is_not_relapse():
    out = course_outcome(PHQ9, [(DOSE, 20), (day(7), 3), (day(14), 7)], DOSE)
    assert out.first_remission_date == day(7)
    assert out.currently_in_remission is False and out.currently_responding is True
    assert out.relapsed is False


def test_no_baseline():
    out = course_outcome(PHQ9, [(day(7), 12), (day(14), 3)], DOSE)
    assert out.baseline is None
    assert out.responded is None and out.relapsed is None and out.first_response_date is None
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
def test_relapse_only_ever_follows_a_response(raw):
    out = course_outcome(PHQ9, [(day(n), t) for n, t in raw], DOSE)
    if out.baseline is None or out.baseline.total == 0 or not out.points:
        assert out.responded is None and out.relapse_dates == ()
        return
    line = out.baseline.total / 2
    assert out.responded == any(p.total <= line for p in out.points)
    for when in out.relapse_dates:
        # Same-day entries are allowed, so a relapse can share its date with a response.
        assert out.first_response_date is not None and when >= out.first_response_date
        assert any(p.total > line for p in out.points if p.on == when)
    statuses = [p.total <= line for p in out.points]
    losses = sum(1 for a, b in pairwise(statuses) if a and not b)
    assert len(out.relapse_dates) == losses
