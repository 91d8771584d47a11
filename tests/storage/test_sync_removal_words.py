"""Who deleted what and why, from a void pulled from the practice server (issue 20;
docs/PRACTICE-SERVER.md "Deleting a shared record"): the reason is the deleting workstation's
text, and anything can push one by hand. `kapnotes sync` prints it, the status bar and the
audit log say it: it arrives as one line of text, control characters (a terminal's escape
sequences) removed. Real vault in tmp_path, no server needed. All data is fictional."""

from __future__ import annotations

from typing import Any

from kapnotes.domain.models import Client
from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage import audit, sync_apply
from kapnotes.storage.sync_values import uuid_of


def test_a_pulled_reason_loses_its_control_characters(services: Any) -> None:
    client = services.clients.create(Client(code="KAP-8201", full_name="Robin Placeholder"))
    vault = services.vault
    row_uuid = uuid_of(vault, "clients", client.id)
    with vault.transaction():  # on the server as version 1
        vault.execute("UPDATE sync_ids SET version = 1 WHERE uuid = ?", (row_uuid,))
    reason = "dup\x1b[2J\x1b]0;owned\x07licate\x00 record\u2028x"
    void = IncomingRow(7, "ther_x", "client", "KAP-8201", str(row_uuid), 2,
                       {"voided": True, "void_reason": reason})
    outcome = sync_apply.apply_incoming(vault, [void], "2026-11-20T09:00:00Z")
    [said] = outcome.removed
    assert said.startswith("Client KAP-8201 deleted on another workstation by ther_x: dup")
    assert said.isprintable() and "record" in said
    [entry] = [e for e in audit.entries(vault) if e.event == "practice.remove"]
    assert entry.detail == said
