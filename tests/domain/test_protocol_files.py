"""Protocol files: the shipped ones load with their sources, a broken file is refused with one
line naming the file and the field, and a practice folder adds protocols without ever
replacing a built-in one (docs/PROTOCOLS.md)."""

from __future__ import annotations

import copy
import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.protocol_schema import parse_protocol
from kapnotes.domain.protocols import (
    MAX_PROTOCOL_BYTES,
    builtin_folder,
    builtin_protocols,
    load_protocol_file,
    load_protocols,
)
from kapnotes.domain.schedule import generate_plan
from kapnotes.paths import resource_path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "PROTOCOLS.md"

GOOD: dict[str, Any] = {
    "format": 1,
    "id": "clinic_weekly",
    "label": "Clinic weekly KAP",
    "source": {"kind": "practice", "label": "Riverside Clinic KAP protocol v3"},
    "parameters": {
        "dose_interval_weeks": {"label": "Dosing sessions:", "min": 1, "max": 2,
                                "default": 1, "asked": True},
    },
    "phases": [
        {"name": "course", "start_day": 0, "count": 4, "every_weeks": "dose_interval_weeks"},
        {"name": "booster", "start_after_weeks": 4, "count": 2, "every_weeks": 4},
    ],
    "monitoring": ["Blood pressure before the dose"],
}


def _with(path: str, value: Any) -> dict[str, Any]:
    """GOOD with one value replaced (or removed, for value ...), path like "phases.1.count"."""
    data = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: Any = int(last) if isinstance(node, list) else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return data


def test_the_shipped_protocols_load_in_order_with_a_named_source() -> None:
    loaded = builtin_protocols()
    assert loaded.ids == ("esketamine", "iv_ketamine", "kap_sublingual_im", "custom")
    assert loaded.problems == ()
    for p in loaded.protocols:
        assert p.builtin and p.source.label and p.source.kind
        assert p.id in DOCS.read_text(encoding="utf-8"), p.id  # each one documented
    # The domain finds the same folder as the rest of the app.
    assert builtin_folder() == resource_path("protocols")


def test_the_example_in_the_docs_is_a_valid_file() -> None:
    text = DOCS.read_text(encoding="utf-8")
    example = re.search(r"## A small example\s+```json\n(.*?)```", text, re.DOTALL)
    assert example is not None
    protocol = parse_protocol(json.loads(example.group(1)), "example.json", builtin=False)
    plan = generate_plan(protocol, date(2026, 3, 2), dose_interval_weeks=2)
    doses = [(s.planned_date - date(2026, 3, 2)).days for s in plan if s.kind.value == "dosing"]
    assert doses == [0, 14, 28, 42, 70, 98]


@pytest.mark.parametrize(("change", "value", "field", "reason"), [
    ("format", 2, "format", "must be 1"),
    ("id", "Clinic Weekly", "id", "lower-case"),
    ("id", ..., "id", "non-empty"),
    ("label", "", "label", "non-empty"),
    ("label", "x" * 81, "label", "at most 80"),
    ("source", ..., "source", "is missing"),
    ("source.kind", "blog", "source.kind", "must be one of"),
    ("source.label", " ", "source.label", "non-empty"),
    ("colour", "blue", "colour", "unknown field"),
    ("parameters.dose_interval_weeks.max", 60, "parameters.dose_interval_weeks.max",
     "from 1 to 52"),
    ("parameters.dose_interval_weeks.default", 3,
     "parameters.dose_interval_weeks.default", "from 1 to 2"),
    ("parameters.dose_intervl_weeks", {"label": "x", "min": 1, "max": 2, "default": 1},
     "parameters.dose_intervl_weeks", "unknown parameter"),
    ("parameters.doses", {"label": "Doses", "min": 1, "max": 4, "default": 2},
     "parameters.doses", "no phase uses it"),
    ("parameters.doses", {"label": "Doses", "min": 1, "max": 4, "default": 2, "asked": True},
     "parameters.doses.asked", "only the intervals"),
    ("phases", [], "phases", "must be a list of 1 to 20"),
    ("phases.0.name", "Course!", "phases[0].name", "lower-case"),
    ("phases.0.count", -1, "phases[0].count", "from 0 to 104"),
    ("phases.0.count", "doses", "phases[0].count", "not a declared count parameter"),
    ("phases.0.every_weeks", "dose_intervl_weeks", "phases[0].every_weeks", "not a declared"),
    ("phases.0.week_days", [3, 0], "phases[0].week_days", "increasing order"),
    ("phases.0.week_days", [7], "phases[0].week_days[0]", "from 0 to 6"),
    ("phases.0.start_after_weeks", 2, "phases[0].start_after_weeks", "not both"),
    ("phases.0.day_offsets", [0, 7], "phases[0]", "either count"),
    ("phases.0.strat_day", 0, "phases[0].strat_day", "unknown field"),
    ("phases.1.start_after_weeks", ..., "phases", "on or before the last dose"),
    ("monitoring", "check BP", "monitoring", "list"),
    ("monitoring.0", "two\nlines", "monitoring[0]", "one line"),
])
def test_a_bad_file_is_refused_naming_file_and_field(
        change: str, value: Any, field: str, reason: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_protocol(_with(change, value), "clinic.json")
    assert err.value.field == f"clinic.json: {field}"
    assert reason in err.value.reason
    assert "\n" not in str(err.value)


def test_listed_day_offsets_must_increase_and_stand_alone() -> None:
    bad = _with("phases", [{"name": "custom", "day_offsets": [0, 7, 7]}])
    bad["parameters"] = {}
    with pytest.raises(ValidationError, match=r"clinic.json: phases\[0\].day_offsets: must be "
                                              "strictly increasing"):
        parse_protocol(bad, "clinic.json")
    bad["phases"] = [{"name": "custom", "day_offsets": [0, 7], "count": 2}]
    with pytest.raises(ValidationError, match="either count"):
        parse_protocol(bad, "clinic.json")


def _write(folder: Path, name: str, data: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_a_practice_folder_adds_protocols_and_reports_broken_files(tmp_path: Path) -> None:
    practice = tmp_path / "protocols"
    _write(practice, "clinic.json", GOOD)
    _write(practice, "broken.json", "{ not json")
    _write(practice, "clash.json", {**GOOD, "id": "esketamine", "label": "My esketamine"})
    _write(practice, "twice.json", {**GOOD, "label": "Clinic weekly again"})
    loaded = load_protocols((practice,), resource_path("protocols"))
    assert loaded.ids == ("esketamine", "iv_ketamine", "kap_sublingual_im", "custom",
                          "clinic_weekly")
    assert loaded.require("esketamine").label == "Esketamine nasal spray (Spravato)"
    assert not loaded.require("clinic_weekly").builtin
    messages = {p.path.name: p.message for p in loaded.problems}
    assert set(messages) == {"broken.json", "clash.json", "twice.json"}
    assert messages["broken.json"].startswith("broken.json: is not valid JSON")
    assert messages["clash.json"] == (
        "clash.json: id: 'esketamine' is already used by Esketamine nasal spray (Spravato) "
        "(a built-in protocol); give this protocol its own id")
    assert "already used by Clinic weekly KAP (clinic.json)" in messages["twice.json"]
    assert all("\n" not in m for m in messages.values())


def test_a_missing_practice_folder_is_normal(tmp_path: Path) -> None:
    loaded = load_protocols((tmp_path / "nowhere",), resource_path("protocols"))
    assert loaded.ids == builtin_protocols().ids and loaded.problems == ()


def test_hostile_files_are_refused_before_parsing(tmp_path: Path) -> None:
    big = _write(tmp_path, "big.json", " " * (MAX_PROTOCOL_BYTES + 1))
    with pytest.raises(ValidationError, match=r"big\.json"):
        load_protocol_file(big, builtin=False)
    deep = _write(tmp_path, "deep.json", "[" * 10_000 + "]" * 10_000)
    with pytest.raises(ValidationError, match=r"deep\.json"):
        load_protocol_file(deep, builtin=False)
    if hasattr(os, "mkfifo"):  # a pipe nobody writes to is passed over, never waited on
        os.mkfifo(tmp_path / "fifo.json")
        loaded = load_protocols((tmp_path,), resource_path("protocols"))
        assert loaded.ids == builtin_protocols().ids
        assert sorted(p.path.name for p in loaded.problems) == ["big.json", "deep.json"]
