"""A row another login pushed by hand, with values no KAP Notes would send, must not stop
every other workstation's sync for good (a "poison" row): it waits, named by kind and UUID,
and what comes after it still arrives. Real vaults, one real server; fictional data."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from kapnotes.domain.sync_ops import OutgoingOp
from kapnotes.practice import sync_wire
from kapnotes.services import practice_link
from tests.practice.workstations import Workstation, open_workstation

CLIENT = "KAP-2001"



def _push_by_hand(ws: Workstation, kind: str, payload: dict[str, object]) -> str:
    link = practice_link.linked(ws.vault)
    assert link is not None
    row = str(uuid.uuid4())
    conn = sync_wire.open_connection(link.dsn())
    try:
        result = sync_wire.push(conn, OutgoingOp(str(uuid.uuid4()), kind, CLIENT, row, None,
                                                 payload))
    finally:
        conn.close()
    assert result.outcome == "applied"
    return row


@pytest.mark.parametrize("reading", [
    {"systolic": 2**70, "diastolic": 80},                      # no SQLite integer holds it
    {"systolic": 120, "diastolic": 80, "taken_at": {"a": 1}},   # not a plain value
])
def test_a_row_no_vault_can_store_waits_and_later_rows_still_arrive(
        server: str, tmp_path: Path, reading: dict[str, object]) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    therapist.new_client_with_course(CLIENT)
    dose = therapist.dosing_session(CLIENT)
    therapist.sync()
    nurse.sync()
    session_uuid = therapist.vault.query_one(
        "SELECT uuid FROM sync_ids WHERE tbl = 'sessions' AND local_id = ?", (dose,))[0]
    bad = _push_by_hand(nurse, "vitals", {"session_uuid": session_uuid, "role": "extra",
                                          "taken_at": "2026-11-20T09:40:00", **reading})
    therapist.integration_note(CLIENT, "Fictional: written after the odd reading.")
    therapist.sync()
    nurse_after = open_workstation(tmp_path, server, "nurse2", "nurse", CLIENT)

    report = nurse_after.sync()

    assert report.error == "", report.error
    assert len(nurse_after.sessions(CLIENT)) == 2  # the later note arrived
    assert nurse_after.status().waiting == 1
    waiting = nurse_after.vault.query("SELECT message FROM sync_inbox")
    assert bad in waiting[0][0] and "2026-11-20" not in waiting[0][0]
