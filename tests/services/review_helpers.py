"""Two real vaults for the supervision loop: the therapist's (a copy of the rich demo) and
a supervisor's (new), with fictional profiles; and a snapshot of everything an import may
change, to prove a refused file changed nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from helpers.basics import TEST_PASSPHRASE, FakeClock

from kapnotes.domain.models import SessionKind
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.container import build_services
from kapnotes.storage import audit, lifecycle

THERAPIST = ("Dr Demo Clinician", "Psychologist", "PSY0001234567")
SUPERVISOR = ("Dr Ada Supervisor", "Clinical psychologist", "PSY0009876543")
REVIEW = {
    "verdicts": [],  # filled per test with the request's note ids
    "comments": [{"session_id": None, "section": "", "text": "Clear, careful notes."}],
    "cosignature": None,
    "supervision": {"date": "2026-11-21", "minutes": 60, "format": "individual",
                    "topics": ["dosing safety", "integration"]},
}


def supervisor_services(folder: Path, *, name: tuple[str, str, str] = SUPERVISOR) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    created = lifecycle.create_vault(folder / "supervisor.kapnotes", TEST_PASSPHRASE)
    services = build_services(created.vault, clock=FakeClock(),
                              practice_templates=folder / "templates")
    set_clinician_profile(services.vault, *name)
    return services


def signed_ids(services: Any, code: str = "KAP-001") -> list[int]:
    client = services.clients.by_code(code)
    course = services.courses.for_client(client.id)[0]
    return [int(s.id) for s in services.notes.sessions_for_course(course.id) if s.signed]


def sign_note_naming_client(services: Any, code: str = "KAP-001") -> int:
    """A signed integration note whose free text names the client (for de-identification)."""
    client = services.clients.get(services.clients.by_code(code).id)
    course = services.courses.for_client(client.id)[0]
    note = services.notes.create_session(
        course_id=course.id, kind=SessionKind.INTEGRATION,
        starts_at=datetime(2026, 11, 19, 10, 0), clinician=THERAPIST[0])
    risk = services.notes.template_for(note).field("risk_review")
    services.notes.save_fields(note.id, {"client_account": (
        f"{client.full_name} ({client.preferred_name}) rang from {client.phone}, email "
        f"{client.email}; {client.support_person} came too."),
        "risk_review": [risk.options[0].id]})
    services.notes.sign(note.id, signer=THERAPIST[0], reason="test")
    return int(note.id)


def review_state(vault: Any) -> tuple[Any, ...]:
    """Every review table and the audit chain's head: what a refused import must not touch."""
    tables = ("review_requests", "review_request_notes", "review_supervisors",
              "review_replies", "review_records", "supervision_log", "session_fields",
              "addenda", "sessions")
    counts = tuple(vault.query_one(f"SELECT count(*) FROM {t}")[0] for t in tables)
    return counts, audit.head(vault).hash
