"""Where a course stands against its plan: each planned slot done, missed, overdue, upcoming,
skipped or moved, and the adherence counts the PDFs report.

Rules (all dates are the slot's *effective* date: the new date if it was moved):
- Matching held sessions to slots, each held session used at most once:
  1. A held session linked to a slot (`slot_index`) of the same kind fulfils that slot. If two
     are linked to one slot, the earlier held one wins; the other is matched as unlinked.
     A link to a missing slot or a slot of another kind is ignored (treated as unlinked).
  2. The remaining held sessions of each kind are matched to the remaining non-skipped slots
     of that kind held within `match_window_days` (default 3) of the slot's date, keeping
     the order of both (the first held dose goes with the first open dose slot, and so on),
     matching as many as possible and, among those, with the smallest total day distance.
     Order is kept so that a client who comes two days late every time is not shown as having
     missed the first dose and done every other one a slot early.
- Status of a slot:
  DONE      a held session is matched to it (even if it had been skipped or moved);
  SKIPPED   the therapist skipped it (with a reason) and nothing was matched;
  UPCOMING  not done and today is on or before its date;
  MOVED     as UPCOMING, for a slot moved to a new date (so the timeline can say so);
  OVERDUE   not done, past its date by 1 … `grace_days` (default 2) days;
  MISSED    not done, past its date by more than `grace_days`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.schedule import PlannedSlot, SlotKind

DEFAULT_GRACE_DAYS = 2
DEFAULT_MATCH_WINDOW_DAYS = 3


class SlotStatus(StrEnum):
    """Where one planned slot stands on a given day (see the module docstring)."""

    DONE = "done"
    MISSED = "missed"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    SKIPPED = "skipped"
    MOVED = "moved"


class AdjustmentAction(StrEnum):
    MOVE = "move"
    SKIP = "skip"


@dataclass(frozen=True)
class SlotAdjustment:
    """The therapist moved a slot to `new_date`, or skipped it, giving a reason."""

    slot_index: int
    action: AdjustmentAction
    reason: str
    new_date: date | None = None


@dataclass(frozen=True)
class HeldSession:
    """A session actually held; `slot_index` links it explicitly to a planned slot."""

    session_id: str
    kind: SlotKind
    held_on: date
    slot_index: int | None = None


@dataclass(frozen=True)
class SlotState:
    """A planned slot with its status; `held` is the session matched to it, if any."""

    slot: PlannedSlot
    status: SlotStatus
    effective_date: date
    held: HeldSession | None = None
    adjustment: SlotAdjustment | None = None


@dataclass(frozen=True)
class Adherence:
    """Counts for reports.

    `planned_to_date`: non-skipped slots whose effective date is on or before today, and any
    slot already done (held early), so `done` never exceeds `planned_to_date`.
    `done`, `missed`, `overdue`, `skipped`: slots with that status. `upcoming`: UPCOMING and
    MOVED slots. `moved`: slots moved to a new date, whatever their status now.
    """

    planned_to_date: int
    done: int
    missed: int
    overdue: int
    upcoming: int
    skipped: int
    moved: int


def move_slot(slot: PlannedSlot, new_date: date, reason: str) -> SlotAdjustment:
    """Move a planned slot to `new_date`; a non-empty reason is required."""
    if new_date == slot.planned_date:
        raise ValidationError("new_date", "is already the planned date; choose another day")
    return SlotAdjustment(
        slot.index, AdjustmentAction.MOVE, _reason(reason, "moving"), new_date=new_date
    )


def skip_slot(slot: PlannedSlot, reason: str) -> SlotAdjustment:
    """Skip a planned slot; a non-empty reason is required."""
    return SlotAdjustment(slot.index, AdjustmentAction.SKIP, _reason(reason, "skipping"))


def _reason(reason: str | None, doing: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError("reason", f"{doing} a planned session needs a reason")
    return text


def slot_status(
    slot: PlannedSlot,
    today: date,
    held_sessions: Iterable[HeldSession] = (),
    grace_days: int = DEFAULT_GRACE_DAYS,
    *,
    adjustment: SlotAdjustment | None = None,
    match_window_days: int = DEFAULT_MATCH_WINDOW_DAYS,
) -> SlotStatus:
    """Status of one slot on `today`, matching it as `reconcile_plan` would on its own."""
    adjustments = [adjustment] if adjustment is not None else []
    states = reconcile_plan(
        [slot], held_sessions, today, adjustments=adjustments,
        grace_days=grace_days, match_window_days=match_window_days,
    )
    return states[0].status


def reconcile_plan(
    plan: Sequence[PlannedSlot],
    held_sessions: Iterable[HeldSession],
    today: date,
    *,
    adjustments: Iterable[SlotAdjustment] = (),
    grace_days: int = DEFAULT_GRACE_DAYS,
    match_window_days: int = DEFAULT_MATCH_WINDOW_DAYS,
) -> list[SlotState]:
    """Per-slot states of `plan` on `today`, in plan order (rules in the module docstring).

    For each slot the latest adjustment given for it applies.
    """
    for field, value in (("grace_days", grace_days), ("match_window_days", match_window_days)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 60:
            raise ValidationError(field, "must be a whole number of days from 0 to 60")
    by_index = {slot.index: slot for slot in plan}
    adjusted = {a.slot_index: a for a in adjustments if a.slot_index in by_index}

    def effective(slot: PlannedSlot) -> date:
        adj = adjusted.get(slot.index)
        if adj is not None and adj.action is AdjustmentAction.MOVE and adj.new_date:
            return adj.new_date
        return slot.planned_date

    matched: dict[int, HeldSession] = {}
    unlinked: list[HeldSession] = []
    for held in sorted(held_sessions, key=lambda h: (h.held_on, h.session_id)):
        target = by_index.get(held.slot_index) if held.slot_index is not None else None
        if target is not None and target.kind == held.kind and target.index not in matched:
            matched[target.index] = held
        else:
            unlinked.append(held)

    for kind in SlotKind:
        open_slots = sorted(
            (s for s in plan if s.kind == kind and s.index not in matched
             and not _is_skip(adjusted.get(s.index))),
            key=lambda s: (effective(s), s.index),
        )
        candidates = [h for h in unlinked if h.kind == kind]
        pairs = _align(
            [effective(s) for s in open_slots], [h.held_on for h in candidates],
            match_window_days,
        )
        for slot_pos, held_pos in pairs:
            matched[open_slots[slot_pos].index] = candidates[held_pos]

    states = []
    for slot in plan:
        adj = adjusted.get(slot.index)
        when = effective(slot)
        status = _status(slot.index in matched, adj, when, today, grace_days)
        states.append(SlotState(slot, status, when, matched.get(slot.index), adj))
    return states


def _is_skip(adj: SlotAdjustment | None) -> bool:
    return adj is not None and adj.action is AdjustmentAction.SKIP


def _status(
    done: bool, adj: SlotAdjustment | None, when: date, today: date, grace_days: int
) -> SlotStatus:
    if done:
        return SlotStatus.DONE
    if _is_skip(adj):
        return SlotStatus.SKIPPED
    late = (today - when).days
    if late <= 0:
        return SlotStatus.MOVED if adj is not None else SlotStatus.UPCOMING
    return SlotStatus.OVERDUE if late <= grace_days else SlotStatus.MISSED


def _align(slot_dates: list[date], held_dates: list[date], window: int) -> list[tuple[int, int]]:
    """Order-keeping matching: most pairs within `window` days, then least total distance.

    Classic alignment table: best[i][j] scores slots[i:] against held[j:].
    """
    n, m = len(slot_dates), len(held_dates)
    best = [[(0, 0)] * (m + 1) for _ in range(n + 1)]  # (pairs, -total distance)
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [best[i + 1][j], best[i][j + 1]]
            gap = abs((held_dates[j] - slot_dates[i]).days)
            if gap <= window:
                pairs, cost = best[i + 1][j + 1]
                options.append((pairs + 1, cost - gap))
            best[i][j] = max(options)
    result = []
    i = j = 0
    while i < n and j < m:
        gap = abs((held_dates[j] - slot_dates[i]).days)
        if gap <= window:
            pairs, cost = best[i + 1][j + 1]
            if best[i][j] == (pairs + 1, cost - gap):
                result.append((i, j))
                i, j = i + 1, j + 1
                continue
        if best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return result


def adherence(
    states: Iterable[SlotState], today: date, *, kind: SlotKind | None = None
) -> Adherence:
    """Adherence counts over `states` (optionally one kind of slot only) on `today`."""
    chosen = [s for s in states if kind is None or s.slot.kind == kind]

    def count(*statuses: SlotStatus) -> int:
        return sum(1 for s in chosen if s.status in statuses)

    return Adherence(
        planned_to_date=sum(
            1 for s in chosen if s.status is SlotStatus.DONE
            or (s.status is not SlotStatus.SKIPPED and s.effective_date <= today)
        ),
        done=count(SlotStatus.DONE),
        missed=count(SlotStatus.MISSED),
        overdue=count(SlotStatus.OVERDUE),
        upcoming=count(SlotStatus.UPCOMING, SlotStatus.MOVED),
        skipped=count(SlotStatus.SKIPPED),
        moved=sum(
            1 for s in chosen
            if s.adjustment is not None and s.adjustment.action is AdjustmentAction.MOVE
        ),
    )


_STILL_EXPECTED = (SlotStatus.OVERDUE, SlotStatus.UPCOMING, SlotStatus.MOVED)


def next_planned(
    plan_statuses: Iterable[SlotState], today: date, *, kind: SlotKind | None = None
) -> SlotState | None:
    """The next session still expected, for "sort by next planned session".

    That is the earliest slot (by effective date, then plan index) that is overdue (still
    within grace, so still expected and listed first) or upcoming/moved on or after `today`.
    None when nothing is left.
    """
    expected = [
        s for s in plan_statuses
        if s.status in _STILL_EXPECTED
        and (kind is None or s.slot.kind == kind)
        and (s.status is SlotStatus.OVERDUE or s.effective_date >= today)
    ]
    return min(expected, key=lambda s: (s.effective_date, s.slot.index), default=None)
