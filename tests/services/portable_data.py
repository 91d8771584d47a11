"""Shared helpers for the portable JSON tests: a demo vault with every kind of record.

All names and notes are the demo's own fictional ones; the extras below add what the demo
does not (measures, a screen, an addendum, a revised intention, an adverse effect, an
archived client) so the round trip covers every table.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from kapnotes.domain.course_items import IntentionStatus
from kapnotes.domain.models import SessionKind
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.services import portable_export
from kapnotes.services.container import build_services
from kapnotes.services.demo import build_demo
from kapnotes.storage import audit, lifecycle

STAMP = "2026-11-20T09:00:00Z"
CALM = {str(i): 0 for i in range(1, 10)}


def fill_rich_demo(services: Any) -> None:
    build_demo(services)
    first = services.clients.by_code("KAP-001")
    course = services.courses.for_client(first.id)[0]
    sessions = services.notes.sessions_for_course(course.id)
    signed = next(s for s in sessions if s.signed)
    services.notes.add_addendum(signed.id, "Client called next day: slept well.",
                                author="Dr Demo Clinician")
    integ = next(s for s in sessions if s.kind is SessionKind.INTEGRATION)
    today = services.clock().date()
    services.measures.enter(client_id=first.id, scale_id="phq9", taken_on=today,
                            session_id=integ.id, answers={**CALM, "1": 2, "2": 3, "9": 1})
    services.measures.enter(client_id=first.id, scale_id="phq9",
                            taken_on=today - timedelta(days=30), total=17)
    intention = services.intentions.for_course(course.id)[0]
    revised = services.intentions.revise(intention.id, "Meet my sadness with kindness",
                                         on=today)
    services.intentions.set_status(revised.id, IntentionStatus.ACHIEVED)
    draft_dose = next((s for s in sessions if s.kind is SessionKind.DOSING and not s.signed),
                      None)
    if draft_dose is None:
        draft_dose = services.notes.create_session(
            course_id=course.id, kind=SessionKind.DOSING,
            starts_at=datetime.combine(today, datetime.min.time()).replace(hour=9))
    services.monitoring.set_adverse_effect(draft_dose.id, "nausea", "mild", note="Brief.")
    # A confirmed extreme reading and a corrected one (the original kept, struck).
    at = draft_dose.starts_at + timedelta(minutes=20)
    services.monitoring.add_reading(draft_dose.id, "extra", {"spo2": 45}, at=at,
                                    confirm_unusual=True)
    typo = services.monitoring.add_reading(draft_dose.id, "extra", {"heart_rate": 180}, at=at)
    services.monitoring.correct_reading(draft_dose.id, typo.id, {"heart_rate": 80},
                                        reason="typed 180 for 80")
    review = services.notes.create_session(
        course_id=course.id, kind=SessionKind.INTEGRATION,
        starts_at=datetime.combine(today, datetime.min.time()).replace(hour=15))
    services.notes.save_fields(review.id, {"intentions_review": [
        {"intention_id": revised.id, "progress": 7, "note": "Kinder mornings."}]})
    third = services.clients.by_code("KAP-003")
    services.monitoring.save_screen(third.id, Screen(today - timedelta(days=40), tuple(
        ScreenAnswer(i, Answer.NO) for i in ScreenItem)), screened_by="Dr Demo Clinician")
    services.clients.set_archived(services.clients.by_code("KAP-005").id, True)


def new_services(path: Path, passphrase: str, clock: Any, templates: Path) -> Any:
    created = lifecycle.create_vault(path, passphrase)
    return build_services(created.vault, clock=clock, practice_templates=templates)


def export_text(vault: Any, client_code: str | None = None) -> str:
    """The canonical export with a fixed `exported_at`: the one field that is the moment of
    export and must differ between two exports; every other byte is compared."""
    return portable_export.dumps(portable_export.build_export(
        vault, client_code=client_code, exported_at=STAMP))


def vault_state(vault: Any) -> tuple[str, int, str]:
    """Everything a failed import must leave as it was: the full export and the audit log."""
    entries = audit.entries(vault)
    return export_text(vault), len(entries), entries[-1].hash if entries else ""


def load(text: str) -> dict[str, Any]:
    return json.loads(text)


def a_day(year: int = 2026, month: int = 1, day: int = 1) -> str:
    return date(year, month, day).isoformat()
