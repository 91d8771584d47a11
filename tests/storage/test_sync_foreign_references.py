"""A pulled row stays inside the client it is filed under (issue 20; docs/PRACTICE-SERVER.md
"What the server enforces"). The server checks that its author is on the care team of the
client a row is filed under, not what the row's payload names: a row pushed by hand with a
clinician's own login, filed under a client of their care team but naming another client's
record (its details by code, its consent, its note, its course), would otherwise be written
into that other client's record on every workstation holding it. Such a row is not applied:
it waits, named by kind and UUID, for a person. Rows naming their own client's records apply
as before. Real vault in tmp_path, no server needed. All data is fictional."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.s8 import choose_jurisdiction

from kapnotes.domain.approval_model import Approval
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage import sync_apply
from kapnotes.storage.sync_payloads import payload_of
from kapnotes.storage.sync_values import uuid_of

MINE, OTHER = "KAP-8001", "KAP-8002"
NOW = "2026-11-20T09:00:00Z"


def _records(services: Any, tmp_path: Path) -> dict[str, Any]:
    """The other client here with a consent, an approval, a course and a note."""
    choose_jurisdiction(tmp_path, "AU-NSW")
    other = services.clients.create(Client(code=OTHER, full_name="Robin Placeholder"))
    services.clients.create(Client(code=MINE, full_name="Sam Placeholder"))
    services.consents.record(other.id, "kap_informed", signed_on=date(2026, 11, 1))
    course = services.courses.create(Course(client_id=other.id, protocol="esketamine",
                                            start_date=date(2026, 11, 2))).id
    note = services.notes.create_session(course_id=course, kind=SessionKind.INTEGRATION,
                                         starts_at=datetime(2026, 11, 3, 9, 0)).id
    approval = services.approvals.add(Approval("pbs_authority_esketamine", date(2026, 8, 1),
                                               date(2026, 12, 1), client_id=other.id)).id
    v = services.vault
    consent = v.query_one("SELECT id FROM consent_records WHERE client_id = ?", (other.id,))[0]
    return {"client": other.id, "client_uuid": uuid_of(v, "clients", other.id),
            "course_uuid": uuid_of(v, "courses", course),
            "session_uuid": uuid_of(v, "sessions", note),
            "consent_uuid": uuid_of(v, "consent_records", consent), "consent": consent,
            "note": note, "approval": payload_of(v, "approvals", approval),
            "course": payload_of(v, "courses", course)}


def _apply(services: Any, kind: str, filed_under: str, payload: dict[str, Any]) -> Any:
    row = IncomingRow(77, "ther_x", kind, filed_under, str(uuid.uuid4()), 1, payload)
    return sync_apply.apply_incoming(services.vault, [row], NOW)


def _withdrawal(r: dict[str, Any]) -> dict[str, Any]:
    return {"id": 1, "consent_uuid": r["consent_uuid"], "withdrawn_on": "2026-11-10",
            "withdrawal_reason": "Fictional"}


@pytest.mark.parametrize("case", ["withdrawal", "approval", "details", "addendum", "course"])
def test_a_row_naming_another_client_s_record_is_not_written(services: Any, tmp_path: Path,
                                                            case: str) -> None:
    r = _records(services, tmp_path)
    v = services.vault
    kind, payload = {
        "withdrawal": ("consent_withdrawal", _withdrawal(r)),
        "approval": ("approval", r["approval"]),
        "details": ("client", {"code": OTHER, "full_name": "Changed Byhand"}),
        "addendum": ("addendum", {"id": 1, "text": "Fictional", "created_at": NOW,
                                  "session_uuid": r["session_uuid"]}),
        "course": ("course", r["course"]),
    }[case]
    before = {t: v.query(f"SELECT * FROM {t}") for t in
              ("clients", "consent_records", "approvals", "addenda", "courses")}
    outcome = _apply(services, kind, MINE, payload)
    assert outcome.applied == 0 and len(outcome.waiting) == 1
    assert "another client" in outcome.waiting[0] and "Fictional" not in outcome.waiting[0]
    for table, rows in before.items():
        assert v.query(f"SELECT * FROM {table}") == rows, table


def test_a_row_naming_its_own_client_s_record_applies(services: Any, tmp_path: Path) -> None:
    r = _records(services, tmp_path)
    assert _apply(services, "consent_withdrawal", OTHER, _withdrawal(r)).applied == 1
    assert services.vault.query_one("SELECT withdrawn_on FROM consent_records WHERE id = ?",
                                    (r["consent"],)) == ("2026-11-10",)
