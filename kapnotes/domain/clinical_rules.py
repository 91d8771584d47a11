"""The clinical rule set: one public API that the dose entry, the monitoring record, signing,
the client header and every PDF consult, so the same situation gets the same answer everywhere.

Rules, thresholds, wording and sources are data in `resources/rules/*.json` (format in
`resources/rules/README.md`, every rule listed in `docs/CLINICAL-RULES.md`). A practice policy
may tighten a threshold (`RuleSet.tightened`), never loosen it: a looser value is refused with
a message naming the rule. Stdlib only; the caller finds the folder
(`kapnotes.rules.current_rules`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.rule_model import (
    Rule,
    RuleFinding,
    RuleSource,
    Severity,
    Threshold,
)
from kapnotes.domain.rule_schema import parse_rule_file

__all__ = [
    "Rule", "RuleFinding", "RuleSet", "RuleSource", "Severity", "Threshold",
    "load_rule_file", "load_rules",
]


@dataclass(frozen=True)
class RuleSet:
    """Every rule in force, by id. Look-ups of an unknown id are programming errors (KeyError)."""

    rules: Mapping[str, Rule] = field(default_factory=dict)

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def value(self, rule_id: str, threshold: str) -> float:
        return self.rules[rule_id].thresholds[threshold].value

    def topic(self, topic: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules.values() if r.topic == topic)

    def finding(self, rule_id: str, **context: object) -> RuleFinding:
        return self.rules[rule_id].finding(**context)

    def practice_set(self) -> tuple[tuple[str, str], ...]:
        """(rule id, threshold name) of every threshold the practice tightened."""
        return tuple((r.id, t.name) for r in self.rules.values()
                     for t in r.thresholds.values() if t.set_by_practice)

    def tightened(self, changes: Mapping[str, Mapping[str, Any]]) -> RuleSet:
        """A copy with some thresholds made stricter: {rule id: {threshold: value}}.

        Anything else is refused with a ValidationError naming the rule and the threshold:
        an unknown rule or threshold, a value outside the threshold's min–max, a value looser
        than the shipped one, or a threshold that may not be changed at all.
        """
        if not isinstance(changes, Mapping):
            raise ValidationError("clinical_rules", "must be an object of rule ids")
        rules = dict(self.rules)
        for rule_id, values in changes.items():
            if rule_id not in rules:
                raise ValidationError("clinical_rules", f"unknown rule '{rule_id}'")
            rule = rules[rule_id]
            if not isinstance(values, Mapping) or not values:
                raise ValidationError(rule_id, "must be an object of threshold values")
            thresholds = dict(rule.thresholds)
            for name, value in values.items():
                thresholds[name] = _tighten(rule, name, value)
            rules[rule_id] = replace(rule, thresholds=thresholds)
        return RuleSet(rules)


def _tighten(rule: Rule, name: str, value: Any) -> Threshold:
    where = f"{rule.id}.{name}"
    if name not in rule.thresholds:
        known = ", ".join(rule.thresholds) or "none"
        raise ValidationError(where, f"is not a threshold of rule '{rule.id}' (known: {known})")
    t = rule.thresholds[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValidationError(where, "must be a number")
    value = float(value)
    if t.stricter == "none" and value != t.value:
        raise ValidationError(where, f"of rule '{rule.id}' ({rule.title}) cannot be changed "
                                     f"by a practice; it stays {t.shown()}")
    if t.is_looser(value):
        way = "above" if t.stricter == "lower" else "below"
        raise ValidationError(
            where, f"{value:g} would loosen rule '{rule.id}' ({rule.title}): a practice may "
                   f"tighten it but not set it {way} the shipped {t.shown()}")
    if not t.min <= value <= t.max:
        raise ValidationError(where, f"must be between {t.min:g} and {t.max:g} {t.unit}".rstrip())
    return replace(t, value=value, set_by_practice=value != t.value or t.set_by_practice)


def load_rule_file(path: Path) -> tuple[Rule, ...]:
    """Read and check one rule file; ValidationError names the file and the bad field."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(name, f"cannot be read ({exc.__class__.__name__})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            name, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    return parse_rule_file(data, name)


def load_rules(folder: Path | Iterable[Path]) -> RuleSet:
    """Every `*.json` rule file in `folder` (or the given files); a broken file or a rule id
    used twice raises: the shipped rules are part of the release, never half-loaded."""
    paths = sorted(folder.glob("*.json")) if isinstance(folder, Path) else list(folder)
    rules: dict[str, Rule] = {}
    for path in paths:
        for rule in load_rule_file(path):
            if rule.id in rules:
                raise ValidationError(path.name, f"rule id '{rule.id}' is already defined in "
                                                 f"the {rules[rule.id].topic} rules")
            rules[rule.id] = rule
    return RuleSet(rules)
