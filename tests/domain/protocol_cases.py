"""Every built-in protocol's schedules over a grid of its parameters, recorded once.

`tests/domain/data/protocol_schedules.json` was written by this module (`python -m
tests.domain.protocol_cases`) from the code that still had the protocols hard-coded in
`kapnotes/domain/schedule.py`, before they became `resources/protocols/*.json`. The test
(`test_protocol_schedules_unchanged.py`) regenerates every case and compares, so moving the
protocols into data cannot change a single planned date, phase label or error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from itertools import product
from pathlib import Path
from typing import Any

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.schedule import PlannedSlot, generate_plan

GOLDEN = Path(__file__).parent / "data" / "protocol_schedules.json"
START = date(2026, 3, 2)  # a Monday
_N = None  # "not given": the protocol's default


def _protocol_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    for miw, slots in product((_N, 1, 2, 3, 0), (_N, 0, 1, 4, 52, 53)):
        yield "esketamine", {"maintenance_interval_weeks": miw, "maintenance_slots": slots}
    for doses, miw, slots in product((_N, 5, 6, 7, 8, 9), (_N, 1, 2, 3, 4, 5), (_N, 0, 3)):
        yield "iv_ketamine", {"doses": doses, "maintenance_interval_weeks": miw,
                              "maintenance_slots": slots}
    for doses, interval in product((_N, 5, 6, 7, 8, 9), (_N, 0, 1, 2, 3)):
        yield "kap_sublingual_im", {"doses": doses, "dose_interval_weeks": interval}
    for offsets in (_N, [], [0], [0, 1, 2], [0, 7, 14, 28], [5, 6, 30, 730], [0, 0],
                    [3, 1], [-1], [731]):
        yield "custom", {"custom_day_offsets": offsets}
    # A parameter that does not apply to the protocol is refused.
    yield "esketamine", {"doses": 6}
    yield "esketamine", {"dose_interval_weeks": 1}
    yield "iv_ketamine", {"dose_interval_weeks": 1}
    yield "kap_sublingual_im", {"maintenance_interval_weeks": 1}
    yield "kap_sublingual_im", {"maintenance_slots": 1}
    yield "custom", {"doses": 6}


def _common_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    """Preparation and integration placement, for each protocol at its defaults."""
    for protocol in ("esketamine", "iv_ketamine", "kap_sublingual_im", "custom"):
        extra: dict[str, Any] = {"custom_day_offsets": [0, 1, 7, 8, 30]} \
            if protocol == "custom" else {}
        for count, lead, offset, integration in product(
                (0, 1, 3), (1, 7, 14), (0, 1, 5), (True, False)):
            yield protocol, {**extra, "preparation_count": count, "preparation_lead_days": lead,
                             "integration_offset_days": offset, "with_integration": integration}
    yield "kap_sublingual_im", {"preparation_count": 11}
    yield "kap_sublingual_im", {"preparation_lead_days": 0}
    yield "kap_sublingual_im", {"integration_offset_days": 15}


def cases() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(case key, protocol id, keyword arguments of generate_plan)."""
    for protocol, kwargs in (*_protocol_cases(), *_common_cases()):
        given = {k: v for k, v in kwargs.items() if v is not None}
        key = protocol + " " + json.dumps(given, sort_keys=True)
        yield key, protocol, given


def render(plan: list[PlannedSlot]) -> list[str]:
    """One compact line per slot: index, kind, day offset from START, dose, phase label."""
    return [f"{s.index} {s.kind.value} {(s.planned_date - START).days} {s.dose_number} "
            f"{s.phase}" for s in plan]


def outcome(protocol: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The plan a case generates, or the field and reason of the error it raises."""
    try:
        return {"plan": render(plan_for(protocol, **kwargs))}
    except ValidationError as exc:
        return {"error": [exc.field, exc.reason]}


def plan_for(protocol: str, **kwargs: Any) -> list[PlannedSlot]:
    """generate_plan for a protocol id (the set in use: the built-in protocol files)."""
    return generate_plan(protocol, START, **kwargs)


def record() -> dict[str, Any]:
    return {key: outcome(protocol, kwargs) for key, protocol, kwargs in cases()}


if __name__ == "__main__":
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(record(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {GOLDEN}\n")
