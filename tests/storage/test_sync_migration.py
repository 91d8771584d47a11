"""Schema step 020 on vaults written before it: every shared row gets its own UUID, a solo
vault stays solo, a vault that had already joined a practice server starts linked with all
its rows waiting for the first sync."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from helpers.basics import TEST_PASSPHRASE

from kapnotes.storage import keyfile, lifecycle, sync_state
from kapnotes.storage.schema import m024_sync_consents_screens as m024
from kapnotes.storage.schema.m020_sync import SHARED
from kapnotes.storage.vault import connect_keyed

STEP_10_VAULT = Path(__file__).parents[1] / "fixtures" / "schema10" / "step10.kapnotes"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _copy(template: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    for source in (template, template.with_name(template.name + ".keys")):
        target = dest.with_name(dest.name + source.name.removeprefix(template.name))
        target.write_bytes(source.read_bytes())
    return dest


def _raw(path: Path) -> Any:
    data_key = keyfile.read_key_file(keyfile.key_file_for(path)).unlock(
        passphrase=TEST_PASSPHRASE)
    return connect_keyed(path, data_key)


def _assert_every_row_has_a_uuid(vault: Any) -> int:
    total = 0
    for table in (*SHARED, *m024.TABLES, "s8_entries"):
        rows = int(vault.query_one(f"SELECT count(*) FROM {table}")[0])
        uuids = [r[0] for r in vault.query(
            f"SELECT i.uuid FROM {table} t JOIN sync_ids i ON i.tbl = ? AND i.local_id = t.id",
            (table,))]
        assert len(uuids) == rows, table
        assert all(UUID4.match(u) for u in uuids), table
        total += rows
    # A withdrawal is an entry of its own (step 024), kept in its consent's row.
    total += int(vault.query_one("SELECT count(*) FROM consent_records"
                                 " WHERE withdrawn_on IS NOT NULL")[0])
    every = [r[0] for r in vault.query("SELECT uuid FROM sync_ids")]
    assert len(set(every)) == len(every) == total
    return total


def test_step_20_gives_the_rows_of_a_step_10_vault_uuids_and_leaves_it_solo(
        tmp_path: Path) -> None:
    path = _copy(STEP_10_VAULT, tmp_path / "old.kapnotes")
    with lifecycle.unlock_vault(path, passphrase=TEST_PASSPHRASE) as vault:
        assert vault.user_version >= 20
        assert _assert_every_row_has_a_uuid(vault) > 0
        status = sync_state.status(vault)
        assert not status.linked and status.pending == 0


def _as_before_step_20(path: Path, *, joined: bool) -> None:
    """The vault as the release before step 20 left it (and, if `joined`, with a saved link
    to a practice server)."""
    conn = _raw(path)
    try:
        names = conn.execute("SELECT type, name FROM sqlite_master WHERE name LIKE 'sync\\_%'"
                             " ESCAPE '\\' AND type IN ('table', 'trigger')").fetchall()
        conn.execute("BEGIN")
        for kind, name in sorted(names, key=lambda n: n[0] == "table"):  # triggers first
            conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")
        conn.execute("DROP TRIGGER audit_dirty_on_insert")  # step 26's, on the audit log
        for name in ("s8_entry_seq", "audit_origin", "audit_dirty", "audit_shared",
                     "audit_remote"):
            conn.execute(f"DROP TABLE {name}")
        if joined:
            conn.execute("INSERT INTO settings (key, value) VALUES ('practice.link',"
                         " '{\"conninfo\": \"host=x\", \"login\": \"kim\", \"secret\": \"s\"}')")
        conn.execute("PRAGMA user_version = 19")
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_step_20_on_a_joined_demo_vault_links_it_and_queues_every_row(
        rich_demo_vault: Path, tmp_path: Path) -> None:
    path = _copy(rich_demo_vault, tmp_path / "demo.kapnotes")
    _as_before_step_20(path, joined=True)
    with lifecycle.unlock_vault(path, passphrase=TEST_PASSPHRASE) as vault:
        total = _assert_every_row_has_a_uuid(vault)
        assert total > 50  # a demo practice's worth of records
        status = sync_state.status(vault)
        assert status.linked and status.pending == total
        assert int(vault.query_one("SELECT count(*) FROM clients")[0]) > 1
