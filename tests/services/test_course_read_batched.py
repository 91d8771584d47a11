"""A course summary reads its dosing notes' records table by table for all of them at once
(kapnotes/storage/dosing_batch.py) and judges them against thresholds and a dose history read
once (kapnotes/services/export_gather.py). The answers must be the per-note reads': the
storage lists one by one, and every note of every course in a course snapshot exactly as the
note's own snapshot (read note by note, as a single note's PDF reads it), on the rich demo
vault (drafts, signed notes, addenda, corrected and struck readings, adverse effects,
boosters, overrides, acknowledgements, several clients and courses)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from helpers.course_alerts import alerts_note_by_note

from kapnotes import policy
from kapnotes.domain.models import SessionKind
from kapnotes.services.export_gather import course_snapshot, session_snapshot
from kapnotes.storage import dose_records, monitoring, screening
from kapnotes.storage.dosing_batch import dosing_records


def _dosing_ids(vault: Any) -> list[int]:
    return [int(r[0]) for r in vault.query("SELECT id FROM sessions WHERE kind = 'dosing'")]


def _more_records(services: Any) -> None:
    """A draft dosing note with one of everything the demo leaves out."""
    vault = services.vault
    draft = next(s for sid in _dosing_ids(vault)
                 if not (s := services.notes.session(sid)).signed)
    sid = int(draft.id or 0)
    m = services.monitoring
    first = services.clock() - timedelta(minutes=50)  # given already, not to come
    # No pre-dose blood pressure: the first device needs a written reason (an override).
    m.add_device(sid, at=first + timedelta(minutes=3), reason="Cuff failed; checked by hand.",
                 by="Dr Demo Clinician")
    m.add_device(sid, at=first)  # the earlier one is the first, whatever the order typed
    # Between the two devices: after the dose, so judged by the alert thresholds, not the
    # pre-dose ones (the first device must be the earliest, as the note's window has it).
    m.add_reading(sid, "extra", {"systolic": 170, "diastolic": 105},
                  at=first + timedelta(minutes=1))
    m.add_observation(sid, moaas=4, dissociation="mild", cadss_total=12, note="Settled.",
                      at=first + timedelta(minutes=30))
    m.set_adverse_effect(sid, "dizziness", "mild", note="Passed.")
    m.doses.add_booster(sid, 10, at=first + timedelta(minutes=20))
    m.acknowledge(sid, by="Dr Demo Clinician")
    # Signed past its findings with a written reason (the note prints what it answered) …
    services.notes.save_fields(sid, {"arrival_state": "Settled", "observations": "Calm",
                                     "post_session_state": "Steady"})
    services.notes.sign(sid, signer="Dr Demo Clinician", reason="Left with a paramedic.")
    # … and a new dosing draft beside it, with what signing would still refuse.
    services.notes.create_session(course_id=draft.course_id, kind=SessionKind.DOSING,
                                  starts_at=draft.starts_at + timedelta(days=7))


def test_a_courses_dosing_records_at_once_are_each_notes(rich_services: Any) -> None:
    _more_records(rich_services)
    vault = rich_services.vault
    ids = _dosing_ids(vault)
    batched = dosing_records(vault, [*ids, 10**6])
    for sid in ids:
        got = batched[sid]
        assert got.details == monitoring.get_details(vault, sid)
        assert got.devices == monitoring.devices(vault, sid)
        assert got.readings == monitoring.readings(vault, sid)
        assert got.observations == monitoring.observations(vault, sid)
        assert got.adverse_effects == monitoring.adverse_effects(vault, sid)
        assert got.acknowledgements == screening.acks_for(vault, sid)
        assert got.boosters == dose_records.boosters(vault, sid)
        assert got.overrides == dose_records.overrides(vault, sid)
    assert batched[10**6].details == monitoring.get_details(vault, 10**6)  # no record yet
    every = list(batched.values())
    for part in ("devices", "readings", "observations", "adverse_effects", "acknowledgements",
                 "boosters", "overrides"):
        assert any(getattr(r, part) for r in every), part  # each list met with rows in it
    assert sum(len(r.adverse_effects) > 1 for r in every)  # sorted, not only read
    struck = vault.query("SELECT count(*) FROM vitals_readings WHERE struck_at IS NOT NULL")
    assert struck[0][0] > 0  # left out of both


def test_every_note_of_a_course_snapshot_is_the_notes_own_snapshot(rich_services: Any) -> None:
    _more_records(rich_services)
    vault = rich_services.vault
    courses = [int(r[0]) for r in vault.query("SELECT id FROM courses ORDER BY id")]
    kinds: set[SessionKind] = set()
    alerted: set[int | None] = set()
    flagged: set[int | None] = set()  # notes written with a scale's risk flag open
    answered: set[int | None] = set()  # signed with a reason: what it answered
    refused: set[int | None] = set()  # dosing drafts signing would refuse or ask a reason of
    with policy.held():  # as an export builds
        for course_id in courses:
            snap = course_snapshot(rich_services, course_id)
            alone = tuple(session_snapshot(rich_services, int(s.session.id or 0))
                          for s in snap.sessions)
            assert snap.sessions == alone
            expected = alerts_note_by_note(rich_services, course_id)
            assert snap.alerts == {sid: tuple(found) for sid, found in expected.items()}
            assert rich_services.monitoring.course_monitoring(course_id).alerts == expected
            alerted |= set(snap.alerts)
            flagged |= {s.session.id for s in snap.sessions if s.scale_risk and s.scale_risk.flags}
            answered |= {s.session.id for s in snap.sessions if s.sign_answered}
            refused |= {s.session.id for s in snap.sessions
                        if s.dosing is not None
                        and (s.dosing.sign_refusals or s.dosing.sign_needs_reason)}
            kinds |= {s.session.kind for s in snap.sessions if s.dosing is not None
                      and s.dosing.readings and s.dosing.rule_warnings is not None}
    assert SessionKind.DOSING in kinds and len(courses) > 3 and alerted and len(flagged) > 1
    assert answered and refused


def test_a_courses_notes_at_once_are_each_notes(rich_services: Any) -> None:
    vault = rich_services.vault
    every = [int(r[0]) for r in vault.query("SELECT id FROM sessions ORDER BY id")]
    sessions = [rich_services.notes.session(sid) for sid in every]
    batched = rich_services.notes.notes(sessions)
    assert batched == {sid: rich_services.notes.note(sid) for sid in every}
    assert [list(n.values) for n in batched.values()] == [
        list(rich_services.notes.note(sid).values) for sid in every]  # fields in one order
    assert any(n.addenda for n in batched.values()) and any(n.session.signed
                                                            for n in batched.values())
    assert any(not n.values for n in batched.values())  # an empty draft among them


def test_a_courses_events_at_once_are_each_notes(rich_services: Any) -> None:
    vault = rich_services.vault
    every = [int(r[0]) for r in vault.query("SELECT id FROM sessions ORDER BY id")]
    draft = next(sid for sid in every if not rich_services.notes.session(sid).signed)
    kind = rich_services.events.kinds[0].id
    at = rich_services.notes.session(draft).starts_at + timedelta(minutes=30)
    rich_services.events.add(draft, kind, text="Later entry", at=at + timedelta(minutes=5))
    rich_services.events.add(draft, kind, text="Earlier entry", at=at)  # typed out of order
    batched = rich_services.events.events_of(every)
    assert batched == {sid: rich_services.events.events(sid) for sid in every}
    assert [e.text for e in batched[draft]][-2:] == ["Earlier entry", "Later entry"]
