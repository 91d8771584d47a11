"""Clinical rule files: the shipped set loads, every rule is documented with its source, a broken
file names the file and the field, and a practice may tighten but never loosen."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kapnotes.domain.clinical_rules import Severity, load_rule_file, load_rules
from kapnotes.domain.errors import ValidationError
from kapnotes.paths import resource_path

RULES_DIR = resource_path("rules")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "CLINICAL-RULES.md"

GOOD = {
    "format": 1,
    "topic": "demo",
    "rules": [{
        "id": "demo_dose",
        "title": "Demo dose",
        "severity": "override",
        "thresholds": {"above": {"value": 1.0, "unit": "mg/kg", "stricter": "lower",
                                 "min": 0.1, "max": 1.0}},
        "context": ["mg_per_kg"],
        "message": "{mg_per_kg} mg/kg is above {above} mg/kg.",
        "source": {"kind": "trial", "label": "A named trial"},
    }],
}


def write(folder: Path, data: object, name: str = "demo.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), "utf-8")
    return path


def changed(path: str, value: object) -> dict[str, object]:
    """GOOD with one dotted path replaced (value None deletes it)."""
    data = json.loads(json.dumps(GOOD))
    node: object = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]  # type: ignore[index]
    assert isinstance(node, dict)
    if value is None:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return data


def test_shipped_rules_load_with_a_source_and_a_known_severity() -> None:
    rules = load_rules(RULES_DIR)
    assert {"ketamine_iv_dose_override", "one_dose_per_day", "bp_alert"} <= set(rules.rules)
    for rule in rules.rules.values():
        assert rule.source.label and rule.source.kind
        assert isinstance(rule.severity, Severity)
        rule.text(**dict.fromkeys(rule.context, 1))  # every placeholder can be filled


def test_every_shipped_rule_is_in_the_clinical_rules_document() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", text, re.MULTILINE))
    assert set(load_rules(RULES_DIR).rules) - documented == set()


def test_a_good_file_loads(tmp_path: Path) -> None:
    (rule,) = load_rule_file(write(tmp_path, GOOD))
    assert rule.finding(mg_per_kg=5.0).message == "5 mg/kg is above 1 mg/kg."
    assert rule.finding(mg_per_kg=5.0).needs_reason


@pytest.mark.parametrize(("path", "value", "field"), [
    ("format", 2, "demo.json: format"),
    ("rules.0.severity", "maybe", "demo.json: rules[0].severity"),
    ("rules.0.thresholds.above.stricter", "sideways",
     "demo.json: rules[0].thresholds.above.stricter"),
    ("rules.0.thresholds.above.value", 3, "demo.json: rules[0].thresholds.above.value"),
    ("rules.0.overide_above", 1, "demo.json: rules[0].overide_above"),
    ("rules.0.message", "{dose} is high", "demo.json: rules[0].message"),
    ("rules.0.source", None, "demo.json: rules[0].source"),
    ("rules.0.source.kind", "blog", "demo.json: rules[0].source.kind"),
])
def test_a_broken_file_names_the_file_and_the_field(tmp_path: Path, path: str, value: object,
                                                    field: str) -> None:
    with pytest.raises(ValidationError) as err:
        load_rule_file(write(tmp_path, changed(path, value)))
    assert err.value.field == field


def test_invalid_json_and_a_repeated_id_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not valid JSON"):
        load_rule_file(write(tmp_path, "{", "bad.json"))
    write(tmp_path / "two", GOOD, "a.json")
    write(tmp_path / "two", GOOD, "b.json")
    with pytest.raises(ValidationError, match="already defined"):
        load_rules(tmp_path / "two")


def test_tightening_applies_and_is_marked_as_set_by_the_practice() -> None:
    rules = load_rules(RULES_DIR)
    tight = rules.tightened({"ketamine_iv_dose_warn": {"warn_above": 0.6}})
    assert tight.value("ketamine_iv_dose_warn", "warn_above") == 0.6
    assert tight.practice_set() == (("ketamine_iv_dose_warn", "warn_above"),)
    assert rules.value("ketamine_iv_dose_warn", "warn_above") == 0.75  # the original stays


@pytest.mark.parametrize(("changes", "words"), [
    ({"ketamine_iv_dose_override": {"override_above": 2.0}},
     "would loosen rule 'ketamine_iv_dose_override'"),
    ({"spo2_low": {"below": 88}}, "would loosen rule 'spo2_low'"),
    ({"ketamine_iv_usual_dose": {"usual_mg_per_kg": 0.4}}, "cannot be changed"),
    ({"no_such_rule": {"x": 1}}, "unknown rule 'no_such_rule'"),
    ({"bp_alert": {"systolic": 170}}, "is not a threshold of rule 'bp_alert'"),
])
def test_loosening_or_unknown_names_are_refused_naming_the_rule(changes: dict, words: str
                                                                 ) -> None:
    with pytest.raises(ValidationError, match=re.escape(words)):
        load_rules(RULES_DIR).tightened(changes)


DOES_WORDS = {"info": "Guidance", "warn": "Warns", "override": "written reason",
              "block": "Blocks"}


def test_each_rule_row_gives_its_thresholds_what_it_does_and_a_source() -> None:
    """Issue 13 "Done when": the document lists every rule with its threshold, its source and
    whether it warns, blocks or needs an override; a row that drifts from the files fails."""
    text = DOCS.read_text(encoding="utf-8")
    for rule in load_rules(RULES_DIR).rules.values():
        row = re.search(rf"^\| `{rule.id}` \|(.*)$", text, re.MULTILINE)
        assert row is not None, rule.id
        cells = [c.strip() for c in row.group(1).split(" | ")]
        assert len(cells) >= 5 and cells[-1], f"{rule.id}: no source column"
        assert DOES_WORDS[rule.severity.value] in row.group(1), f"{rule.id}: severity"
        for name, threshold in rule.thresholds.items():
            assert f"`{name}`" in row.group(1) or rule.id.startswith("relapse_gad7"), \
                f"{rule.id}: threshold {name} not documented"
            if f"`{name}`" in row.group(1):
                after = row.group(1).split(f"`{name}`", 1)[1]
                assert re.match(rf"\s*{threshold.value:g}\b", after), \
                    f"{rule.id}: {name} documented with another value than {threshold.value:g}"
