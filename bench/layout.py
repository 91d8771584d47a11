"""Who has which courses and when each session was held: the plan of a synthetic vault.

Plain data, no database: `generate.py` turns it into rows. Dates are laid out backwards from
`today`, so every client's newest course is running now (held sessions in the past, planned
slots ahead) and older courses lie further back, one after another.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from bench.sizes import Size
from kapnotes.domain.schedule import PlannedSlot, generate_plan

_ANCHOR = date(2000, 1, 3)  # plans are generated here, then shifted to their real dates


@dataclass
class CoursePlan:
    id: int
    client_id: int
    protocol: str
    status: str
    slots: list[PlannedSlot]
    held: list[int]  # slot indexes held, in order
    skipped: set[int]
    extra_sessions: int  # sessions held beyond the plan (none planned for them)
    shift: timedelta = timedelta(0)
    first_session_id: int = 0

    @property
    def sessions(self) -> int:
        return len(self.held) + self.extra_sessions

    def slot_date(self, index: int) -> date:
        return self.slots[index].planned_date + self.shift


@dataclass
class ClientPlan:
    id: int
    courses: list[CoursePlan] = field(default_factory=list)


def split(total: int, parts: int, minimum: int, rng: random.Random) -> list[int]:
    """`total` spread over `parts` counts of at least `minimum`, at random."""
    if parts <= 0:
        return []
    counts = [minimum] * parts
    for _ in range(total - minimum * parts):
        counts[rng.randrange(parts)] += 1
    return counts


def _plan_for(sessions: int, active: bool, rng: random.Random) -> tuple[str,
                                                                       list[PlannedSlot]]:
    if sessions <= 13 and not active and rng.random() < 0.5:
        protocol = rng.choice(("iv_ketamine", "kap_sublingual_im"))
        return protocol, generate_plan(protocol, _ANCHOR)
    # Esketamine: 25 slots with the default 4 maintenance doses, 2 more per extra dose.
    extra = 2 + rng.randrange(3) if active else 0
    maintenance = min(52, max(4, math.ceil((sessions - 21) / 2) + extra))
    return "esketamine", generate_plan(
        "esketamine", _ANCHOR, maintenance_interval_weeks=1,
        maintenance_slots=maintenance)


def _course(course_id: int, client_id: int, sessions: int, active: bool,
            rng: random.Random) -> CoursePlan:
    protocol, slots = _plan_for(sessions, active, rng)
    held: list[int] = []
    skipped: set[int] = set()
    for slot in slots:
        if len(held) == sessions:
            break
        if slot.index > 0 and rng.random() < 0.03:
            skipped.add(slot.index)
            continue
        held.append(slot.index)
    status = "active" if active else rng.choice(("completed",) * 9 + ("discontinued",))
    return CoursePlan(id=course_id, client_id=client_id, protocol=protocol, status=status,
                      slots=slots, held=held, skipped=skipped,
                      extra_sessions=sessions - len(held))


def lay_out(size: Size, today: date, rng: random.Random) -> list[ClientPlan]:
    """Clients 1…N with their courses; client 1 has the big course, client 2 the PDF one."""
    per_client = split(size.courses, size.clients, 1, rng)
    normal = split(size.sessions - size.big_sessions - size.pdf_sessions, size.courses - 2, 1,
                   rng)
    counts = iter(normal)
    clients: list[ClientPlan] = []
    course_id = 0
    for client_id in range(1, size.clients + 1):
        client = ClientPlan(client_id)
        n = per_client[client_id - 1]
        for j in range(n):
            course_id += 1
            newest = j == n - 1
            if client_id == 1 and newest:
                sessions = size.big_sessions
            elif client_id == 2 and j == 0:
                sessions = size.pdf_sessions
            else:
                sessions = next(counts)
            active = newest and (client_id == 1 or rng.random() < 0.9)
            client.courses.append(_course(course_id, client_id, sessions, active, rng))
        _place(client, today, rng)
        clients.append(client)
    return clients


def _place(client: ClientPlan, today: date, rng: random.Random) -> None:
    """Shift each course's plan to real dates: the newest held yesterday or so, the older ones
    ending a few weeks to months before the next began."""
    next_start = today
    for i, course in enumerate(reversed(client.courses)):
        last = course.slot_date(course.held[-1]) if course.held else _ANCHOR
        last += timedelta(days=7 * course.extra_sessions)
        if i == 0:
            end = today - timedelta(days=1 if client.id == 1 else 1 + rng.randrange(4))
        else:
            end = next_start - timedelta(days=20 + rng.randrange(100))
        course.shift = end - last
        next_start = course.slot_date(0)
