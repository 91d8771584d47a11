"""The client list's rows (`storage.clients.summaries`) on a real vault: which slot is "next
planned", and that its query is served by m004's partial indexes rather than by reading every
course and slot row of each client (start-up time on a large practice, docs/BENCHMARKS.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kapnotes.storage import clients

TODAY = date(2026, 11, 20)
NOW = "2026-11-01T09:00:00Z"


def _client(vault: Any, code: str, *, archived: bool = False) -> int:
    cur = vault.execute(
        "INSERT INTO clients (code, full_name, archived_at, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (code, f"Client {code}", NOW if archived else None, NOW, NOW),
    )
    return int(cur.lastrowid)


def _course(vault: Any, client_id: int, status: str = "active") -> int:
    cur = vault.execute(
        "INSERT INTO courses (client_id, protocol, start_date, status, created_at, updated_at)"
        " VALUES (?, 'custom', '2026-10-01', ?, ?, ?)",
        (client_id, status, NOW, NOW),
    )
    return int(cur.lastrowid)


def _session(vault: Any, course_id: int) -> int:
    cur = vault.execute(
        "INSERT INTO sessions (course_id, kind, starts_at, template_id, template_version,"
        " created_at, updated_at) VALUES (?, 'dosing', '2026-11-19T10:00', 'dosing', 1, ?, ?)",
        (course_id, NOW, NOW),
    )
    return int(cur.lastrowid)


def _slot(vault: Any, course_id: int, seq: int, day: str, kind: str = "dosing", *,
          skipped: bool = False, session_id: int | None = None) -> None:
    vault.execute(
        "INSERT INTO planned_slots (course_id, seq, kind, planned_date, original_date, skipped,"
        " session_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (course_id, seq, kind, day, day, int(skipped), session_id),
    )


def _practice(vault: Any) -> None:
    """Clients whose next planned slot hides behind every kind of slot that does not count."""
    with vault.transaction():
        a = _client(vault, "KAP-A")
        first = _course(vault, a)
        _slot(vault, first, 0, "2026-11-18", "preparation")  # past, never held
        _slot(vault, first, 1, "2026-11-20", skipped=True)  # today, skipped
        _slot(vault, first, 2, "2026-11-21", session_id=_session(vault, first))  # held early
        _slot(vault, first, 4, "2026-11-23", "dosing")
        _slot(vault, first, 3, "2026-11-23", "integration")  # same day, earlier in the plan
        _slot(vault, first, 5, "2026-11-30", "integration")
        for status in ("paused", "completed", "discontinued"):
            held = _course(vault, a, status)
            _slot(vault, held, 0, "2026-11-20", "preparation")
        second = _course(vault, a)
        _slot(vault, second, 0, "2026-11-24", "preparation")
        _slot(vault, second, 1, "2026-11-25")

        b = _client(vault, "KAP-B")
        _slot(vault, _course(vault, b), 0, "2026-11-20", "preparation")  # today counts

        c = _client(vault, "KAP-C")  # only slots that do not count
        course = _course(vault, c)
        _slot(vault, course, 0, "2026-11-19")
        _slot(vault, course, 1, "2026-11-22", skipped=True)
        _slot(vault, course, 2, "2026-11-26", session_id=_session(vault, course))
        _slot(vault, _course(vault, c, "paused"), 0, "2026-11-21")

        _client(vault, "KAP-D")  # no course at all

        e = _client(vault, "KAP-E", archived=True)
        _slot(vault, _course(vault, e), 0, "2026-12-01", "preparation")


def _next(vault: Any, **kwargs: Any) -> dict[str, tuple[date | None, str | None]]:
    return {r.code: (r.next_planned, r.next_planned_kind)
            for r in clients.summaries(vault, today=TODAY, **kwargs)}


def test_next_planned_skips_past_skipped_held_and_inactive_slots(open_vault: Any) -> None:
    _practice(open_vault)
    expected = {
        "KAP-A": (date(2026, 11, 23), "integration"),
        "KAP-B": (date(2026, 11, 20), "preparation"),
        "KAP-C": (None, None),
        "KAP-D": (None, None),
    }
    assert _next(open_vault) == expected
    assert _next(open_vault, with_counts=False) == expected
    assert _next(open_vault, include_archived=True) == {
        **expected, "KAP-E": (date(2026, 12, 1), "preparation")}
    counts = {r.code: (r.courses, r.sessions) for r in clients.summaries(open_vault,
                                                                           today=TODAY)}
    assert counts == {"KAP-A": (5, 1), "KAP-B": (1, 0), "KAP-C": (2, 1), "KAP-D": (0, 0)}


def test_next_planned_follows_status_and_slot_changes(open_vault: Any) -> None:
    """Rows enter and leave the partial indexes as a course or slot changes."""
    _practice(open_vault)
    a = open_vault.query_one("SELECT id FROM clients WHERE code = 'KAP-A'")[0]
    first = open_vault.query_one(
        "SELECT course_id FROM planned_slots WHERE planned_date = '2026-11-23' AND seq = 3")[0]
    open_vault.execute("UPDATE planned_slots SET skipped = 1 WHERE course_id = ? AND seq = 3",
                       (first,))
    assert _next(open_vault)["KAP-A"] == (date(2026, 11, 23), "dosing")
    open_vault.execute("UPDATE courses SET status = 'paused' WHERE id = ?", (first,))
    assert _next(open_vault)["KAP-A"] == (date(2026, 11, 24), "preparation")
    open_vault.execute("UPDATE courses SET status = 'active' WHERE client_id = ?", (a,))
    assert _next(open_vault)["KAP-A"] == (date(2026, 11, 20), "preparation")
    open_vault.execute("UPDATE planned_slots SET session_id = NULL")
    assert _next(open_vault)["KAP-C"] == (date(2026, 11, 26), "dosing")


def _plan(vault: Any, with_counts: bool) -> str:
    rows = vault.query(f"EXPLAIN QUERY PLAN {clients.summaries_sql(with_counts=with_counts)}",
                       {"today": TODAY.isoformat(), "all": 0})
    return "\n".join(r[-1] for r in rows)


@pytest.mark.parametrize("analyzed", [False, True], ids=["fresh", "analyzed"])
@pytest.mark.parametrize("with_counts", [False, True], ids=["window", "counted"])
def test_next_planned_reads_only_open_slots_of_active_courses(
    open_vault: Any, with_counts: bool, analyzed: bool
) -> None:
    _practice(open_vault)
    if analyzed:  # as `PRAGMA optimize` leaves a vault that has been closed
        open_vault.execute("ANALYZE")
    plan = _plan(open_vault, with_counts)
    assert "SEARCH co USING COVERING INDEX courses_active (client_id=?)" in plan, plan
    assert "SEARCH ps USING INDEX planned_slots_open (course_id=? AND planned_date>?)" in plan, (
        plan)
    assert "SCAN ps" not in plan and "SCAN co" not in plan, plan
