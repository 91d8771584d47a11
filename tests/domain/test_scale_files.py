"""Scale definition files: the loader names the file and the field, and never lets a broken
practice file stop the built-in scales loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.scales import load_builtin_scales, load_scale_file, load_scales, score
from kapnotes.paths import resource_path
from kapnotes.services.measures import load_practice_scales

BUILTIN_DIR = resource_path("scales")
SCALES = {s.id: s for s in load_builtin_scales(BUILTIN_DIR)}

# --- definition files ------------------------------------------------------------------------

PRACTICE_SCALE = {
    "format": 1,
    "id": "practice_wellbeing",
    "name": "Practice wellbeing check",
    "version": 1,
    "kind": "sum",
    "direction": "lower_is_better",
    "total_only_allowed": True,
    "response": {"type": "choice", "options": [{"value": 0, "label": "No"},
                                               {"value": 1, "label": "Some"},
                                               {"value": 2, "label": "Much"}]},
    "items": [{"id": "a", "text": "Worry"}, {"id": "b", "text": "Low mood"}],
    "bands": [{"min": 0, "max": 1, "label": "Low"}, {"min": 2, "max": 4, "label": "High"}],
    "remission": {"op": "<=", "value": 1},
}  # fmt: skip


def write(folder: Path, name: str, content: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def broken(**changes: object) -> dict[str, object]:
    data = json.loads(json.dumps(PRACTICE_SCALE))
    for key, value in changes.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    return data


def test_practice_scale_loads_after_builtins_and_scores(tmp_path):
    write(tmp_path, "wellbeing.json", PRACTICE_SCALE)
    loaded = load_scales([tmp_path], BUILTIN_DIR)
    assert loaded.problems == ()
    assert [s.id for s in loaded.scales][: len(SCALES)] == sorted(SCALES)
    mine = loaded.get("practice_wellbeing")
    assert mine is not None and mine.short_name == "Practice wellbeing check"
    assert score(mine, {"a": 1, "b": 2}).band_label == "High"


BROKEN_FILES = [
    ("not valid JSON", '{"format": 1,', "bad.json", "not valid JSON"),
    ("format", broken(format=2), "bad.json: format", "must be 1"),
    ("id missing", broken(id=None), "bad.json: id", "missing"),
    ("unknown key", broken(remision={"op": "<", "value": 1}), "bad.json: remision", "unknown"),
    ("kind", broken(kind="median"), "bad.json: kind", "one of"),
    ("no items", broken(items=[]), "bad.json: items", "non-empty"),
    ("dup item", broken(items=[{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]),
     "bad.json: items[1].id", "duplicate"),
    ("item text", broken(items=[{"id": "a", "text": ""}, {"id": "b", "text": "y"}]),
     "bad.json: items[0].text", "non-empty"),
    ("range", broken(response={"type": "range", "min": 5, "max": 5}),
     "bad.json: response.max", "greater than min"),
    ("option", broken(response={"type": "choice", "options": [{"value": "0", "label": "x"},
                                                             {"value": 1, "label": "y"}]}),
     "bad.json: response.options[0].value", "whole number"),
    ("band gap", broken(bands=[{"min": 0, "max": 1, "label": "L"},
                               {"min": 3, "max": 4, "label": "H"}]),
     "bad.json: bands[1].min", "must be 2"),
    ("band short", broken(bands=[{"min": 0, "max": 3, "label": "L"}]),
     "bad.json: bands[0].max", "must be 4"),
    ("remission direction", broken(direction="neutral"), "bad.json: remission", "lower_is_better"),
    ("remission op", broken(remission={"op": ">", "value": 1}), "bad.json: remission.op", "one of"),
    ("flag item", broken(flags=[{"code": "c", "label": "l", "severity": "risk", "item": "z",
                                 "op": ">", "value": 0}]), "bad.json: flags[0].item", "no item"),
    ("flag severity", broken(flags=[{"code": "c", "label": "l", "severity": "urgent",
                                     "item": "a", "op": ">", "value": 0}]),
     "bad.json: flags[0].severity", "one of"),
    ("total-only mean", broken(kind="mean", bands=None, remission=None),
     "bad.json: total_only_allowed", "cannot score"),
    ("yes/no in sum", broken(response={"type": "yesno"}), "bad.json: response.type", "numeric"),
    ("subscales on mean", broken(kind="mean", bands=None, remission=None,
                                 total_only_allowed=None,
                                 subscales=[{"id": "s", "name": "S", "items": ["a"]}]),
     "bad.json: subscales", "may have subscales"),
    ("empty subscales on sum", broken(subscales=[]), "bad.json: subscales", "non-empty"),
    ("subscale names no item", broken(subscales=[{"id": "s", "name": "S", "items": ["z"]}]),
     "bad.json: subscales[0].items", "no item 'z'"),
    ("item in two subscales", broken(subscales=[{"id": "s", "name": "S", "items": ["a"]},
                                                {"id": "t", "name": "T", "items": ["a"]}]),
     "bad.json: subscales[1].items", "already in another"),
    ("two subscales one id", broken(subscales=[{"id": "s", "name": "S", "items": ["a"]},
                                               {"id": "s", "name": "T", "items": ["b"]}]),
     "bad.json: subscales", "share one id"),
    ("reverse not boolean", broken(items=[{"id": "a", "text": "x", "reverse": "yes"},
                                          {"id": "b", "text": "y"}]),
     "bad.json: items[0].reverse", "true or false"),
    ("unknown flag topic", broken(flags=[{"code": "c", "label": "L", "severity": "risk",
                                          "item": "a", "op": ">", "value": 0,
                                          "topic": "suicidal"}]),
     "bad.json: flags[0].topic", "must be one of"),
    ("flag that can never fire", broken(flags=[{"code": "c", "label": "L", "severity": "risk",
                                                "item": "a", "op": ">", "value": 2}]),
     "bad.json: flags[0].value", "can ever raise it"),
    ("skip logic on sum", broken(items=[{"id": "a", "text": "x"},
                                        {"id": "b", "text": "y", "asked_if": {"a": True}}]),
     "bad.json: items[1].asked_if", "only supported"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "field", "why"), [c[1:] for c in BROKEN_FILES], ids=[c[0] for c in BROKEN_FILES]
)
def test_broken_practice_file_reported_with_file_and_field(tmp_path, content, field, why):
    path = write(tmp_path, "bad.json", content)
    write(tmp_path, "good.json", PRACTICE_SCALE)
    loaded = load_scales([tmp_path], BUILTIN_DIR)
    assert len(loaded.problems) == 1
    problem = loaded.problems[0]
    assert problem.path == path
    assert problem.message.startswith(field + ":"), problem.message
    assert why in problem.message
    # The built-ins and the good practice file still load.
    assert {s.id for s in loaded.scales} == set(SCALES) | {"practice_wellbeing"}


def test_load_scale_file_raises_naming_file_and_field(tmp_path):
    path = write(tmp_path, "mine.json", broken(version=0))
    with pytest.raises(ValidationError) as err:
        load_scale_file(path)
    assert err.value.field == "mine.json: version"


def test_practice_scale_may_not_reuse_a_builtin_id(tmp_path):
    write(tmp_path, "phq9_copy.json", broken(id="phq9"))
    loaded = load_scales([tmp_path], BUILTIN_DIR)
    assert loaded.get("phq9") == SCALES["phq9"]
    assert "phq9_copy.json: id" in loaded.problems[0].message


def test_missing_practice_folder_is_not_a_problem(tmp_path):
    loaded = load_scales([tmp_path / "nowhere"], BUILTIN_DIR)
    assert loaded.problems == () and len(loaded.scales) == len(SCALES)


def test_default_practice_folder_is_under_the_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KAPNOTES_DATA_DIR", str(tmp_path))
    write(tmp_path / "scales", "wellbeing.json", PRACTICE_SCALE)
    write(tmp_path / "scales", "broken.json", "[]")
    loaded = load_practice_scales()
    assert loaded.get("practice_wellbeing") is not None
    assert [p.message for p in loaded.problems] == ["broken.json: must be an object"]


# --- reverse-scored items, subscales on sum scales, flag topics --------------------------------

def test_reverse_scored_item_counts_from_the_other_end(tmp_path):
    mine = {**PRACTICE_SCALE, "items": [{"id": "a", "text": "Worry"},
                                        {"id": "b", "text": "Felt calm", "reverse": True}]}
    scale = load_scale_file(write(tmp_path, "rev.json", mine))
    assert scale.item("b").reverse is True and scale.item("a").reverse is False
    assert score(scale, {"a": 0, "b": 2}).total == 0  # calm "much" = 0 points
    assert score(scale, {"a": 0, "b": 0}).total == 2  # calm "no" = 2 points
    assert (scale.total_min, scale.total_max) == (0, 4)
    # The stored answers stay as given: reversing is scoring, not rewriting.
    assert dict(score(scale, {"a": 1, "b": 2}).answers) == {"a": 1, "b": 2}


def test_subscales_on_a_sum_scale_use_reversed_points(tmp_path):
    mine = {**PRACTICE_SCALE,
            "items": [{"id": "a", "text": "Worry"}, {"id": "b", "text": "Calm", "reverse": True},
                      {"id": "c", "text": "Sleep"}],
            "bands": [{"min": 0, "max": 6, "label": "Any"}], "remission": None,
            "subscales": [{"id": "mood", "name": "Mood", "items": ["a", "b"]}]}
    del mine["remission"]
    scale = load_scale_file(write(tmp_path, "sub.json", mine))
    result = score(scale, {"a": 1, "b": 0, "c": 2})
    assert result.total == 5
    [mood] = result.subscales
    assert (mood.id, mood.score, mood.max_score) == ("mood", 3, 4)  # c is in no subscale


def test_cadss_has_depersonalisation_derealisation_and_amnesia_subscores():
    cadss = SCALES["cadss"]
    answers = {str(i): 0 for i in range(1, 24)}
    answers.update({"3": 4, "20": 2, "1": 1, "14": 3, "23": 1})
    result = score(cadss, answers)
    got = {s.id: (s.score, s.max_score) for s in result.subscales}
    assert got == {"depersonalisation": (6, 28), "derealisation": (1, 48), "amnesia": (4, 16)}
    assert result.total == 11
    assert cadss.version == 2
    # A total alone cannot tell the subscores.
    assert score(cadss, total=11).subscales == ()


def test_every_scale_that_asks_about_suicide_says_so_in_its_file():
    asking = {s.id for s in SCALES.values() if s.asks_about("suicide")}
    assert asking == {"phq9", "madrs", "cssrs_screen"}
    assert SCALES["madrs"].topic_of("suicidal_thoughts") == "suicide"
    assert SCALES["phq9"].topic_of("self_harm_thoughts") == "suicide"
