"""Scale definitions and scoring, checked against docs/DOMAIN.md ("Rating scales")
and resources/scales/README.md by hand-computed cases."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.scales import (
    Scale,
    load_builtin_scales,
    score,
)
from kapnotes.paths import resource_path

BUILTIN_DIR = resource_path("scales")
SCALES = {s.id: s for s in load_builtin_scales(BUILTIN_DIR)}


def items(scale_id: str, values: list[int]) -> dict[str, int]:
    scale = SCALES[scale_id]
    assert len(values) == len(scale.items)
    return {item.id: v for item, v in zip(scale.items, values, strict=True)}


def answers_for_total(scale: Scale, total: int) -> dict[str, int]:
    """Fill items in order with their top value until the total is reached."""
    out, left = {}, total
    for item in scale.items:
        take = min(left, item.max)
        out[item.id], left = take, left - take
    assert left == 0
    return out


# --- the shipped definitions match docs/DOMAIN.md ----------------------------------------


@pytest.mark.parametrize(
    ("scale_id", "kind", "n_items", "low", "high", "total_only"),
    [
        ("phq9", "sum", 9, 0, 27, True),
        ("gad7", "sum", 7, 0, 21, True),
        ("madrs", "sum", 10, 0, 60, True),
        ("cadss", "sum", 23, 0, 92, True),
        ("cssrs_screen", "cssrs", 7, 0, 7, False),  # 6 questions + Q6's "past 3 months?"
        ("meq30", "subscales", 30, 0, 150, False),
        ("ebi", "mean", 6, 0, 100, False),
    ],
)
def test_builtin_definitions(scale_id, kind, n_items, low, high, total_only):
    scale = SCALES[scale_id]
    assert (scale.kind, len(scale.items), scale.total_only_allowed) == (kind, n_items, total_only)
    if scale.has_total:
        assert (scale.total_min, scale.total_max) == (low, high)


def test_exactly_the_domain_scales_ship():
    assert set(SCALES) == {"phq9", "gad7", "madrs", "cadss", "cssrs_screen", "meq30", "ebi"}


@pytest.mark.parametrize(
    ("scale_id", "direction", "remission"),
    [
        ("phq9", "lower_is_better", "< 5"),
        ("gad7", "lower_is_better", "< 5"),
        ("madrs", "lower_is_better", "<= 10"),
        ("cadss", "neutral", None),
        ("meq30", "neutral", None),
        ("ebi", "neutral", None),
    ],
)
def test_direction_and_remission_rule(scale_id, direction, remission):
    scale = SCALES[scale_id]
    assert scale.direction == direction
    assert (str(scale.remission) if scale.remission else None) == remission


def test_phq9_item_wording_is_the_public_form():
    phq = SCALES["phq9"]
    assert phq.item("1").text == "Little interest or pleasure in doing things"
    assert phq.item("9").text.startswith("Thoughts that you would be better off dead")
    assert [o.label for o in phq.item("9").options] == [
        "Not at all", "Several days", "More than half the days", "Nearly every day",
    ]  # fmt: skip


# --- totals and bands ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale_id", "values", "total", "band"),
    [
        ("phq9", [1, 2, 3, 0, 1, 2, 3, 0, 0], 12, "Moderate"),
        ("phq9", [0] * 9, 0, "Minimal"),
        ("phq9", [3] * 9, 27, "Severe"),
        ("gad7", [3, 3, 3, 3, 3, 0, 0], 15, "Severe"),
        ("gad7", [1, 0, 1, 0, 1, 0, 1], 4, "Minimal"),
        ("madrs", [2, 4, 1, 3, 0, 6, 2, 1, 0, 1], 20, "Moderate"),
        ("madrs", [1, 1, 1, 1, 1, 1, 1, 0, 0, 0], 7, "Mild"),
        ("cadss", [1] * 23, 23, None),
        ("cadss", [4] * 23, 92, None),
    ],
)
def test_sum_scales_hand_computed(scale_id, values, total, band):
    result = score(SCALES[scale_id], items(scale_id, values))
    assert (result.total, result.band_label, result.total_only) == (total, band, False)


BAND_EDGES = [
    ("phq9", 0, "Minimal"), ("phq9", 4, "Minimal"), ("phq9", 5, "Mild"), ("phq9", 9, "Mild"),
    ("phq9", 10, "Moderate"), ("phq9", 14, "Moderate"), ("phq9", 15, "Moderately severe"),
    ("phq9", 19, "Moderately severe"), ("phq9", 20, "Severe"), ("phq9", 27, "Severe"),
    ("gad7", 0, "Minimal"), ("gad7", 4, "Minimal"), ("gad7", 5, "Mild"), ("gad7", 9, "Mild"),
    ("gad7", 10, "Moderate"), ("gad7", 14, "Moderate"), ("gad7", 15, "Severe"),
    ("gad7", 21, "Severe"),
    ("madrs", 0, "Normal"), ("madrs", 6, "Normal"), ("madrs", 7, "Mild"), ("madrs", 19, "Mild"),
    ("madrs", 20, "Moderate"), ("madrs", 34, "Moderate"), ("madrs", 35, "Severe"),
    ("madrs", 60, "Severe"),
]  # fmt: skip


@pytest.mark.parametrize(("scale_id", "total", "band"), BAND_EDGES)
def test_every_band_edge_from_items(scale_id, total, band):
    scale = SCALES[scale_id]
    result = score(scale, answers_for_total(scale, total))
    assert (result.total, result.band_label) == (total, band)


@pytest.mark.parametrize(("scale_id", "total", "band"), BAND_EDGES)
def test_every_band_edge_from_total_only(scale_id, total, band):
    result = score(SCALES[scale_id], total=total)
    assert (result.total, result.band_label, result.total_only) == (total, band, True)


@pytest.mark.parametrize("scale_id", ["phq9", "gad7", "madrs", "cadss"])
def test_total_only_range_checked(scale_id):
    scale = SCALES[scale_id]
    score(scale, total=scale.total_max)
    for bad in (scale.total_min - 1, scale.total_max + 1):
        with pytest.raises(ValidationError) as err:
            score(scale, total=bad)
        assert err.value.field == "total" and "outside" in err.value.reason


@pytest.mark.parametrize("bad", [True, 4.0, "4"])
def test_total_only_must_be_whole_number(bad):
    with pytest.raises(ValidationError, match="whole number"):
        score(SCALES["phq9"], total=bad)


@pytest.mark.parametrize("scale_id", ["cssrs_screen", "meq30", "ebi"])
def test_total_only_refused_where_items_are_needed(scale_id):
    with pytest.raises(ValidationError) as err:
        score(SCALES[scale_id], total=1)
    assert err.value.field == "total" and "item by item" in err.value.reason


def test_answers_and_total_together_refused():
    with pytest.raises(ValidationError, match="not both"):
        score(SCALES["phq9"], items("phq9", [0] * 9), total=0)


def test_neither_answers_nor_total_refused():
    with pytest.raises(ValidationError, match="needs its item answers"):
        score(SCALES["phq9"])


# --- PHQ-9 item 9 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "total", "flagged"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 1], 1, True),  # minimal total, still flagged
        ([0, 0, 0, 0, 0, 0, 0, 0, 3], 3, True),
        ([3, 3, 3, 3, 3, 3, 3, 3, 0], 24, False),  # severe total, item 9 zero: no flag
        ([1, 0, 0, 0, 0, 0, 0, 0, 0], 1, False),
    ],
)
def test_phq9_item9_flag_whatever_the_total(values, total, flagged):
    result = score(SCALES["phq9"], items("phq9", values))
    assert result.total == total
    assert result.has_risk_flag is flagged
    assert [f.code for f in result.flags] == (["self_harm_thoughts"] if flagged else [])


def test_phq9_total_only_leaves_item9_unknown_not_absent():
    result = score(SCALES["phq9"], total=1)
    assert result.flags == ()
    assert [f.code for f in result.unknown_flags] == ["self_harm_thoughts"]
    assert result.unknown_flags[0].severity == "risk"


# --- answers refused --------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["1", "5", "9"])
def test_missing_item_refused_and_named(missing):
    answers = items("phq9", [1] * 9)
    del answers[missing]
    with pytest.raises(ValidationError) as err:
        score(SCALES["phq9"], answers)
    assert err.value.field == f"item {missing}"


def test_none_answer_counts_as_missing():
    answers: dict[str, int | None] = dict(items("gad7", [1] * 7))
    answers["4"] = None
    with pytest.raises(ValidationError) as err:
        score(SCALES["gad7"], answers)
    assert err.value.field == "item 4"


@pytest.mark.parametrize(
    ("scale_id", "item_id", "value"),
    [
        ("phq9", "3", 4), ("phq9", "3", -1), ("gad7", "7", 4), ("madrs", "10", 7),
        ("cadss", "23", 5), ("meq30", "30", 6), ("ebi", "1", 101), ("ebi", "6", -1),
    ],
)  # fmt: skip
def test_out_of_range_answer_refused(scale_id, item_id, value):
    scale = SCALES[scale_id]
    answers = {item.id: item.min for item in scale.items}
    answers[item_id] = value
    with pytest.raises(ValidationError) as err:
        score(scale, answers)
    assert err.value.field == f"item {item_id}" and "out of range" in err.value.reason


@pytest.mark.parametrize("value", [True, 1.5, "2"])
def test_non_integer_answer_refused(value):
    answers: dict[str, object] = dict(items("phq9", [0] * 9))
    answers["2"] = value
    with pytest.raises(ValidationError, match="whole number"):
        score(SCALES["phq9"], answers)  # type: ignore[arg-type]


def test_unknown_item_refused():
    answers = items("phq9", [0] * 9) | {"10": 1}
    with pytest.raises(ValidationError) as err:
        score(SCALES["phq9"], answers)
    assert err.value.field == "item 10"


# --- EBI -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "mean"),
    [
        ([0] * 6, 0.0),
        ([100] * 6, 100.0),
        ([10, 20, 30, 40, 50, 60], 35.0),
        ([0, 0, 0, 0, 0, 1], 1 / 6),
        ([55, 70, 80, 90, 65, 100], 460 / 6),
    ],
)
def test_ebi_is_the_mean_of_items(values, mean):
    result = score(SCALES["ebi"], items("ebi", values))
    assert result.total == pytest.approx(mean)
    assert result.band_label is None and result.flags == ()


# --- MEQ-30 ----------------------------------------------------------------------------------

MEQ_SUBSCALES = {
    "mystical": [4, 5, 6, 9, 14, 15, 16, 18, 20, 21, 23, 24, 25, 26, 28],
    "positive_mood": [2, 8, 12, 17, 27, 30],
    "transcendence": [1, 7, 11, 13, 19, 22],
    "ineffability": [3, 10, 29],
}


def test_meq30_uses_the_published_item_assignment():
    meq = SCALES["meq30"]
    got = {s.id: [int(i) for i in s.item_ids] for s in meq.subscales}
    assert got == MEQ_SUBSCALES
    assert {s.id: s.max_score for s in meq.subscales} == {
        "mystical": 75, "positive_mood": 30, "transcendence": 30, "ineffability": 15,
    }  # fmt: skip


def meq_answers(per_subscale: dict[str, int], lower: tuple[str, ...] = ()) -> dict[str, int]:
    """Every item of a subscale at one value; the first item of each `lower` subscale one less."""
    out = {}
    for sub, members in MEQ_SUBSCALES.items():
        for n, item in enumerate(members):
            out[str(item)] = per_subscale[sub] - (1 if sub in lower and n == 0 else 0)
    return out


ALL_3 = dict.fromkeys(MEQ_SUBSCALES, 3)


def test_meq30_exactly_60_percent_everywhere_is_complete():
    result = score(SCALES["meq30"], meq_answers(ALL_3))
    assert {s.id: s.score for s in result.subscales} == {
        "mystical": 45, "positive_mood": 18, "transcendence": 18, "ineffability": 9,
    }  # fmt: skip
    assert all(s.percent == pytest.approx(60.0) for s in result.subscales)
    assert result.total == 90
    assert result.is_complete_mystical is True


@pytest.mark.parametrize("below", list(MEQ_SUBSCALES))
def test_meq30_one_point_under_60_percent_on_any_subscale_is_not_complete(below):
    result = score(SCALES["meq30"], meq_answers(ALL_3, lower=(below,)))
    under = {s.id: s.score for s in result.subscales}[below]
    assert under == {"mystical": 44, "positive_mood": 17, "transcendence": 17,
                     "ineffability": 8}[below]  # fmt: skip
    assert result.is_complete_mystical is False


@pytest.mark.parametrize(
    ("levels", "complete", "total"),
    [
        ({"mystical": 5, "positive_mood": 5, "transcendence": 5, "ineffability": 5}, True, 150),
        ({"mystical": 0, "positive_mood": 0, "transcendence": 0, "ineffability": 0}, False, 0),
        ({"mystical": 5, "positive_mood": 5, "transcendence": 5, "ineffability": 2}, False, 141),
        ({"mystical": 4, "positive_mood": 3, "transcendence": 4, "ineffability": 3}, True, 111),
    ],
)
def test_meq30_complete_needs_every_subscale(levels, complete, total):
    result = score(SCALES["meq30"], meq_answers(levels))
    assert (result.is_complete_mystical, result.total) == (complete, total)


# --- C-SSRS screener -------------------------------------------------------------------------


def expected_cssrs(q1, q2, q3, q4, q5, q6, recent):
    """The screener's triage (docs/CLINICAL-RULES.md, resources/scales/README.md), written out
    independently of the JSON."""
    if q4 or q5 or (q6 and recent):
        return "high"
    if q3 or (q6 and not recent):
        return "moderate"
    if q1 or q2:
        return "low"
    return "none"


def cssrs_cases():
    """Every answer pattern the screener's skip logic allows."""
    for q1, q2, q6 in itertools.product([False, True], repeat=3):
        follow = itertools.product([False, True], repeat=3) if q2 else [(None, None, None)]
        for q3, q4, q5 in follow:
            for recent in [False, True] if q6 else [None]:
                yield q1, q2, q3, q4, q5, q6, recent


CSSRS_CASES = list(cssrs_cases())


def cssrs_answers(q1, q2, q3, q4, q5, q6, recent):
    raw = {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6, "q6_recent": recent}
    return {k: v for k, v in raw.items() if v is not None}


def test_cssrs_cases_cover_the_skip_logic():
    # q1 (2) × [q2 no: 1, q2 yes: q3-q5 2³ = 8] × [q6 no: 1, q6 yes: within 3 months or not 2]
    assert len(CSSRS_CASES) == 2 * (1 + 8) * (1 + 2)


@pytest.mark.parametrize("case", CSSRS_CASES)
def test_cssrs_every_combination(case):
    result = score(SCALES["cssrs_screen"], cssrs_answers(*case))
    level = expected_cssrs(*case)
    assert result.risk_level == level
    assert result.total is None
    severities = [f.severity for f in result.flags]
    assert severities == {"high": ["risk"], "moderate": ["risk"], "low": ["info"],
                          "none": []}[level]  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "level", "label"),
    [
        ({"q1": True, "q2": False, "q6": False}, "low", "Low risk"),
        ({"q1": False, "q2": False, "q6": True, "q6_recent": False}, "moderate", "Moderate risk"),
        ({"q1": False, "q2": False, "q6": True, "q6_recent": True}, "high",
         "High risk — needs immediate review"),
        ({"q1": False, "q2": False, "q6": False}, "none", "No risk identified"),
    ],
)  # fmt: skip
def test_cssrs_labels(answers, level, label):
    result = score(SCALES["cssrs_screen"], answers)
    assert (result.risk_level, result.band_label) == (level, label)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"q1": False, "q2": True, "q3": False, "q4": False, "q6": False}, "item q5"),
        ({"q1": False, "q2": False, "q6": True}, "item q6_recent"),
        ({"q1": False, "q2": False}, "item q6"),
        ({"q2": False, "q6": False}, "item q1"),
    ],
)
def test_cssrs_asked_questions_must_be_answered(answers, field):
    with pytest.raises(ValidationError) as err:
        score(SCALES["cssrs_screen"], answers)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"q1": True, "q2": False, "q4": True, "q6": False}, "item q4"),
        ({"q1": False, "q2": False, "q6": False, "q6_recent": True}, "item q6_recent"),
    ],
)
def test_cssrs_yes_to_a_question_not_asked_is_refused(answers, field):
    with pytest.raises(ValidationError) as err:
        score(SCALES["cssrs_screen"], answers)
    assert err.value.field == field and "only asked when" in err.value.reason


def test_cssrs_unasked_questions_answered_no_are_accepted():
    answers = {"q1": True, "q2": False, "q3": False, "q4": 0, "q5": False, "q6": False}
    assert score(SCALES["cssrs_screen"], answers).risk_level == "low"


@pytest.mark.parametrize("value", [2, "yes", None])
def test_cssrs_needs_yes_or_no(value):
    answers = {"q1": value, "q2": False, "q6": False}
    with pytest.raises(ValidationError) as err:
        score(SCALES["cssrs_screen"], answers)
    assert err.value.field == "item q1"


# --- properties ------------------------------------------------------------------------------

NUMERIC = [s for s in SCALES.values() if s.has_total]


@st.composite
def scale_and_answers(draw):
    scale = draw(st.sampled_from(NUMERIC))
    answers = {item.id: draw(st.sampled_from(item.values)) for item in scale.items}
    return scale, answers


@given(scale_and_answers())
def test_total_always_within_range_and_banded(case):
    scale, answers = case
    result = score(scale, answers)
    assert scale.total_min <= result.total <= scale.total_max
    if scale.bands:
        assert result.band_label is not None
    if scale.total_only_allowed:
        # The total alone lands in the same band; item flags become unknown, never "absent".
        alone = score(scale, total=result.total)
        assert alone.band_label == result.band_label
        assert len(alone.unknown_flags) == len(scale.flag_rules)


def test_scale_modules_stay_stdlib_only():
    code = (
        "import sys; import kapnotes.domain.scales, kapnotes.domain.outcomes; "
        "bad = [m for m in ('PySide6', 'platformdirs', 'reportlab') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
