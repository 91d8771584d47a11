"""Which audit entries of a joined vault go to the practice server (issue 20, schema step
026; docs/PRACTICE-SERVER.md "Audit entries"): entries about a shared record do, while
sync's own entries and exports stay on the workstation, also when the export is of a shared
note, course or the register (whose entries reach every clinical role of the practice).
Real vault in tmp_path, real PDF exports, no server needed. All data is fictional."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from helpers.s8 import ESKETAMINE, choose_jurisdiction

from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.s8_register import EntryDraft
from kapnotes.services import exports, s8_exports
from kapnotes.storage import audit, sync_audit, sync_state

WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _shared_events(vault: Any) -> list[str]:
    with vault.transaction():
        sync_audit.pack(vault)
    return [str(r[0]) for r in vault.query(
        "SELECT a.event FROM audit_shared s JOIN audit_log a ON a.id = s.audit_id"
        " ORDER BY s.audit_id")]


def test_exports_of_shared_records_stay_on_the_workstation(services: Any,
                                                           tmp_path: Path) -> None:
    vault = services.vault
    with vault.transaction():
        sync_state.set_linked(vault, True)
    client = services.clients.create(Client(code="KAP-7701", full_name="Robin Placeholder"))
    course_id = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                               start_date=date(2026, 11, 2))).id
    sid = services.notes.create_session(course_id=course_id, kind=SessionKind.INTEGRATION,
                                        starts_at=datetime(2026, 11, 3, 9, 0),
                                        clinician="Dr Kim Sample").id
    options = exports.options_for(services, deidentified=False)
    exports.export_pdf(services, exports.build_session_report(services, sid, options),
                       tmp_path / "note.pdf")
    exports.export_pdf(services, exports.build_course_report(services, client.id, options,
                                                                   course_id=course_id),
                       tmp_path / "course.pdf")
    choose_jurisdiction(tmp_path)
    register = services.s8.open_register(ESKETAMINE)
    services.s8.add(register.id, EntryDraft(EntryKind.RECEIPT, WHEN, 10, "Fictional",
                                            supplier="Harbour Pharmacy", invoice="INV-1"))
    exports.export_pdf(services, s8_exports.build_register_report(services),
                       tmp_path / "register.pdf")

    exported = [e for e in audit.entries(vault) if e.event.startswith("export.")]
    assert len(exported) == 3  # the exports were audited here, in this vault's own log
    shared = _shared_events(vault)
    assert {"client.create", "course.create", "session.create", "s8.entry.receipt"} <= set(shared)
    assert not [e for e in shared if e.startswith("export.")]


def test_supervision_entries_stay_on_the_workstation(services: Any) -> None:
    """Supervision reviews are not shared (docs/PRACTICE-SERVER.md), so neither are the
    audit entries of a request sent or a reply read, though they are filed on a shared note."""
    from kapnotes.services import review_import, review_requests

    vault = services.vault
    with vault.transaction():
        sync_state.set_linked(vault, True)
    client = services.clients.create(Client(code="KAP-7702", full_name="Sam Placeholder"))
    course_id = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                               start_date=date(2026, 11, 2))).id
    sid = services.notes.create_session(course_id=course_id, kind=SessionKind.INTEGRATION,
                                        starts_at=datetime(2026, 11, 3, 9, 0),
                                        clinician="Dr Kim Sample").id
    with vault.transaction():
        for event in (review_requests.AUDIT_EVENT, review_import.AUDIT_EVENT, "review.reply"):
            audit.record(vault, event, record_type="session", record_id=sid,
                         detail="request 0a1b2c3d")
    shared = _shared_events(vault)
    assert "session.create" in shared
    assert not [e for e in shared if e.startswith("review.")]
