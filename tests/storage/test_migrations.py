"""Migrations: blank → latest, from every older step, a failing step rolls back, and a vault is
copied (encrypted) before any migration touches it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kapnotes.storage import backups, keyfile, lifecycle, migrations
from kapnotes.storage.migrations import LATEST_VERSION, Migration, migrate, pending
from kapnotes.storage.sniff import SQLITE_MAGIC
from kapnotes.storage.vault import connect_keyed, create_empty_vault_file

CORE_TABLES = {
    "settings", "template_snapshots", "clients", "courses", "sessions", "planned_slots",
    "session_fields", "addenda", "search_index", "audit_log",
}
NOW = "2025-03-04T09:00:00Z"


def _add_pronouns(conn: Any) -> None:
    conn.execute("ALTER TABLE clients ADD COLUMN pronouns TEXT NOT NULL DEFAULT ''")


def _add_rooms(conn: Any) -> None:
    conn.execute("CREATE TABLE rooms (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    conn.execute("INSERT INTO rooms (name) VALUES ('Quiet room')")


def _half_done_then_fails(conn: Any) -> None:
    conn.execute("CREATE TABLE half_done (x)")
    conn.execute("INSERT INTO half_done VALUES (1)")
    raise RuntimeError("simulated failure inside a migration")


FUTURE = (
    *migrations.MIGRATIONS,
    Migration(LATEST_VERSION + 1, "fake: client pronouns", _add_pronouns),
    Migration(LATEST_VERSION + 2, "fake: rooms", _add_rooms),
)


def _raw_vault(path: Path) -> Any:
    """A keyed, empty vault file and a raw connection to it (no key file, no KDF: fast)."""
    create_empty_vault_file(path, b"\x07" * 32)
    return connect_keyed(path, b"\x07" * 32)


def _schema(conn: Any) -> set[tuple[str, str]]:
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {(name, sql) for name, sql in rows}


def _insert_client(conn: Any, code: str) -> None:
    conn.execute(
        "INSERT INTO clients (code, full_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        (code, "Sam Fictional", NOW, NOW),
    )


def test_blank_vault_reaches_the_latest_schema(tmp_path: Path) -> None:
    conn = _raw_vault(tmp_path / "blank.kapnotes")
    try:
        assert pending(0) == list(migrations.MIGRATIONS)
        assert migrate(conn, stop_before=1) == 0
        assert _schema(conn) == set()

        assert migrate(conn) == LATEST_VERSION
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        names = {name for name, _ in _schema(conn)}
        assert names >= CORE_TABLES
        assert {"audit_log_no_update", "audit_log_no_delete"} <= names
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert pending(LATEST_VERSION) == []
        assert migrate(conn) == LATEST_VERSION  # running again is a no-op
    finally:
        conn.close()
    assert (tmp_path / "blank.kapnotes").read_bytes()[:16] != SQLITE_MAGIC


@pytest.mark.parametrize("start", range(len(FUTURE)))
def test_every_older_step_reaches_the_same_schema_keeping_rows(tmp_path: Path, start: int) -> None:
    reference = _raw_vault(tmp_path / "reference.kapnotes")
    migrate(reference, migrations=FUTURE)
    expected = _schema(reference)
    reference.close()

    conn = _raw_vault(tmp_path / "older.kapnotes")
    try:
        assert migrate(conn, stop_before=start + 1, migrations=FUTURE) == start
        if start >= 1:
            _insert_client(conn, "C-OLD")
        assert migrate(conn, migrations=FUTURE) == FUTURE[-1].version
        assert _schema(conn) == expected
        if start >= 1:
            row = conn.execute("SELECT full_name, pronouns FROM clients").fetchone()
            assert row == ("Sam Fictional", "")
        assert conn.execute("SELECT name FROM rooms").fetchall() == [("Quiet room",)]
    finally:
        conn.close()


def test_failing_step_rolls_back_to_its_predecessor(tmp_path: Path) -> None:
    steps = (
        *migrations.MIGRATIONS,
        Migration(LATEST_VERSION + 1, "fake: pronouns", _add_pronouns),
        Migration(LATEST_VERSION + 2, "fake: fails", _half_done_then_fails),
    )
    conn = _raw_vault(tmp_path / "v.kapnotes")
    try:
        with pytest.raises(RuntimeError, match="simulated failure"):
            migrate(conn, migrations=steps)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION + 1
        names = {name for name, _ in _schema(conn)}
        assert "half_done" not in names
        assert names >= CORE_TABLES
        columns = {r[1] for r in conn.execute("PRAGMA table_info(clients)").fetchall()}
        assert "pronouns" in columns  # the step before the failing one stays applied
        assert not conn.in_transaction
    finally:
        conn.close()


def _use_future(monkeypatch: pytest.MonkeyPatch, steps: tuple[Migration, ...]) -> None:
    # lifecycle imported LATEST_VERSION by name; migrate() reads migrations.MIGRATIONS when run.
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    monkeypatch.setattr(migrations, "LATEST_VERSION", steps[-1].version)
    monkeypatch.setattr(lifecycle, "LATEST_VERSION", steps[-1].version)


def test_unlock_copies_the_vault_before_migrating(
    new_vault: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        _insert_client(vault.conn, "C-101")
    _use_future(monkeypatch, FUTURE[: LATEST_VERSION + 1])

    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        assert vault.user_version == LATEST_VERSION + 1
        assert vault.query("SELECT code, pronouns FROM clients") == [("C-101", "")]

    found = backups.list_backups(new_vault)
    assert [b.tag for b in found] == [f"before-migration-v{LATEST_VERSION}"]
    copy = found[0].path
    assert copy.read_bytes()[:16] != SQLITE_MAGIC
    assert keyfile.key_file_for(copy).exists()
    with lifecycle.unlock_vault(copy, passphrase=passphrase, run_migrations=False) as old:
        assert old.user_version == LATEST_VERSION
        assert old.query("SELECT code FROM clients") == [("C-101",)]
        assert "pronouns" not in {r[1] for r in old.query("PRAGMA table_info(clients)")}


def test_failed_migration_on_unlock_leaves_the_vault_usable(
    new_vault: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = (
        *migrations.MIGRATIONS,
        Migration(LATEST_VERSION + 1, "fake: fails", _half_done_then_fails),
    )
    with monkeypatch.context() as patched:
        _use_future(patched, failing)
        with pytest.raises(RuntimeError, match="simulated failure"):
            lifecycle.unlock_vault(new_vault, passphrase=passphrase)
    assert [b.tag for b in backups.list_backups(new_vault)] == [
        f"before-migration-v{LATEST_VERSION}"
    ]

    # The lock was released and the vault is whole at its old version.
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        assert vault.user_version == LATEST_VERSION
        assert "half_done" not in {r[0] for r in vault.query("SELECT name FROM sqlite_master")}
    assert lifecycle.check_vault(new_vault, passphrase=passphrase) == []
