"""Issue 20: a course's planned session slots shared between workstations, with real vaults and
the real practice server. The plan travels inside its course (kind `course`): a slot moved,
skipped or started on one workstation shows on the others, a session held in a slot is linked
there too, and a plan changed on two workstations apart leaves a conflict copy, never a silent
merge. Every clinician works through the services the window uses. All data is fictional."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from kapnotes.domain.models import SessionKind
from kapnotes.domain.schedule_status import SlotStatus
from kapnotes.services import practice_review
from tests.practice.workstations import Workstation, open_workstation

CLIENT = "KAP-2501"



def _plan(ws: Workstation) -> list[Any]:
    return list(ws.services.courses.timeline(ws.course_of(CLIENT)).entries)


def _slots(ws: Workstation) -> list[tuple[Any, ...]]:
    return [(e.slot.seq, e.slot.kind, e.slot.planned_date, e.slot.skipped,
             e.slot.change_reason) for e in _plan(ws)]


def _upcoming(ws: Workstation, kind: SessionKind) -> Any:
    return next(e.slot for e in _plan(ws)
                if e.slot.kind is kind and e.state.status is SlotStatus.UPCOMING)


def _synced(ws: Workstation) -> Any:
    report = ws.sync()
    assert (report.error, report.refused) == ("", 0), report
    return report


def test_a_plan_moved_skipped_and_started_elsewhere_shows_on_every_workstation(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    therapist.new_client_with_course(CLIENT)
    _synced(therapist)
    _synced(prescriber)
    assert _slots(prescriber) == _slots(therapist) and len(_slots(therapist)) > 2

    dosing = _upcoming(prescriber, SessionKind.DOSING)
    moved_to = dosing.planned_date + timedelta(days=2)
    prescriber.services.courses.move_slot(dosing.id, moved_to, "Fictional: clinic room closed")
    integration = _upcoming(prescriber, SessionKind.INTEGRATION)
    prescriber.services.courses.skip_slot(integration.id, "Fictional: client away")
    assert _synced(prescriber).pushed == 1  # the course, its plan inside
    assert _synced(therapist).pulled == 1
    assert _slots(therapist) == _slots(prescriber)
    mine = {e.slot.seq: e for e in _plan(therapist)}
    assert mine[dosing.seq].slot.planned_date == moved_to
    assert mine[dosing.seq].state.status is SlotStatus.MOVED
    assert mine[integration.seq].state.status is SlotStatus.SKIPPED

    # A session started from a slot on the therapist's workstation is held in that slot on
    # the prescriber's, though the course (with the link) arrives before the note.
    slot = mine[dosing.seq].slot
    held = therapist.services.notes.create_session(
        course_id=therapist.course_of(CLIENT), kind=SessionKind.DOSING,
        starts_at=datetime.combine(moved_to, datetime.min.time()).replace(hour=9),
        clinician="ther", slot_id=slot.id)
    _synced(therapist)
    _synced(prescriber)
    theirs = {e.slot.seq: e.slot for e in _plan(prescriber)}
    [session] = [s for s in prescriber.sessions(CLIENT) if s.kind is SessionKind.DOSING]
    assert theirs[dosing.seq].session_id == session.id
    assert therapist.sessions(CLIENT)[0].id == held.id
    assert prescriber.vault.query_one("SELECT count(*) FROM sync_slot_links")[0] == 0
    again = prescriber.sync()
    assert (again.pushed, again.pulled) == (0, 0)


def test_one_slot_moved_on_two_workstations_apart_keeps_a_conflict_copy(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    therapist.new_client_with_course(CLIENT)
    _synced(therapist)
    _synced(prescriber)
    for ws, days in ((therapist, 1), (prescriber, 3)):
        slot = _upcoming(ws, SessionKind.DOSING)
        ws.services.courses.move_slot(slot.id, slot.planned_date + timedelta(days=days),
                                      f"Fictional move by {ws.name}")
    _synced(therapist)
    report = _synced(prescriber)
    assert report.conflicts == 1
    assert _slots(prescriber) == _slots(therapist)  # the server's plan, everywhere
    [copy] = practice_review.queue(prescriber.vault).conflicts
    assert copy.kind == "course"
    assert "Fictional move by presc" in practice_review.conflict_text(prescriber.vault, copy.id)
    assert prescriber.status().pending == 0


def test_a_nurse_sees_the_plan_but_her_move_of_a_slot_is_refused_and_shown(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    therapist.new_client_with_course(CLIENT)
    _synced(therapist)
    _synced(nurse)
    assert [s[:3] for s in _slots(nurse)] == [s[:3] for s in _slots(therapist)]
    slot = _upcoming(nurse, SessionKind.DOSING)
    nurse.services.courses.move_slot(slot.id, date(2026, 12, 24), "Fictional")
    refused = nurse.sync()  # a nurse does not plan sessions: the course is refused, shown
    assert refused.refused == 1 and "may not write course" in refused.refusals[0].message
