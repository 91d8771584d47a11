"""`kapnotes check` finds a signed note or the audit log changed behind the app's back.

Each test builds a real vault with a signed note and an addendum, then does what someone with
the passphrase and a SQLite tool could do (drop the triggers, change rows), and runs the real
CLI: `check` must exit 1 and name the problem. The untouched vault checks sound. The untouched
vault's check runs as a real subprocess; the rest call the console entry in this process
(tests/helpers/console_entry.py), the same `check` without an interpreter start each time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from signed_note import CODE, SignedVault

from kapnotes.domain.errors import ConflictError
from kapnotes.services.container import build_services
from kapnotes.storage import audit, keyfile, lifecycle
from kapnotes.storage.backups import take_backup
from kapnotes.storage.vault import connect_keyed

LOCKS = ("sessions_signature_locked", "sessions_signed_no_delete",
         "session_fields_locked_update", "session_fields_locked_insert",
         "session_fields_locked_delete", "addenda_no_delete", "addenda_append_only",
         "note_seals_no_delete", "audit_log_no_update", "audit_log_no_delete",
         "vitals_readings_locked_insert")


@pytest.fixture
def run_cli(run_cli: object, run_entry: object, request: pytest.FixtureRequest) -> object:
    return run_cli if request.node.name == "test_an_untouched_vault_checks_sound" else run_entry


def tamper(vault: Path, passphrase: str, *statements: tuple[str, tuple[Any, ...]]) -> None:
    """Open the vault with its key as any SQLCipher tool can, drop the locks, run the SQL."""
    data_key = keyfile.read_key_file(keyfile.key_file_for(vault)).unlock(passphrase=passphrase)
    conn = connect_keyed(vault, data_key)
    try:
        for name in LOCKS:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        for sql, params in statements:
            conn.execute(sql, params)
    finally:
        conn.close()


def check(run_cli, vault: Path, pf: Path) -> Any:
    return run_cli("check", "--vault", vault, "--passphrase-file", pf)


def test_an_untouched_vault_checks_sound(run_cli, signed, passphrase_file) -> None:
    result = check(run_cli, signed.path, passphrase_file)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


TAMPERS: dict[str, Callable[[SignedVault], list[tuple[str, tuple[Any, ...]]]]] = {
    "signature cleared": lambda s: [
        ("UPDATE sessions SET signed_at = NULL WHERE id = ?", (s.session_id,))],
    "field changed": lambda s: [
        ("UPDATE session_fields SET value = '\"Never depressed.\"' WHERE session_id = ?"
         " AND field_id = 'reasons'", (s.session_id,))],
    "unsigned, changed and signed again": lambda s: [
        ("UPDATE sessions SET signed_at = NULL WHERE id = ?", (s.session_id,)),
        ("UPDATE session_fields SET value = '\"Never depressed.\"' WHERE session_id = ?"
         " AND field_id = 'reasons'", (s.session_id,)),
        ("UPDATE sessions SET signed_at = ? WHERE id = ?", ("(set below)", s.session_id)),
    ],
    "signer changed": lambda s: [
        ("UPDATE sessions SET signed_by = 'Dr Someone Else' WHERE id = ?", (s.session_id,))],
    "signing time changed": lambda s: [
        ("UPDATE sessions SET signed_at = '2026-10-01T08:00:00Z' WHERE id = ?",
         (s.session_id,))],
    "fields deleted": lambda s: [
        ("DELETE FROM session_fields WHERE session_id = ?", (s.session_id,))],
    "field added": lambda s: [
        ("INSERT INTO session_fields (session_id, field_id, value, updated_at)"
         " VALUES (?, 'risk', '\"none\"', '2026-11-02T10:00:00Z')", (s.session_id,))],
    "addendum deleted": lambda s: [
        ("DELETE FROM addenda WHERE id = ?", (s.addendum_id,))],
    "addendum reworded": lambda s: [
        ("UPDATE addenda SET text = 'Seen alone.' WHERE id = ?", (s.addendum_id,))],
    "addendum slipped in": lambda s: [
        ("INSERT INTO addenda (session_id, text, author, created_at)"
         " VALUES (?, 'Backdated.', 'Anyone', '2026-11-02T10:00:00Z')", (s.session_id,))],
    "whole signed session deleted": lambda s: [
        ("DELETE FROM sessions WHERE id = ?", (s.session_id,))],
    "session and its seals deleted": lambda s: [
        ("DELETE FROM sessions WHERE id = ?", (s.session_id,)),
        ("DELETE FROM note_seals WHERE session_id = ?", (s.session_id,))],
    "vitals reading slipped into the dosing record": lambda s: [
        ("INSERT INTO vitals_readings (session_id, taken_at, role, systolic, diastolic)"
         " VALUES (?, '2026-11-02T09:40:00', 'extra', 120, 80)", (s.session_id,))],
    "template version changed": lambda s: [
        ("UPDATE sessions SET template_version = 2 WHERE id = ?", (s.session_id,))],
}


@pytest.mark.parametrize("how", list(TAMPERS))
def test_a_tampered_signed_note_fails_check(run_cli, signed, passphrase_file, passphrase,
                                            how) -> None:
    statements = TAMPERS[how](signed)
    if how == "unsigned, changed and signed again":  # put back the very same signing time
        with lifecycle.unlock_vault(signed.path, passphrase=passphrase) as vault:
            at = vault.query_one("SELECT signed_at FROM sessions WHERE id = ?",
                                 (signed.session_id,))[0]
        statements[-1] = ("UPDATE sessions SET signed_at = ? WHERE id = ?",
                          (at, signed.session_id))
    tamper(signed.path, passphrase, *statements)
    result = check(run_cli, signed.path, passphrase_file)
    assert result.returncode == 1, (how, result.stdout, result.stderr)
    assert "NOT sound" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_database_refuses_a_signature_change(signed, passphrase) -> None:
    with lifecycle.unlock_vault(signed.path, passphrase=passphrase) as vault:
        for sql in ("UPDATE sessions SET signed_at = NULL WHERE id = ?",
                    "UPDATE sessions SET signed_by = 'x' WHERE id = ?",
                    "DELETE FROM sessions WHERE id = ?",
                    "DELETE FROM session_fields WHERE session_id = ?",
                    "DELETE FROM addenda WHERE session_id = ?"):
            with pytest.raises(ConflictError, match=r"locked|cannot"):
                vault.execute(sql, (signed.session_id,))


# -- the audit log -------------------------------------------------------------------------
def _plain_rehash(vault: Path, passphrase: str, *, only_last: bool) -> None:
    """Re-hash the chain with plain SHA-256, as the log was verified before it was keyed."""
    data_key = keyfile.read_key_file(keyfile.key_file_for(vault)).unlock(passphrase=passphrase)
    conn = connect_keyed(vault, data_key)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        rows = conn.execute("SELECT id, prev_hash, at_utc, os_user, workstation, clinician,"
                            " event, record_type, record_id, outcome, detail FROM audit_log"
                            " ORDER BY id").fetchall()
        prev = rows[-1][1] if only_last else audit.GENESIS
        for row in rows[-1:] if only_last else rows:
            fields = dict(zip(audit.HASHED_FIELDS, (str(v) for v in row[2:]), strict=True))
            if row is rows[-1]:
                fields["detail"] = "edited"
            digest = hashlib.sha256(
                (prev + json.dumps(fields, sort_keys=True, ensure_ascii=False)).encode()
            ).hexdigest()
            conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ?, detail = ? WHERE id = ?",
                         (prev, digest, fields["detail"], row[0]))
            prev = digest
    finally:
        conn.close()


@pytest.mark.parametrize("only_last", [True, False])
def test_an_edited_and_re_hashed_log_fails_check(run_cli, signed, passphrase_file, passphrase,
                                                 only_last) -> None:
    _plain_rehash(signed.path, passphrase, only_last=only_last)
    result = check(run_cli, signed.path, passphrase_file)
    assert result.returncode == 1, result.stdout
    assert "audit log" in result.stderr


def test_an_emptied_log_fails_check(run_cli, signed, passphrase_file, passphrase) -> None:
    tamper(signed.path, passphrase, ("DELETE FROM audit_log", ()))
    result = check(run_cli, signed.path, passphrase_file)
    assert result.returncode == 1, result.stdout
    assert "audit log" in result.stderr


def test_newest_entries_deleted_after_a_backup_fail_check(run_cli, signed, passphrase_file,
                                                          passphrase) -> None:
    with lifecycle.unlock_vault(signed.path, passphrase=passphrase) as vault:
        take_backup(vault, tag="manual")
        newest = audit.head(vault).last_id
    assert check(run_cli, signed.path, passphrase_file).returncode == 0
    tamper(signed.path, passphrase, ("DELETE FROM audit_log WHERE id > ?", (newest - 2,)))
    result = check(run_cli, signed.path, passphrase_file)
    assert result.returncode == 1, result.stdout
    assert "newest backup" in result.stderr


def test_a_client_deleted_in_the_app_still_checks_sound(run_cli, signed, passphrase_file,
                                                        passphrase) -> None:
    with lifecycle.unlock_vault(signed.path, passphrase=passphrase) as vault:
        svc = build_services(vault, practice_templates=signed.path.parent / "templates")
        client = svc.clients.by_code(CODE)
        svc.clients.delete(client.id, typed_code=CODE)
    result = check(run_cli, signed.path, passphrase_file)
    assert result.returncode == 0, result.stderr


def test_json_exports_and_backups_record_the_audit_head(run_cli, signed, passphrase_file,
                                                        passphrase, tmp_path) -> None:
    out = tmp_path / "all.json"
    result = run_cli("export-json", "--vault", signed.path, "--passphrase-file",
                     passphrase_file, "--out", out)
    assert result.returncode == 0, result.stderr
    with lifecycle.unlock_vault(signed.path, passphrase=passphrase) as vault:
        log = audit.entries(vault)
    # export.json is written after the file (then the command's unlock), so not in its head.
    assert [e.event for e in log[-2:]] == ["export.json", "vault.unlock"]
    assert json.loads(out.read_text(encoding="utf-8"))["audit_head"] == {
        "count": len(log) - 2, "head": log[-3].hash}
    result = run_cli("backup", "--vault", signed.path, "--passphrase-file", passphrase_file,
                     "--out", tmp_path / "copy.kapnotes")
    assert result.returncode == 0, result.stderr
    assert f"audit log in it: {len(log)} entries, head {log[-1].hash[:12]}" in result.stdout
    with lifecycle.unlock_vault(signed.path, passphrase=passphrase) as vault:
        entry = [e for e in audit.entries(vault) if e.event == "vault.backup"][-1]
    assert f"{len(log)} entries" in entry.detail and "copy.kapnotes" not in entry.detail


def test_a_restore_from_an_older_backup_still_checks_sound(run_cli, signed, passphrase_file,
                                                          passphrase) -> None:
    """The restored log leaves the newer backups' line on purpose; its `vault.restore` entry
    says where, so `check` does not call it tampering."""
    with lifecycle.unlock_vault(signed.path, passphrase=passphrase) as vault:
        older = take_backup(vault, tag="manual")
        audit.record(vault, "settings.change", record_type="vault")
    with lifecycle.unlock_vault(signed.path, passphrase=passphrase) as vault:
        take_backup(vault, tag="manual", now=datetime.now() + timedelta(minutes=1))
    lifecycle.restore_backup(older, signed.path, passphrase=passphrase,
                             now=datetime.now() + timedelta(minutes=2))
    result = check(run_cli, signed.path, passphrase_file)
    assert result.returncode == 0, result.stderr
