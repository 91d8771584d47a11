"""Audit entries pulled from other workstations are text a colleague's workstation (or a
clinician pushing by hand) wrote (issue 20; docs/PRACTICE-SERVER.md "Audit entries"). An entry
with control characters in a field (which `kapnotes check` would print to the terminal
as they are) is not kept: it waits, named by kind and UUID, for a person. An entry whose
workstation name holds markup is listed and named in the chain check as plain text. Real
vault in tmp_path, real widgets offscreen; no server needed. All data is fictional."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage import sync_apply
from kapnotes.storage.audit import GENESIS
from kapnotes.storage.sync_audit import FIELDS, link_hash
from kapnotes.ui.dialogs.practice_audit import PracticeAuditDialog

CLIENT = "KAP-8101"
NOW = "2026-11-20T09:00:00Z"


def _entry(workstation: str, *, n: int = 1) -> IncomingRow:
    fields = {f: "" for f in FIELDS}
    fields.update(at_utc=NOW, workstation=workstation, clinician="Dr Kim Sample",
                  event="client.update", record_type="client")
    linked = {**fields, "origin": str(uuid.uuid4()), "client_code": CLIENT, "n": n}
    payload = {**linked, "prev": GENESIS, "hash": link_hash(GENESIS, linked)}
    payload.pop("client_code")
    return IncomingRow(40 + n, "ther_x", "audit", CLIENT, str(uuid.uuid4()), 1, payload)


@pytest.mark.parametrize("name", ["Room 2\x1b[2J\x1b]0;owned\x07", "Room 2\nOK", "Room\x00 2"])
def test_an_entry_with_control_characters_is_not_kept(services: Any, name: str) -> None:
    outcome = sync_apply.apply_incoming(services.vault, [_entry(name)], NOW)
    assert services.vault.query("SELECT count(*) FROM audit_remote") == [(0,)]
    [waiting] = outcome.waiting
    assert waiting.startswith("audit ") and name not in waiting


def test_markup_in_a_workstation_name_is_shown_as_typed(qtbot: Any, services: Any) -> None:
    name = '<b style="font-size:40pt">Front desk</b>'
    forged = _entry(name)
    forged.payload["hash"] = "0" * 64  # so the chain check names the entry, and its workstation
    assert sync_apply.apply_incoming(services.vault, [forged], NOW).applied == 0
    assert services.vault.query("SELECT count(*) FROM audit_remote") == [(1,)]
    dialog = PracticeAuditDialog(services.vault)
    qtbot.addWidget(dialog)
    assert name in dialog.chain_label.text()
    assert dialog.chain_label.textFormat() == Qt.TextFormat.PlainText
