"""The dose days a protocol's phases give for one set of parameter values.

A phase of `count` doses on `week_days` every `every_weeks` weeks puts dose i on
    start + 7 · every_weeks · (i // len(week_days)) + week_days[i % len(week_days)],
where `start` is the phase's `start_day`, or `start_after_weeks` weeks after the last dose
planned before the phase (day 0 when there is none). A phase of `day_offsets` puts its doses
on those days. Across phases the days must strictly increase (docs/PROTOCOLS.md). Stdlib only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.protocol_model import Phase, ProtocolDef, Value


def check_whole(field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, f"must be a whole number from {low} to {high}")
    return value


def resolve(protocol: ProtocolDef, given: Mapping[str, object]) -> dict[str, Any]:
    """The value of every parameter of `protocol`: the given one (checked against the
    protocol's range, in the file's order) or the default. A day list is checked entry by
    entry: whole days in range, strictly increasing."""
    values: dict[str, Any] = {}
    for p in protocol.parameters:
        value = given.get(p.name)
        if p.kind == "days":
            values[p.name] = _day_list(p.name, value or (), p.min, p.max)
        else:
            values[p.name] = check_whole(p.name, p.default if value is None else value,
                                         p.min, p.max)
    return values


def _day_list(name: str, offsets: object, low: int, high: int) -> tuple[int, ...]:
    if not isinstance(offsets, Sequence) or isinstance(offsets, str):
        raise ValidationError(name, "must be a list of whole days")
    days: list[int] = []
    for offset in offsets:
        check_whole(name, offset, low, high)
        if days and offset <= days[-1]:
            raise ValidationError(name, "must be strictly increasing")
        days.append(offset)
    return tuple(days)


def settings_at(protocol: ProtocolDef, which: str) -> dict[str, Any]:
    """Every whole-number parameter at its "min", "default" or "max" (day lists empty)."""
    return {p.name: () if p.kind == "days" else getattr(p, which)
            for p in protocol.parameters}


def dose_days(protocol: ProtocolDef, values: Mapping[str, Any]) -> list[tuple[int, str]]:
    """(day offset from the first dose, phase name) of every dose, in order."""
    days: list[tuple[int, str]] = []
    for phase in protocol.phases:
        added = _phase_days(phase, values, days[-1][0] if days else None)
        if days and added and added[0] <= days[-1][0]:
            raise ValidationError(
                "phases", f"phase '{phase.name}' starts on or before the last dose of the "
                          "phase before it")
        days += [(day, phase.name) for day in added]
    return days


def _phase_days(phase: Phase, values: Mapping[str, Any], last: int | None) -> list[int]:
    if phase.day_offsets is not None:
        offsets = phase.day_offsets
        return list(values[offsets] if isinstance(offsets, str) else offsets)
    count = _int(phase.count if phase.count is not None else 0, values)
    every = _int(phase.every_weeks, values)
    if phase.start_after_weeks is not None:
        start = (last or 0) + 7 * _int(phase.start_after_weeks, values)
    else:
        start = phase.start_day or 0
    n = len(phase.week_days)
    return [start + 7 * every * (i // n) + phase.week_days[i % n] for i in range(count)]


def _int(value: Value, values: Mapping[str, Any]) -> int:
    return int(values[value]) if isinstance(value, str) else value
