"""Checking decoded protocol JSON (file format 1) and building a `ProtocolDef`, refusing
anything doubtful.

Every problem is a ValidationError whose field names the file and the bad field, e.g.
`weekly.json: phases[1].every_weeks`. Unknown keys are refused: a misspelt "start_dya"
silently ignored would move every dose of a course. The format is documented in
docs/PROTOCOLS.md.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.protocol_days import dose_days, settings_at
from kapnotes.domain.protocol_model import (
    MEDICINES,
    PARAMETER_KINDS,
    STORED_PARAMETERS,
    Parameter,
    Phase,
    ProtocolDef,
    ProtocolSource,
    Value,
)
from kapnotes.domain.rule_model import SOURCE_KINDS

FORMAT_VERSION = 1
ID_PATTERN = r"^[a-z0-9][a-z0-9_]{0,39}$"
_ID = re.compile(ID_PATTERN)
_PHASE_NAME = re.compile(r"^[a-z][a-z0-9 -]{0,29}$")
_TOP_KEYS = {"format", "id", "label", "description", "medicine", "source", "parameters",
             "phases", "monitoring", "notes"}
_SOURCE_KEYS = {"kind", "label", "detail"}
_PARAMETER_KEYS = {"label", "min", "max", "default", "asked"}
_PHASE_KEYS = {"name", "count", "week_days", "every_weeks", "start_day", "start_after_weeks",
               "day_offsets"}
MAX_DAY = 3650  # ten years after the first dose
MAX_WEEKS = 52
MAX_COUNT = 104
MAX_PHASES = 20
MAX_LABEL = 80
MAX_TEXT = 500
# The range each kind of parameter may have at all, whatever a file says.
_KIND_RANGE = {"weeks": (1, MAX_WEEKS), "count": (0, MAX_COUNT), "days": (0, MAX_DAY)}


class _File:
    """Error helper: every message names the file, then the field."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, field: str, message: str) -> ValidationError:
        return ValidationError(f"{self.name}: {field}" if field else self.name, message)

    def obj(self, value: Any, field: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field or "(file)", "must be an object")
        extra = sorted(set(value) - allowed)
        if extra:
            raise self.fail(f"{field}.{extra[0]}" if field else extra[0], "unknown field")
        return value

    def text(self, d: dict[str, Any], key: str, field: str, *, required: bool = True,
             limit: int = MAX_TEXT) -> str:
        where = f"{field}.{key}" if field else key
        value = d.get(key, None if required else "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(where, "must be a non-empty string" if required else "must be text")
        if len(value) > limit or "\n" in value.strip():
            raise self.fail(where, f"must be one line of at most {limit} characters")
        return value.strip()

    def integer(self, value: Any, field: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(field, f"must be a whole number from {low} to {high}")
        return value


def parse_protocol(data: Any, name: str, *, builtin: bool = True) -> ProtocolDef:
    """Build a ProtocolDef from decoded JSON; `name` (the file name) prefixes every error."""
    f = _File(name)
    d = f.obj(data, "", _TOP_KEYS)
    if d.get("format") != FORMAT_VERSION:
        raise f.fail("format", f"must be {FORMAT_VERSION} (the protocol file format this "
                               "app reads)")
    protocol_id = f.text(d, "id", "", limit=40)
    if not _ID.match(protocol_id):
        raise f.fail("id", "use lower-case letters, digits or _ (at most 40)")
    parameters = _parameters(f, d.get("parameters", {}))
    phases = _phases(f, d.get("phases"), {p.name: p for p in parameters})
    used = {v for ph in phases for v in (ph.count, ph.every_weeks, ph.start_after_weeks,
                                         ph.day_offsets) if isinstance(v, str)}
    for p in parameters:
        if p.name not in used:
            raise f.fail(f"parameters.{p.name}", "no phase uses it")
    monitoring = d.get("monitoring", [])
    if not isinstance(monitoring, list) or len(monitoring) > 20:
        raise f.fail("monitoring", "must be a list of at most 20 requirements")
    wants = tuple(_requirement(f, m, f"monitoring[{i}]") for i, m in enumerate(monitoring))
    medicine = d.get("medicine", "ketamine")
    if medicine not in MEDICINES:
        raise f.fail("medicine", f"must be {' or '.join(MEDICINES)}")
    protocol = ProtocolDef(
        id=protocol_id, label=f.text(d, "label", "", limit=MAX_LABEL),
        source=_source(f, d.get("source")), parameters=parameters, phases=phases,
        monitoring=wants, description=f.text(d, "description", "", required=False),
        medicine=medicine, file_name=name, builtin=builtin,
    )
    _check_order(f, protocol)
    return protocol


def _requirement(f: _File, value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT \
            or "\n" in value.strip():
        raise f.fail(field, f"must be one line of text, at most {MAX_TEXT} characters")
    return value.strip()


def _source(f: _File, data: Any) -> ProtocolSource:
    if data is None:
        raise f.fail("source", "is missing: name where the schedule comes from")
    src = f.obj(data, "source", _SOURCE_KEYS)
    if src.get("kind") not in SOURCE_KINDS:
        raise f.fail("source.kind", f"must be one of {', '.join(SOURCE_KINDS)}")
    return ProtocolSource(src["kind"], f.text(src, "label", "source"),
                          f.text(src, "detail", "source", required=False))


def _parameters(f: _File, data: Any) -> tuple[Parameter, ...]:
    if not isinstance(data, dict):
        raise f.fail("parameters", "must be an object of parameter names")
    out = []
    for name, raw in data.items():
        field = f"parameters.{name}"
        if name not in PARAMETER_KINDS:
            raise f.fail(field, f"unknown parameter (known: {', '.join(PARAMETER_KINDS)})")
        p = f.obj(raw, field, _PARAMETER_KEYS)
        kind = PARAMETER_KINDS[name]
        low, high = _KIND_RANGE[kind]
        lo = f.integer(p.get("min"), f"{field}.min", low, high)
        hi = f.integer(p.get("max"), f"{field}.max", lo, high)
        if kind == "days":
            if "default" in p:
                raise f.fail(f"{field}.default", "a list of dose days has no default")
            default = None
        else:
            default = f.integer(p.get("default"), f"{field}.default", lo, hi)
        asked = p.get("asked", kind == "days")
        if not isinstance(asked, bool) or (kind == "days" and not asked):
            raise f.fail(f"{field}.asked", "must be true or false (true for dose days)")
        if asked and kind != "days" and name not in STORED_PARAMETERS:
            raise f.fail(f"{field}.asked", "only the intervals a course stores ("
                                           f"{', '.join(STORED_PARAMETERS)}) can be asked for")
        out.append(Parameter(name, f.text(p, "label", field, limit=MAX_LABEL), lo, hi,
                             default, asked))
    return tuple(out)


def _phases(f: _File, data: Any, params: dict[str, Parameter]) -> tuple[Phase, ...]:
    if not isinstance(data, list) or not data or len(data) > MAX_PHASES:
        raise f.fail("phases", f"must be a list of 1 to {MAX_PHASES} phases")
    out = []
    for n, raw in enumerate(data):
        field = f"phases[{n}]"
        d = f.obj(raw, field, _PHASE_KEYS)
        name = f.text(d, "name", field, limit=30)
        if not _PHASE_NAME.match(name):
            raise f.fail(f"{field}.name", "use lower-case letters, digits, spaces or -")
        if ("count" in d) == ("day_offsets" in d):
            raise f.fail(field, "give either count (with week_days, every_weeks) or "
                                "day_offsets")
        if "start_day" in d and "start_after_weeks" in d:
            raise f.fail(f"{field}.start_after_weeks", "give start_day or start_after_weeks, "
                                                       "not both")
        if n == 0 and "start_after_weeks" in d:
            raise f.fail(f"{field}.start_after_weeks", "the first phase has no phase before it")
        if "day_offsets" in d:
            if set(d) - {"name", "day_offsets"}:
                raise f.fail(f"{field}.day_offsets", "a phase of listed days takes nothing else")
            out.append(Phase(name, day_offsets=_day_offsets(f, d["day_offsets"], field,
                                                            params)))
            continue
        out.append(Phase(
            name,
            count=_value(f, d["count"], f"{field}.count", params, "count", 0, MAX_COUNT),
            week_days=_week_days(f, d.get("week_days", [0]), f"{field}.week_days"),
            every_weeks=_value(f, d.get("every_weeks", 1), f"{field}.every_weeks", params,
                               "weeks", 1, MAX_WEEKS),
            start_day=(f.integer(d["start_day"], f"{field}.start_day", 0, MAX_DAY)
                       if "start_day" in d else None),
            start_after_weeks=(_value(f, d["start_after_weeks"], f"{field}.start_after_weeks",
                                      params, "weeks", 1, MAX_WEEKS)
                               if "start_after_weeks" in d else None),
        ))
    return tuple(out)


def _value(f: _File, value: Any, field: str, params: dict[str, Parameter], kind: str,
           low: int, high: int) -> Value:
    """A number in the file, or the name of a declared parameter of the right kind."""
    if isinstance(value, str):
        p = params.get(value)
        if p is None or p.kind != kind:
            raise f.fail(field, f"'{value}' is not a declared {kind} parameter")
        return value
    return f.integer(value, field, low, high)


def _week_days(f: _File, value: Any, field: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not value or len(value) > 7:
        raise f.fail(field, "must be a list of days 0–6 of the week")
    days = tuple(f.integer(v, f"{field}[{i}]", 0, 6) for i, v in enumerate(value))
    if list(days) != sorted(set(days)):
        raise f.fail(field, "must be in increasing order, each day once")
    return days


def _day_offsets(f: _File, value: Any, field: str,
                 params: dict[str, Parameter]) -> tuple[int, ...] | str:
    where = f"{field}.day_offsets"
    if isinstance(value, str):
        p = params.get(value)
        if p is None or p.kind != "days":
            raise f.fail(where, f"'{value}' is not a declared days parameter")
        return value
    if not isinstance(value, list) or not value or len(value) > MAX_COUNT:
        raise f.fail(where, f"must be a list of 1 to {MAX_COUNT} days after the first dose")
    days = tuple(f.integer(v, f"{where}[{i}]", 0, MAX_DAY) for i, v in enumerate(value))
    if any(b <= a for a, b in itertools.pairwise(days)):
        raise f.fail(where, "must be strictly increasing")
    return days


def _check_order(f: _File, protocol: ProtocolDef) -> None:
    """Doses never share a day or go back in time, at any parameter values the file allows."""
    for setting in ("min", "default", "max"):
        try:
            dose_days(protocol, settings_at(protocol, setting))
        except ValidationError as exc:
            raise f.fail("phases", f"{exc.reason} (with every parameter at its {setting})") \
                from None
