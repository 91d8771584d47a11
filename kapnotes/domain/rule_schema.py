"""Checking decoded clinical-rule JSON (file format 1) and building `Rule`s, refusing anything
doubtful.

Every problem is a ValidationError whose field names the file and the bad field, e.g.
`dosing.json: rules[2].thresholds.warn_above.stricter`. Unknown keys are refused: a misspelt
"overide_above" silently ignored would let a dose through that the practice meant to stop.
The format is documented in `resources/rules/README.md`.
"""

from __future__ import annotations

import re
import string
from typing import Any

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.rule_model import (
    SEVERITIES,
    SOURCE_KINDS,
    STRICTER,
    Rule,
    RuleSource,
    Severity,
    Threshold,
)

FORMAT_VERSION = 1
_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,59}$")
_TOP_KEYS = {"format", "topic", "title", "rules"}
_RULE_KEYS = {"id", "title", "severity", "applies_to", "thresholds", "message", "context",
              "source", "notes"}
_THRESHOLD_KEYS = {"value", "unit", "stricter", "min", "max", "label"}
_SOURCE_KEYS = {"kind", "label", "detail"}
_APPLIES_VALUE = re.compile(r"^[a-z0-9_]{1,40}$")


def _fail(name: str, field: str, message: str) -> ValidationError:
    return ValidationError(f"{name}: {field}" if field else name, message)


def _obj(name: str, value: Any, field: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(name, field, "must be an object")
    extra = sorted(set(value) - allowed)
    if extra:
        raise _fail(name, f"{field}.{extra[0]}" if field else extra[0], "unknown field")
    return value


def _text(name: str, d: dict[str, Any], key: str, field: str, required: bool = True) -> str:
    value = d.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(name, f"{field}.{key}", "must be a non-empty string")
    return value.strip()


def _number(name: str, value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise _fail(name, field, "must be a number")
    return float(value)


def parse_threshold(name: str, field: str, data: Any) -> Threshold:
    d = _obj(name, data, field, _THRESHOLD_KEYS)
    for key in ("value", "unit", "stricter", "min", "max"):
        if key not in d:
            raise _fail(name, f"{field}.{key}", "is missing")
    value = _number(name, d["value"], f"{field}.value")
    low = _number(name, d["min"], f"{field}.min")
    high = _number(name, d["max"], f"{field}.max")
    if not low <= value <= high:
        raise _fail(name, f"{field}.value", f"must lie between min {low:g} and max {high:g}")
    stricter = d["stricter"]
    if stricter not in STRICTER:
        raise _fail(name, f"{field}.stricter", f"must be one of {', '.join(STRICTER)}")
    unit = d["unit"]
    if not isinstance(unit, str):
        raise _fail(name, f"{field}.unit", "must be a string (empty for a plain number)")
    label = d.get("label", "")
    if not isinstance(label, str):
        raise _fail(name, f"{field}.label", "must be a string")
    return Threshold(field.rsplit(".", 1)[-1], value, unit, stricter, low, high, label.strip())


def _placeholders(template: str) -> set[str]:
    found = set()
    for _literal, field_name, _spec, _conv in string.Formatter().parse(template):
        if field_name is not None:
            found.add(field_name)
    return found


def parse_rule(name: str, field: str, data: Any, topic: str) -> Rule:
    d = _obj(name, data, field, _RULE_KEYS)
    rule_id = _text(name, d, "id", field)
    if not _ID.match(rule_id):
        raise _fail(name, f"{field}.id", "use lower-case letters, digits or _ (at most 60)")
    severity = d.get("severity")
    if severity not in SEVERITIES:
        raise _fail(name, f"{field}.severity", f"must be one of {', '.join(SEVERITIES)}")
    raw_thresholds = d.get("thresholds", {})
    if not isinstance(raw_thresholds, dict):
        raise _fail(name, f"{field}.thresholds", "must be an object")
    thresholds = {}
    for key, raw in raw_thresholds.items():
        if not _ID.match(str(key)):
            raise _fail(name, f"{field}.thresholds.{key}", "use lower-case letters, digits or _")
        thresholds[key] = parse_threshold(name, f"{field}.thresholds.{key}", raw)
    context = d.get("context", [])
    if not isinstance(context, list) or not all(isinstance(c, str) and c for c in context):
        raise _fail(name, f"{field}.context", "must be a list of placeholder names")
    message = _text(name, d, "message", field)
    try:
        used = _placeholders(message)
    except ValueError as exc:
        raise _fail(name, f"{field}.message", f"is not a valid template ({exc})") from None
    unknown = sorted(used - set(thresholds) - set(context))
    if unknown:
        raise _fail(name, f"{field}.message",
                    f"uses {{{unknown[0]}}}, which is neither a threshold nor in context")
    applies = d.get("applies_to", {})
    if not isinstance(applies, dict):
        raise _fail(name, f"{field}.applies_to", "must be an object")
    applies_to: dict[str, tuple[str, ...]] = {}
    for key, values in applies.items():
        if not isinstance(values, list) or not values or not all(
                isinstance(v, str) and _APPLIES_VALUE.match(v) for v in values):
            raise _fail(name, f"{field}.applies_to.{key}", "must be a non-empty list of names")
        applies_to[key] = tuple(values)
    src = _obj(name, d.get("source"), f"{field}.source", _SOURCE_KEYS)
    kind = src.get("kind")
    if kind not in SOURCE_KINDS:
        raise _fail(name, f"{field}.source.kind", f"must be one of {', '.join(SOURCE_KINDS)}")
    source = RuleSource(kind, _text(name, src, "label", f"{field}.source"),
                        _text(name, src, "detail", f"{field}.source", required=False))
    return Rule(
        id=rule_id, topic=topic, title=_text(name, d, "title", field),
        severity=Severity(severity), thresholds=thresholds, message=message,
        context=tuple(context), source=source, applies_to=applies_to,
        notes=_text(name, d, "notes", field, required=False),
    )


def parse_rule_file(data: Any, name: str) -> tuple[Rule, ...]:
    """The rules of one decoded file; `name` (the file name) prefixes every error field."""
    d = _obj(name, data, "", _TOP_KEYS)
    if d.get("format") != FORMAT_VERSION:
        raise _fail(name, "format", f"must be {FORMAT_VERSION} (the rule file format this "
                                    "app reads)")
    topic = _text(name, d, "topic", "")
    if not _ID.match(topic):
        raise _fail(name, "topic", "use lower-case letters, digits or _")
    rules = d.get("rules")
    if not isinstance(rules, list) or not rules:
        raise _fail(name, "rules", "must be a non-empty list")
    parsed = [parse_rule(name, f"rules[{n}]", r, topic) for n, r in enumerate(rules)]
    seen: set[str] = set()
    for n, rule in enumerate(parsed):
        if rule.id in seen:
            raise _fail(name, f"rules[{n}].id", f"'{rule.id}' is used twice")
        seen.add(rule.id)
    return tuple(parsed)
