"""Migrations: blank → latest, from every older step, a failing step rolls back, and a vault is
copied (encrypted) before any migration touches it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kapnotes.domain.errors import ConflictError
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


@pytest.fixture(scope="module")
def future_schema(tmp_path_factory: pytest.TempPathFactory) -> frozenset[tuple[str, str]]:
    """The schema a blank vault reaches through every FUTURE step: the same for every start
    below, so migrated once for the module instead of once per start."""
    reference = _raw_vault(tmp_path_factory.mktemp("reference") / "reference.kapnotes")
    try:
        migrate(reference, migrations=FUTURE)
        return frozenset(_schema(reference))  # shared by the module: nobody may change it
    finally:
        reference.close()


@pytest.mark.parametrize("start", range(len(FUTURE)))
def test_every_older_step_reaches_the_same_schema_keeping_rows(
        tmp_path: Path, start: int, future_schema: frozenset[tuple[str, str]]) -> None:
    expected = future_schema
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


def _fill_v3(vault: Any) -> None:
    """A client with an active and a completed course, slots of every state, and a session."""
    with vault.transaction():
        _insert_client(vault.conn, "C-301")
        for status in ("active", "completed"):
            vault.execute(
                "INSERT INTO courses (client_id, protocol, start_date, status, created_at,"
                " updated_at) VALUES (1, 'custom', '2026-10-01', ?, ?, ?)", (status, NOW, NOW))
        vault.execute(
            "INSERT INTO sessions (course_id, kind, starts_at, template_id, template_version,"
            " created_at, updated_at) VALUES (1, 'dosing', '2026-10-08T10:00', 'dosing', 1, ?, ?)",
            (NOW, NOW))
        for course_id in (1, 2):
            for seq, (day, skipped, session_id) in enumerate((
                ("2026-10-08", 0, 1 if course_id == 1 else None),
                ("2026-10-15", 1, None),
                ("2026-12-01", 0, None),
            )):
                vault.execute(
                    "INSERT INTO planned_slots (course_id, seq, kind, planned_date, original_date,"
                    " skipped, session_id) VALUES (?, ?, 'dosing', ?, ?, ?, ?)",
                    (course_id, seq, day, day, skipped, session_id))


def _rows(vault: Any) -> dict[str, list[Any]]:
    return {table: vault.query(f"SELECT * FROM {table} ORDER BY 1")
            for table in ("clients", "courses", "sessions", "planned_slots")}


def test_m004_indexes_the_next_planned_slots_of_a_version_3_vault(
    vault_path: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        _use_future(patched, migrations.MIGRATIONS[:3])
        created = lifecycle.create_vault(vault_path, passphrase)
        with created.vault as old:
            assert old.user_version == 3
            _fill_v3(old)
            before = _rows(old)

    with lifecycle.unlock_vault(vault_path, passphrase=passphrase) as vault:
        assert vault.user_version == LATEST_VERSION
        # Later steps may add columns (appended, e.g. clients.other_names): the old ones and
        # every row are unchanged.
        after = _rows(vault)
        assert {t: [r[:len(before[t][0])] for r in rows] if before[t] else rows
                for t, rows in after.items()} == before
        indexes = {name: sql for name, sql in vault.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
        assert "WHERE status = 'active'" in indexes["courses_active"]
        assert "WHERE session_id IS NULL AND skipped = 0" in indexes["planned_slots_open"]
        # Only the open slots of the client's active courses are in them.
        assert vault.query("SELECT id FROM courses INDEXED BY courses_active"
                           " WHERE client_id = 1 AND status = 'active'") == [(1,)]
        assert vault.query(
            "SELECT course_id, planned_date FROM planned_slots INDEXED BY planned_slots_open"
            " WHERE course_id > 0 AND session_id IS NULL AND skipped = 0") == [
            (1, "2026-12-01"), (2, "2026-10-08"), (2, "2026-12-01")]
        assert vault.query("PRAGMA integrity_check") == [("ok",)]
    assert [b.tag for b in backups.list_backups(vault_path)] == ["before-migration-v3"]
    assert lifecycle.check_vault(vault_path, passphrase=passphrase) == []


def test_m005_lets_a_measure_say_before_or_after_the_dose_and_keeps_old_rows(
    vault_path: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        _use_future(patched, migrations.MIGRATIONS[:4])
        created = lifecycle.create_vault(vault_path, passphrase)
        with created.vault as old:
            assert old.user_version == 4
            old.execute("INSERT INTO clients (code, full_name, created_at, updated_at)"
                        " VALUES ('KAP-1', 'Fictional One', '2026-01-01', '2026-01-01')")
            old.execute(
                "INSERT INTO measures (client_id, scale_id, scale_version, taken_on, total,"
                " total_only, flags, unknown_flags, risk, entered_at) VALUES"
                " (1, 'phq9', 1, '2026-10-01', 12, 1, '[]', '[]', 0, '2026-10-01T09:00:00Z')")
    with lifecycle.unlock_vault(vault_path, passphrase=passphrase) as vault:
        assert vault.user_version >= 5
        assert vault.query("SELECT total, dose_timing FROM measures") == [(12, None)]
        vault.execute("UPDATE measures SET dose_timing = 'before_dose'")
        with pytest.raises(ConflictError) as refused:
            vault.execute("UPDATE measures SET dose_timing = 'during'")
        assert "CHECK" in str(refused.value.__cause__)  # the schema's own rule refused it


def test_m007_seals_signed_notes_of_an_older_vault_and_keys_its_audit_log(
    vault_path: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kapnotes.storage import audit, seal_check, seals

    with monkeypatch.context() as patched:
        _use_future(patched, migrations.MIGRATIONS[:6])
        created = lifecycle.create_vault(vault_path, passphrase)
        with created.vault as old:
            _fill_v3(old)
            with old.transaction():
                old.execute("INSERT INTO session_fields (session_id, field_id, value,"
                            " updated_at) VALUES (1, 'notes', '\"as written\"', ?)", (NOW,))
                old.execute("UPDATE sessions SET signed_at = ?, signed_by = 'Dr Old'"
                            " WHERE id = 1", (NOW,))
            audit.record(old, "session.sign", record_type="session", record_id=1)
            legacy = audit.entries(old)

    with lifecycle.unlock_vault(vault_path, passphrase=passphrase) as vault:
        assert vault.user_version == migrations.LATEST_VERSION
        # The old entries keep their plain links; the keyed chain starts after them.
        assert audit.entries(vault)[: len(legacy)] == legacy
        assert audit.entries(vault)[len(legacy)].event == audit.KEYED_EVENT
        assert seals.current_seal(vault, 1) is not None
        assert seal_check.problems(vault) == [] and audit.chain_problems(vault) == []
    assert lifecycle.check_vault(vault_path, passphrase=passphrase) == []


def test_m009_keeps_readings_of_signed_notes_and_widens_only_for_confirmed_extremes(
    vault_path: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        _use_future(patched, migrations.MIGRATIONS[:8])
        created = lifecycle.create_vault(vault_path, passphrase)
        with created.vault as old:
            _fill_v3(old)
            with old.transaction():
                old.execute("INSERT INTO vitals_readings (session_id, taken_at, role, systolic,"
                            " diastolic, heart_rate, spo2) VALUES (1, '2026-10-08T09:55:00',"
                            " 'pre_dose', 132, 84, 72, 98)")
                old.execute("UPDATE sessions SET signed_at = ?, signed_by = 'Dr Kim' WHERE id = 1",
                            (NOW,))
                old.execute("INSERT INTO sessions (course_id, kind, starts_at, template_id,"
                            " template_version, created_at, updated_at) VALUES (1, 'dosing',"
                            " '2026-10-15T10:00', 'dosing', 1, ?, ?)", (NOW, NOW))
            before = old.query("SELECT * FROM vitals_readings")

    with lifecycle.unlock_vault(vault_path, passphrase=passphrase) as vault:
        assert vault.user_version == LATEST_VERSION
        (row,) = vault.query("SELECT id, session_id, taken_at, role, systolic, diastolic,"
                             " heart_rate, spo2, confirmed_unusual, struck_at, change_reason"
                             " FROM vitals_readings")
        assert row == (*before[0], 0, None, "")
        with pytest.raises(ConflictError, match="locked"):  # signed: still locked
            vault.execute("UPDATE vitals_readings SET struck_at = 'x'")
        with pytest.raises(ConflictError) as unconfirmed:
            vault.execute("INSERT INTO vitals_readings (session_id, taken_at, role, systolic,"
                          " diastolic) VALUES (2, '2026-10-15T10:30:00', 'extra', 272, 140)")
        assert "CHECK" in str(unconfirmed.value.__cause__)
        with vault.transaction():
            vault.execute("INSERT INTO vitals_readings (session_id, taken_at, role, systolic,"
                          " diastolic, confirmed_unusual) VALUES (2, '2026-10-15T10:30:00',"
                          " 'extra', 272, 140, 1)")
        with pytest.raises(ConflictError) as impossible:
            vault.execute("INSERT INTO vitals_readings (session_id, taken_at, role, systolic,"
                          " diastolic, confirmed_unusual) VALUES (2, '2026-10-15T10:30:00',"
                          " 'extra', 400, 140, 1)")
        assert "CHECK" in str(impossible.value.__cause__)
        assert vault.query("PRAGMA integrity_check") == [("ok",)]


def test_m010_search_forgets_unticked_options_and_finds_monitoring_and_medicines(
    vault_path: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kapnotes.storage import search

    with monkeypatch.context() as patched:
        _use_future(patched, migrations.MIGRATIONS[:9])
        created = lifecycle.create_vault(vault_path, passphrase)
        with created.vault as old, old.transaction():
            assert old.user_version == 9
            old.execute(
                "INSERT INTO clients (code, full_name, medicines, created_at, updated_at)"
                " VALUES ('C-601', 'Sam Fictional', '[\"Lamotrigine 100 mg\",\"Melatonin\"]',"
                " ?, ?)", (NOW, NOW))
            old.execute("INSERT INTO courses (client_id, protocol, start_date, created_at,"
                        " updated_at) VALUES (1, 'custom', '2026-10-01', ?, ?)", (NOW, NOW))
            for kind in ("preparation", "dosing"):
                old.execute(
                    "INSERT INTO sessions (course_id, kind, starts_at, template_id,"
                    " template_version, created_at, updated_at)"
                    " VALUES (1, ?, '2026-10-08T10:00', ?, 1, ?, ?)", (kind, kind, NOW, NOW))
            # Indexed the old way: every option with its box.
            old.execute(
                "INSERT INTO session_fields (session_id, field_id, value, search_text,"
                " updated_at) VALUES (1, 'consent', '[\"risks\"]', ?, ?)",
                ("☑ Risks explained\n☐ Limits of confidentiality explained", NOW))
            old.execute("INSERT INTO monitoring_records (session_id, medication, dose_mg,"
                        " interventions, updated_at) VALUES (2, 'esketamine', 56,"
                        " 'Ondansetron 4 mg given', ?)", (NOW,))
            old.execute("INSERT INTO vitals_readings (session_id, taken_at, role, systolic,"
                        " diastolic) VALUES (2, '2026-10-08T10:40', 'forty_minutes', 168, 102)")
            assert search.search(old, "confidentiality") != []  # the defect, before m010

    with lifecycle.unlock_vault(vault_path, passphrase=passphrase) as vault:
        assert vault.user_version == LATEST_VERSION
        assert search.search(vault, "confidentiality") == []
        [hit] = search.search(vault, "risks explained")
        assert (hit.kind, hit.session_id, hit.ref) == ("field", 1, "consent")
        for words in ("ondansetron", "168/102", "esketamine 56 mg"):
            [hit] = search.search(vault, words)
            assert (hit.kind, hit.session_id, hit.ref) == ("monitoring", 2, "monitoring")
        [hit] = search.search(vault, "lamotrigine")
        assert (hit.kind, hit.session_id, hit.client_id) == ("medicines", None, 1)
        # Kept current from now on: a later change re-indexes the record.
        vault.execute("UPDATE monitoring_records SET interventions = 'Oxygen 2 L/min'")
        assert search.search(vault, "ondansetron") == []
        assert len(search.search(vault, "oxygen")) == 1
        vault.execute("DELETE FROM sessions WHERE id = 2")
        assert search.search(vault, "esketamine") == []
        assert vault.query("SELECT count(*) FROM search_index_map WHERE kind = 'monitoring'") \
            == [(0,)]
        assert vault.query("PRAGMA integrity_check") == [("ok",)]
