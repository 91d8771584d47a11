"""Driver (SQLCipher) errors stop at the storage boundary: callers see only KAP Notes errors.

Real vaults in tmp_path: a real trigger and a real UNIQUE constraint refusing a change, and a
really closed connection. Nothing above `kapnotes/storage` names the driver's exceptions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from kapnotes.domain.errors import (
    ConflictError,
    KapNotesError,
    VaultError,
    VaultUnavailableError,
)
from kapnotes.storage.vault import Vault

REPO = Path(__file__).resolve().parents[2]


def _not_a_driver_error(exc: BaseException) -> None:
    assert isinstance(exc, KapNotesError)
    assert not isinstance(exc, sqlcipher.Error)


def test_a_trigger_refusal_is_a_conflict_in_its_own_words(open_vault: Vault) -> None:
    with pytest.raises(ConflictError, match="append-only") as caught:
        open_vault.execute("DELETE FROM audit_log")
    _not_a_driver_error(caught.value)
    assert "Nothing was changed" in caught.value.message


def test_a_constraint_violation_is_a_conflict(open_vault: Vault) -> None:
    open_vault.execute("INSERT INTO settings (key, value) VALUES ('probe', '1')")
    with pytest.raises(ConflictError) as caught:
        open_vault.execute("INSERT INTO settings (key, value) VALUES ('probe', '2')")
    _not_a_driver_error(caught.value)
    assert "Nothing was changed" in caught.value.message


def test_a_failed_transaction_rolls_back_and_raises_a_project_error(open_vault: Vault) -> None:
    with pytest.raises(ConflictError), open_vault.transaction():
        open_vault.execute("INSERT INTO settings (key, value) VALUES ('kept', '1')")
        open_vault.execute("INSERT INTO settings (key, value) VALUES ('kept', '2')")
    assert open_vault.query_one("SELECT value FROM settings WHERE key = 'kept'") is None


@pytest.mark.parametrize("call", ["query", "query_one", "execute", "transaction"])
def test_a_closed_connection_is_a_vault_error(open_vault: Vault, call: str) -> None:
    open_vault.conn.close()
    with pytest.raises(VaultUnavailableError) as caught:
        if call == "transaction":
            with open_vault.transaction():
                pass
        else:
            getattr(open_vault, call)("SELECT 1")
    _not_a_driver_error(caught.value)
    assert isinstance(caught.value, VaultError)
    assert "closed or unavailable" in caught.value.message


def test_a_statement_the_driver_rejects_is_a_vault_error(open_vault: Vault) -> None:
    with pytest.raises(VaultUnavailableError) as caught:
        open_vault.query("SELECT * FROM no_such_table")
    _not_a_driver_error(caught.value)


def test_nothing_above_storage_names_the_driver_or_its_errors() -> None:
    """The UI, services, CLI and export catch project errors only (issue 17)."""
    driver = re.compile(r"sqlcipher3|sqlite3|storage\.vault import[^\n]*\b(Error|IntegrityError)\b")
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "kapnotes").rglob("*.py"))
        if "storage" not in path.relative_to(REPO / "kapnotes").parts[:1]
        and driver.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("fetch", ["fetchone", "fetchall", "iterate"])
def test_rows_fetched_after_execute_are_translated_too(open_vault: Vault, fetch: str) -> None:
    cursor = open_vault.execute("SELECT id FROM audit_log")
    open_vault.conn.close()
    with pytest.raises(VaultUnavailableError) as caught:
        if fetch == "iterate":
            list(cursor)
        else:
            getattr(cursor, fetch)()
    _not_a_driver_error(caught.value)


def test_the_cursor_still_says_what_a_write_did(open_vault: Vault) -> None:
    cursor = open_vault.execute("INSERT INTO settings (key, value) VALUES ('probe', '1')")
    assert cursor.rowcount == 1 and cursor.lastrowid
    assert [tuple(r) for r in open_vault.execute(
        "SELECT value FROM settings WHERE key = 'probe'")] == [("1",)]
