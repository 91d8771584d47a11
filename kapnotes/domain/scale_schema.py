"""Checking decoded scale JSON (file format 1) and building a `Scale`, refusing anything doubtful.

Every problem is a ValidationError whose field names the file and the bad field, e.g.
`my_scale.json: items[3].response.max`. Unknown keys are refused too: a misspelt "remision"
silently ignored would change what the app tells a clinician. The format is documented in
`resources/scales/README.md`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, TypeVar

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.scale_model import (
    COMPARISONS,
    DIRECTIONS,
    KINDS,
    SEVERITIES,
    TOPICS,
    Band,
    FlagRule,
    Option,
    RiskLevel,
    Scale,
    ScaleItem,
    Subscale,
    Threshold,
)

FORMAT_VERSION = 1
_Choice = TypeVar("_Choice", bound=str)  # choice() returns the allowed values' own type
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_ITEM_ID = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")
_TOP_KEYS = {
    "format", "id", "name", "short_name", "version", "kind", "respondent", "instructions",
    "direction", "total_only_allowed", "response", "items", "bands", "remission", "flags",
    "subscales", "complete_at_percent", "risk_levels", "no_risk_label", "notes", "reference",
}
_ITEM_KEYS = {"id", "text", "hint", "response", "asked_if", "reverse"}
_RESPONSE_KEYS = {  # allowed keys for each answer type
    "choice": {"type", "options"},
    "range": {"type", "min", "max", "min_label", "max_label"},
    "yesno": {"type"},
}


class _File:
    """Error helper: every message names the file, then the field."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, field: str, message: str) -> ValidationError:
        return ValidationError(f"{self.name}: {field}" if field else self.name, message)

    def obj(self, value: Any, field: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, "must be an object")
        extra = sorted(set(value) - allowed)
        if extra:
            raise self.fail(_join(field, extra[0]), "unknown field")
        return value

    def present(self, d: dict[str, Any], key: str, field: str, default: Any) -> Any:
        if key not in d and default is None:
            raise self.fail(_join(field, key), "is missing")
        return d.get(key, default)

    def text(self, d: dict[str, Any], key: str, field: str, default: str | None = None) -> str:
        value = self.present(d, key, field, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(_join(field, key), "must be a non-empty string")
        return value.strip()

    def integer(self, d: dict[str, Any], key: str, field: str, default: int | None = None) -> int:
        value = self.present(d, key, field, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(_join(field, key), "must be a whole number")
        return value

    def choice(
        self,
        d: dict[str, Any],
        key: str,
        field: str,
        allowed: Iterable[_Choice],
        default: _Choice | None = None,
    ) -> _Choice:
        value = self.present(d, key, field, default)
        options = tuple(allowed)
        if value not in options:
            raise self.fail(_join(field, key), f"must be one of {', '.join(options)}")
        return value

    def array(self, d: dict[str, Any], key: str, field: str, required: bool = False) -> list[Any]:
        value = self.present(d, key, field, None if required else [])
        if not isinstance(value, list) or (required and not value):
            raise self.fail(_join(field, key), "must be a non-empty list")
        return value


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def parse_scale(data: Any, name: str) -> Scale:
    """Build a Scale from decoded JSON; `name` (the file name) prefixes every error field."""
    f = _File(name)
    d = f.obj(data, "", _TOP_KEYS)
    if d.get("format") != FORMAT_VERSION:
        raise f.fail("format", f"must be {FORMAT_VERSION} (the scale file format this app reads)")
    scale_id = f.text(d, "id", "")
    if not _ID.match(scale_id):
        raise f.fail("id", "use lower-case letters, digits, _ or - (at most 40)")
    version = f.integer(d, "version", "")
    if version < 1:
        raise f.fail("version", "must be 1 or more")
    kind = f.choice(d, "kind", "", KINDS)
    default_response = d.get("response")
    items = _parse_items(f, f.array(d, "items", "", required=True), default_response, kind)
    scale = Scale(
        id=scale_id,
        name=f.text(d, "name", ""),
        short_name=f.text(d, "short_name", "", default=d.get("name", "")) or scale_id,
        version=version,
        kind=kind,
        items=items,
        respondent=f.choice(d, "respondent", "", ("client", "clinician"), "client"),
        instructions=f.text(d, "instructions", "", default=""),
        direction=f.choice(d, "direction", "", DIRECTIONS, "neutral"),
        total_only_allowed=_flag(f, d, "total_only_allowed"),
        notes=f.text(d, "notes", "", default=""),
        reference=f.text(d, "reference", "", default=""),
        source=name,
    )
    return _parse_rules(f, d, scale)


def _flag(f: _File, d: dict[str, Any], key: str, where: str = "") -> bool:
    value = d.get(key, False)
    if not isinstance(value, bool):
        raise f.fail(_join(where, key), "must be true or false")
    return value


def _topic(f: _File, r: dict[str, Any], where: str) -> str:
    return f.choice(r, "topic", where, ("", *TOPICS), "") if "topic" in r else ""


def _parse_items(
    f: _File, raw: list[Any], default_response: Any, kind: str
) -> tuple[ScaleItem, ...]:
    items: list[ScaleItem] = []
    seen: dict[str, str] = {}  # id -> response type, for asked_if checks
    for n, entry in enumerate(raw):
        where = f"items[{n}]"
        e = f.obj(entry, where, _ITEM_KEYS)
        item_id = f.text(e, "id", where)
        if not _ITEM_ID.match(item_id):
            raise f.fail(f"{where}.id", "use letters, digits, _ . or - (at most 20)")
        if item_id in seen:
            raise f.fail(f"{where}.id", f"duplicate item id {item_id!r}")
        response = e.get("response", default_response)
        field = f"{where}.response" if "response" in e else "response"
        if response is None:
            raise f.fail(f"{where}.response", "missing (and no scale-level response is given)")
        answer_format = _parse_response(f, response, field)
        numeric = answer_format["response"] != "yesno"
        if kind == "cssrs" and numeric:
            raise f.fail(f"{field}.type", "cssrs scales take yes/no answers only")
        if kind != "cssrs" and not numeric:
            raise f.fail(f"{field}.type", f"{kind} scales need numeric answers")
        asked_if = _parse_asked_if(f, e, where, kind, seen)
        seen[item_id] = answer_format["response"]
        text, hint = f.text(e, "text", where), f.text(e, "hint", where, default="")
        reverse = _flag(f, e, "reverse", where)
        if reverse and not numeric:
            raise f.fail(f"{where}.reverse", "only numeric items can be reverse-scored")
        items.append(ScaleItem(item_id, text, hint=hint, asked_if=asked_if, reverse=reverse,
                               **answer_format))
    return tuple(items)


def _parse_response(f: _File, raw: Any, field: str) -> dict[str, Any]:
    """The answer format as ScaleItem keyword arguments."""
    all_keys = set().union(*_RESPONSE_KEYS.values())
    rtype = f.choice(f.obj(raw, field, all_keys), "type", field, _RESPONSE_KEYS)
    r = f.obj(raw, field, _RESPONSE_KEYS[rtype])
    if rtype == "yesno":
        return {"response": rtype, "min": 0, "max": 1}
    if rtype == "range":
        lo, hi = f.integer(r, "min", field), f.integer(r, "max", field)
        if hi <= lo:
            raise f.fail(f"{field}.max", "must be greater than min")
        labels = {k: f.text(r, k, field, default="") for k in ("min_label", "max_label")}
        return {"response": rtype, "min": lo, "max": hi, **labels}
    options: list[Option] = []
    for n, o in enumerate(f.array(r, "options", field, required=True)):
        where = f"{field}.options[{n}]"
        o = f.obj(o, where, {"value", "label"})
        value = f.integer(o, "value", where)
        if any(x.value == value for x in options):
            raise f.fail(f"{where}.value", f"duplicate value {value}")
        options.append(Option(value, f.text(o, "label", where)))
    if len(options) < 2:
        raise f.fail(f"{field}.options", "needs at least two options")
    values = [o.value for o in options]
    return {"response": rtype, "options": tuple(options), "min": min(values), "max": max(values)}


def _parse_asked_if(
    f: _File, e: dict[str, Any], where: str, kind: str, seen: dict[str, str]
) -> tuple[tuple[str, bool], ...]:
    raw = e.get("asked_if")
    if raw is None:
        return ()
    field = f"{where}.asked_if"
    if kind != "cssrs":
        raise f.fail(field, "skip logic is only supported on cssrs scales")
    if not isinstance(raw, dict) or not raw:
        raise f.fail(field, "must be an object of earlier item id → true/false")
    for dep, want in raw.items():
        if seen.get(dep) != "yesno":
            raise f.fail(f"{field}.{dep}", "must name an earlier yes/no item")
        if not isinstance(want, bool):
            raise f.fail(f"{field}.{dep}", "must be true or false")
    return tuple(raw.items())


def _parse_rules(f: _File, d: dict[str, Any], scale: Scale) -> Scale:
    """Bands, remission, flags, subscales and risk levels, each checked against the kind."""
    kind = scale.kind
    ids = {i.id for i in scale.items}
    if scale.total_only_allowed and kind != "sum":
        raise f.fail("total_only_allowed", f"a total alone cannot score a {kind} scale")
    bands = _parse_bands(f, d, scale) if "bands" in d else ()
    remission = None
    if "remission" in d:
        if scale.direction != "lower_is_better":
            raise f.fail("remission", 'needs "direction": "lower_is_better"')
        r = f.obj(d["remission"], "remission", {"op", "value"})
        op = f.choice(r, "op", "remission", ("<", "<="))
        remission = Threshold(op, f.integer(r, "value", "remission"))
        if not scale.total_min < remission.value <= scale.total_max:
            raise f.fail("remission.value", "must lie inside the total's range")
    flags: list[FlagRule] = []
    for n, raw in enumerate(f.array(d, "flags", "")):
        where = f"flags[{n}]"
        if kind == "cssrs":
            raise f.fail(where, "cssrs scales raise flags through risk_levels")
        r = f.obj(raw, where, {"code", "label", "severity", "item", "op", "value", "topic"})
        item = f.text(r, "item", where)
        if item not in ids:
            raise f.fail(f"{where}.item", f"no item {item!r} in this scale")
        test = Threshold(f.choice(r, "op", where, COMPARISONS), f.integer(r, "value", where))
        if not any(test.met(v) for v in scale.item(item).values):
            raise f.fail(f"{where}.value", f"no answer to item {item!r} can ever raise it")
        severity = f.choice(r, "severity", where, SEVERITIES)
        flags.append(FlagRule(f.text(r, "code", where), f.text(r, "label", where), severity,
                              item, test, _topic(f, r, where)))
    if len({fl.code for fl in flags}) != len(flags):
        raise f.fail("flags", "two flags share one code")
    subscales: tuple[Subscale, ...] = ()
    complete: int | None = None
    if kind in ("subscales", "sum") and ("subscales" in d or kind == "subscales"):
        subscales, complete = _parse_subscales(f, d, scale)
    if kind not in ("subscales", "sum") and "subscales" in d:
        raise f.fail("subscales", '"sum" and "subscales" scales may have subscales')
    if kind != "subscales" and "complete_at_percent" in d:
        raise f.fail("complete_at_percent", 'only "subscales" scales have it')
    risk_levels = _parse_risk_levels(f, d, ids) if kind == "cssrs" else ()
    if kind != "cssrs" and ("risk_levels" in d or "no_risk_label" in d):
        raise f.fail("risk_levels", 'only "cssrs" scales have risk levels')
    return replace(
        scale,
        bands=bands,
        remission=remission,
        flag_rules=tuple(flags),
        subscales=subscales,
        complete_at_percent=complete,
        risk_levels=risk_levels,
        no_risk_label=f.text(d, "no_risk_label", "", default=""),
    )


def _parse_bands(f: _File, d: dict[str, Any], scale: Scale) -> tuple[Band, ...]:
    if scale.kind not in ("sum", "subscales"):
        # Mean totals fall between whole numbers, where inclusive integer bands leave gaps.
        raise f.fail("bands", f"bands need a whole-number total; a {scale.kind} scale has none")
    bands: list[Band] = []
    expected = scale.total_min
    for n, raw in enumerate(f.array(d, "bands", "", required=True)):
        where = f"bands[{n}]"
        b = f.obj(raw, where, {"min", "max", "label"})
        lo, hi = f.integer(b, "min", where), f.integer(b, "max", where)
        band = Band(lo, hi, f.text(b, "label", where))
        if band.min != expected:
            raise f.fail(f"{where}.min", f"must be {expected} (bands run on without gaps)")
        if band.max < band.min:
            raise f.fail(f"{where}.max", "must not be below min")
        bands.append(band)
        expected = band.max + 1
    if expected - 1 != scale.total_max:
        raise f.fail(f"bands[{len(bands) - 1}].max", f"must be {scale.total_max}, the top score")
    return tuple(bands)


def _parse_subscales(
    f: _File, d: dict[str, Any], scale: Scale
) -> tuple[tuple[Subscale, ...], int | None]:
    by_id = {i.id: i for i in scale.items}
    used: set[str] = set()
    subscales: list[Subscale] = []
    for n, raw in enumerate(f.array(d, "subscales", "", required=True)):
        where = f"subscales[{n}]"
        s = f.obj(raw, where, {"id", "name", "items"})
        members = f.array(s, "items", where, required=True)
        for m in members:
            if m not in by_id:
                raise f.fail(f"{where}.items", f"no item {m!r} in this scale")
            if m in used:
                raise f.fail(f"{where}.items", f"item {m!r} is already in another subscale")
            used.add(m)
        top = sum(by_id[m].values[-1] for m in members)
        name = f.text(s, "name", where)
        subscales.append(Subscale(f.text(s, "id", where), name, tuple(members), top))
    if scale.kind == "subscales" and used != set(by_id):
        # A "subscales" scale is its subscales; a "sum" scale may group only some items.
        missing = next(i.id for i in scale.items if i.id not in used)
        raise f.fail("subscales", f"item {missing!r} is in no subscale")
    if len({s.id for s in subscales}) != len(subscales):
        raise f.fail("subscales", "two subscales share one id")
    complete = None
    if "complete_at_percent" in d:
        complete = f.integer(d, "complete_at_percent", "")
        if not 0 < complete <= 100:
            raise f.fail("complete_at_percent", "must be between 1 and 100")
    return tuple(subscales), complete


def _parse_risk_levels(f: _File, d: dict[str, Any], ids: set[str]) -> tuple[RiskLevel, ...]:
    levels: list[RiskLevel] = []
    for n, raw in enumerate(f.array(d, "risk_levels", "", required=True)):
        where = f"risk_levels[{n}]"
        r = f.obj(raw, where, {"level", "label", "code", "severity", "when_any", "topic"})
        conditions = []
        for k, cond in enumerate(f.array(r, "when_any", where, required=True)):
            cwhere = f"{where}.when_any[{k}]"
            if not isinstance(cond, dict) or not cond:
                raise f.fail(cwhere, "must be an object of item id → true/false")
            for item_id, want in cond.items():
                if item_id not in ids or not isinstance(want, bool):
                    raise f.fail(f"{cwhere}.{item_id}", "must be an item id → true/false")
            conditions.append(tuple(cond.items()))
        levels.append(
            RiskLevel(
                level=f.text(r, "level", where),
                label=f.text(r, "label", where),
                code=f.text(r, "code", where),
                severity=f.choice(r, "severity", where, SEVERITIES),
                when_any=tuple(conditions),
                topic=_topic(f, r, where),
            )
        )
    return tuple(levels)
