"""A register line pulled from the practice server names a dosing note only of the client it
is filed under (issue 20; docs/PRACTICE-SERVER.md "The Schedule 8 register"). The server
checks who may file a line under a client (its care team), not what the payload says inside:
a line pushed by hand as a practice stock line, or under one client, whose payload names
another client's note would otherwise stand in this vault as a dose given in that note
(shown with it, blocking its deletion) although its author is not on that client's care
team. The line itself stays in the register (every workstation keeps the same lines and
balance), tied to no note. Real vault in tmp_path, no server needed. All data is fictional."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.s8 import ESKETAMINE, choose_jurisdiction, dosing_session

from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_register import EntryDraft
from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage import sync_apply, sync_register
from kapnotes.storage.sync_values import uuid_of

WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
VICTIM = "KAP-7901"


def _forged(services: Any, tmp_path: Path, kind: str, filed_under: str) -> tuple[int, dict]:
    """The victim's dosing note here, and a register line naming it as a dose."""
    choose_jurisdiction(tmp_path)
    note = dosing_session(services, VICTIM)
    register = services.s8.open_register(ESKETAMINE)
    receipt = services.s8.add(register.id, EntryDraft(
        EntryKind.RECEIPT, WHEN, 10, "Fictional", supplier="Harbour Pharmacy", invoice="INV-1"))
    payload = sync_register.payload_of(services.vault, receipt.id)
    assert payload is not None
    payload.update(kind="administration", quantity=2, change=-2, balance=8, supplier="",
                   invoice="", dose_mg=56.0, client_code=VICTIM,
                   session_uuid=uuid_of(services.vault, "sessions", note))
    return note, {"kind": kind, "client_code": filed_under, "payload": payload}


@pytest.mark.parametrize(("kind", "filed_under", "code_kept"), [
    ("s8_stock", "@practice", ""),     # any register keeper's practice-wide line
    ("s8_entry", "KAP-7902", "KAP-7902"),  # a line of another client's care team
])
def test_a_pulled_line_names_no_note_of_another_client(
        services: Any, tmp_path: Path, kind: str, filed_under: str, code_kept: str) -> None:
    note, forged = _forged(services, tmp_path, kind, filed_under)
    row_uuid = str(uuid.uuid4())
    row = IncomingRow(901, "nurse_x", forged["kind"], forged["client_code"], row_uuid, 1,
                      forged["payload"])
    outcome = sync_apply.apply_incoming(services.vault, [row], "2026-11-20T09:00:00Z")
    assert outcome.applied == 1
    assert services.s8.administrations(note) == []  # the note shows no dose it was not given
    held = services.vault.query_one(
        "SELECT e.client_code, e.session_id FROM s8_entries e JOIN sync_ids i"
        " ON i.tbl = 's8_entries' AND i.local_id = e.id WHERE i.uuid = ?", (row_uuid,))
    assert held is not None and held[0] == code_kept and held[1] in (None, 0)


def test_a_pulled_dose_of_the_note_s_own_client_names_the_note(services: Any,
                                                                tmp_path: Path) -> None:
    note, forged = _forged(services, tmp_path, "s8_entry", VICTIM)
    row = IncomingRow(902, "nurse_x", "s8_entry", VICTIM, str(uuid.uuid4()), 1,
                      forged["payload"])
    assert sync_apply.apply_incoming(services.vault, [row], "2026-11-20T09:00:00Z").applied == 1
    [dose] = services.s8.administrations(note)
    assert (dose.client_code, dose.dose_mg) == (VICTIM, 56.0)


def test_a_practice_stock_line_filed_under_a_client_is_not_kept(services: Any,
                                                                tmp_path: Path) -> None:
    # The server lets a care team's member file kind s8_stock under the client (the policy
    # reads their care-team role); only `@practice` lines reach every register keeper, so
    # such a line would make this care team's balance differ from everyone else's.
    _note, forged = _forged(services, tmp_path, "s8_stock", "KAP-7901")
    payload = {**forged["payload"], "kind": "receipt", "session_uuid": None, "client_code": ""}
    row = IncomingRow(903, "nurse_x", "s8_stock", "KAP-7901", str(uuid.uuid4()), 1, payload)
    before = services.vault.query("SELECT * FROM s8_entries")
    outcome = sync_apply.apply_incoming(services.vault, [row], "2026-11-20T09:00:00Z")
    assert outcome.applied == 0 and len(outcome.waiting) == 1
    assert services.vault.query("SELECT * FROM s8_entries") == before
