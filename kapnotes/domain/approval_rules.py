"""When an approval needs attention: it lapses within the pack's warning days, it has lapsed,
a planned dose falls after its end, or continuous treatment passes the point where the pack
says one is needed and none covers that day. Pure functions over the pack's rules
(kapnotes/domain/approval_model.py) and the records; the client header, the schedule, the
dose entry and the dashboard all show what these return. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from kapnotes.domain.approval_model import (
    Approval,
    ApprovalRule,
    ApprovalWarning,
    Holder,
    ReportPeriod,
    needed_from,
)
from kapnotes.domain.dates import human_date

LAPSING, LAPSED, DOSE_AFTER_END, NEEDED = "lapsing", "lapsed", "dose_after_end", "needed"


def approval_rules(pack: Any) -> dict[str, ApprovalRule]:
    """The pack's approval kinds by id ({} without a pack)."""
    rules = () if pack is None else pack.slots.get("approvals", ())
    return {r.id: r for r in rules}


def report_periods(pack: Any, report: str) -> tuple[ReportPeriod, ...]:
    periods = () if pack is None else pack.slots.get("report_periods", ())
    return tuple(p for p in periods if p.report == report)


def short_title(rule: ApprovalRule) -> str:
    return rule.title.split(" (")[0]


def _day(d: date) -> str:
    return human_date(d)


def applies(rule: ApprovalRule, approval: Approval, medicines: Iterable[str]) -> bool:
    """A client's own approval always; a prescriber's when its medicine is the client's."""
    if rule.holder is Holder.CLIENT:
        return True
    wanted = {m.lower() for m in medicines}
    return not approval.medicine or approval.medicine.lower() in wanted


def _covered(approvals: Sequence[Approval], kind: str, day: date) -> bool:
    return any(a.kind == kind and a.covers_day(day) for a in approvals)


def client_warnings(rules: dict[str, ApprovalRule], approvals: Sequence[Approval], *,
                    today: date, medicines: Iterable[str] = (),
                    treatment_start: date | None = None,
                    planned_doses: Sequence[date] = ()) -> list[ApprovalWarning]:
    """Every warning for one client: their approvals and the prescriber's that cover their
    medicines, the planned dosing days, and when their continuous treatment began."""
    medicines = tuple(m.lower() for m in medicines)
    found: list[ApprovalWarning] = []
    latest: dict[str, Approval] = {}
    for a in approvals:
        rule = rules.get(a.kind)
        if rule is None or not applies(rule, a, medicines):
            continue
        if a.kind not in latest or a.ends_on > latest[a.kind].ends_on:
            latest[a.kind] = a
    for kind, a in latest.items():
        rule = rules[kind]
        src = rule.source.label
        left = (a.ends_on - today).days
        if left < 0:
            found.append(ApprovalWarning(LAPSED, kind, f"{short_title(rule)} ended on "
                                         f"{_day(a.ends_on)}", a.ends_on, a.id, src))
        elif left <= rule.warn_days:
            when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
            found.append(ApprovalWarning(LAPSING, kind, f"{short_title(rule)} ends {when} "
                                         f"({_day(a.ends_on)})", a.ends_on, a.id, src))
        after = sorted(d for d in planned_doses if d > a.ends_on
                       and not _covered(approvals, kind, d))
        if after:
            found.append(ApprovalWarning(
                DOSE_AFTER_END, kind, f"Planned dose on {_day(after[0])} falls after the "
                f"{short_title(rule)} ends ({_day(a.ends_on)})", after[0], a.id, src))
    if treatment_start is not None:
        found.extend(_needed(rules, approvals, today, medicines, treatment_start,
                             planned_doses))
    return found


def _needed(rules: dict[str, ApprovalRule], approvals: Sequence[Approval], today: date,
            medicines: tuple[str, ...], start: date,
            planned: Sequence[date]) -> list[ApprovalWarning]:
    found = []
    for rule in rules.values():
        limit = needed_from(start, rule)
        if limit is None or rule.holder is not Holder.CLIENT \
                or not any(rule.covers(m) for m in medicines):
            continue
        days = [d for d in planned if d >= limit]
        if today >= limit:
            days.append(today)
        elif (limit - today).days <= rule.warn_days:
            days.append(limit)
        missing = sorted(d for d in days if not _covered(approvals, rule.id, d))
        if missing:
            found.append(ApprovalWarning(
                NEEDED, rule.id, f"{short_title(rule)} needed from {_day(limit)} (continuous "
                f"treatment beyond {rule.needed_after_days} days): none recorded for "
                f"{_day(missing[0])}", missing[0], None, rule.source.label))
    return found


def lapsing(approvals: Sequence[Approval], today: date, within_days: int) -> list[Approval]:
    """Approvals ending from today to `within_days` ahead, soonest first."""
    last = today + timedelta(days=within_days)
    return sorted((a for a in approvals if today <= a.ends_on <= last),
                  key=lambda a: (a.ends_on, a.id or 0))
