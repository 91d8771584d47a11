"""The plan the course service generates for a stored course, per protocol and stored interval.

`tests/services/data/course_schedules.json` was written by this module (`python -m
tests.services.course_schedule_cases`) from the code before protocols became data and before
the KAP dosing interval had its own field, when a KAP course's dosing interval was read from
`maintenance_interval_weeks`. `test_old_vault_protocols.py` stores such courses in a vault at
the old schema, opens it with today's code (migrating it) and checks the same plans come out.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "data" / "course_schedules.json"
TODAY = datetime(2026, 11, 20, 9, 0)
PROTOCOLS = ("esketamine", "iv_ketamine", "kap_sublingual_im", "custom")
# A plain Monday, and the Monday before Christmas (slots move off 25 Dec and 1 Jan).
STARTS = (date(2026, 11, 23), date(2026, 12, 21))


def cases() -> Iterator[tuple[str, str, date, int]]:
    """(case key, protocol id, start date, stored maintenance_interval_weeks)."""
    for protocol in PROTOCOLS:
        for start in STARTS:
            for weeks in (1, 2, 3, 4):
                yield f"{protocol} {start.isoformat()} {weeks}", protocol, start, weeks


def render(plan: list[Any], start: date) -> list[str]:
    return [f"{s.index} {s.kind.value} {(s.planned_date - start).days} {s.dose_number} "
            f"{s.phase} moved={(s.moved_from - start).days if s.moved_from else ''} "
            f"{s.move_reason}" for s in plan]


def record() -> dict[str, list[str]]:
    """Each case's plan (custom: dose days 0, 7, 14, 28), or the error it raises."""
    from kapnotes.domain.errors import ValidationError
    from kapnotes.domain.models import Client, Course
    from kapnotes.services.container import build_services
    from kapnotes.storage import lifecycle
    from tests.helpers.basics import TEST_PASSPHRASE, FakeClock

    out: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as folder:
        created = lifecycle.create_vault(Path(folder) / "v.kapnotes", TEST_PASSPHRASE)
        services = build_services(created.vault, clock=FakeClock(TODAY),
                                  practice_templates=Path(folder) / "templates")
        client = services.clients.create(Client(code="KAP-900", full_name="Gold Example"))
        for key, protocol, start, weeks in cases():
            course = Course(client_id=int(client.id or 0), protocol=protocol,
                            start_date=start, maintenance_interval_weeks=weeks)
            offsets = [0, 7, 14, 28] if protocol == "custom" else None
            try:
                plan = services.courses.generate(course, custom_day_offsets=offsets)
            except ValidationError as exc:
                out[key] = [f"error {exc.field}: {exc.reason}"]
                continue
            out[key] = render(plan, start)
        created.vault.close()
    return out


if __name__ == "__main__":
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(record(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {GOLDEN}\n")
