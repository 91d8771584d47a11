"""A vault that never joined a practice server keeps its register and audit log as before
(issue 20, schema step 026): nothing is queued for a server, no entry gets a place in a
practice order, the vault's own audit chain holds. All data is fictional."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers.s8 import ESKETAMINE, choose_jurisdiction

from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_register import EntryDraft
from kapnotes.storage import audit

WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_a_solo_vault_queues_nothing_and_its_chain_holds(services: Any, tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path)
    s8 = services.s8
    register = s8.open_register(ESKETAMINE)
    s8.add(register.id, EntryDraft(EntryKind.RECEIPT, WHEN, 10, "Fictional",
                                   supplier="Harbour Pharmacy", invoice="INV-1"))
    vault = services.vault
    for table in ("sync_dirty", "sync_outbox", "audit_dirty", "audit_shared", "audit_remote",
                  "s8_entry_seq"):
        assert vault.query_one(f"SELECT count(*) FROM {table}") == (0,), table
    # The entry has its UUID (ready for a join) and the register reads as it always did.
    assert vault.query_one("SELECT count(*) FROM sync_ids WHERE tbl = 's8_entries'") == (1,)
    assert [(e.change, e.balance) for e in s8.entries(register.id)] == [(10, 10)]
    assert audit.first_broken_entry(vault) is None
