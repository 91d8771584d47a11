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
    ("subscales on sum", broken(subscales=[]), "bad.json: subscales", "only"),
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
