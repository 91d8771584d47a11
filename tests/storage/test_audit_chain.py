"""The audit log is append-only in the database and hash-chained, so a change made behind the
app's back (triggers dropped with the key in hand) is found."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from kapnotes.domain.errors import ConflictError
from kapnotes.storage import audit, lifecycle


def _add_entries(path: Path, passphrase: str) -> list[audit.AuditEntry]:
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        vault.actor.clinician = "Dr Fictional"
        audit.record(vault, "client.create", record_type="client", record_id=7)
        audit.record(vault, "session.update", record_type="session", record_id=12)
        audit.record(vault, "pdf.export", record_type="course", record_id=3, detail="summary")
        return audit.entries(vault)


def _first_broken(path: Path, passphrase: str) -> int | None:
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        return audit.first_broken_entry(vault)


def test_entries_form_a_chain(new_vault: Path, passphrase: str) -> None:
    found = _add_entries(new_vault, passphrase)
    assert [e.event for e in found] == [
        "audit.keyed", "vault.create", "client.create", "session.update", "pdf.export",
    ]
    assert found[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in pairwise(found))
    assert found[2].clinician == "Dr Fictional"
    assert found[2].record_id == "7"
    assert _first_broken(new_vault, passphrase) is None
    assert lifecycle.check_vault(new_vault, passphrase=passphrase) == []


def test_triggers_refuse_update_and_delete(new_vault: Path, passphrase: str) -> None:
    found = _add_entries(new_vault, passphrase)
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        with pytest.raises(ConflictError, match="append-only"):
            vault.execute("UPDATE audit_log SET detail = 'edited' WHERE id = ?", (found[2].id,))
        with pytest.raises(ConflictError, match="append-only"):
            vault.execute("DELETE FROM audit_log WHERE id = ?", (found[2].id,))
        assert audit.entries(vault) == found


def test_an_altered_entry_is_found(
    new_vault: Path, passphrase: str, raw_connect
) -> None:
    found = _add_entries(new_vault, passphrase)
    target = found[2]
    conn = raw_connect(new_vault, passphrase)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET os_user = 'someone-else' WHERE id = ?", (target.id,))
    conn.close()

    assert _first_broken(new_vault, passphrase) == target.id
    problems = lifecycle.check_vault(new_vault, passphrase=passphrase)
    assert problems == [f"audit log entry {target.id} has been altered, inserted or removed"]


def test_an_altered_entry_re_hashed_without_the_key_is_found(
    new_vault: Path, passphrase: str, raw_connect
) -> None:
    found = _add_entries(new_vault, passphrase)
    target = found[2]
    forged = audit.AuditEntry(**{**target.__dict__, "event": "client.view"})
    forged_hash = audit.entry_hash(target.prev_hash, audit.hashed_fields(forged))
    conn = raw_connect(new_vault, passphrase)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute(
        "UPDATE audit_log SET event = 'client.view', hash = ? WHERE id = ?",
        (forged_hash, target.id),
    )
    conn.close()

    # Plain SHA-256 (all an editor without the vault's integrity key can compute) no longer
    # matches the keyed link, so the forged entry itself is found, not only the next one.
    assert _first_broken(new_vault, passphrase) == target.id


def test_a_deleted_entry_is_found(new_vault: Path, passphrase: str, raw_connect) -> None:
    found = _add_entries(new_vault, passphrase)
    conn = raw_connect(new_vault, passphrase)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id = ?", (found[2].id,))
    conn.close()

    assert _first_broken(new_vault, passphrase) == found[3].id
