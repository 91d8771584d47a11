"""`kapnotes` subcommands as a real process: exit codes, one-line errors, never a traceback."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest

from kapnotes import __version__
from kapnotes.domain.models import Client
from kapnotes.services.container import build_services
from kapnotes.storage import audit, keyfile, lifecycle
from kapnotes.storage.sniff import PAGE_SIZE
from kapnotes.storage.vault import connect_keyed

NEW = "harbour kite 19 evenings"


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.endswith((".lock", ".unlock-failures"))}


def _settings(path: Path, passphrase: str) -> list[str]:
    with lifecycle.unlock_vault(path, passphrase=passphrase, run_migrations=False) as vault:
        return [r[0] for r in vault.query("SELECT key FROM settings ORDER BY key")]


def _write_setting(path: Path, passphrase: str, key: str) -> None:
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        vault.execute("INSERT INTO settings (key, value) VALUES (?, 'x')", (key,))


def test_version(run_cli) -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"KAP Notes {__version__}"


def test_init_creates_the_default_vault_and_prints_the_recovery_key(
    run_cli, one_error_line, passphrase_file: Path, vault_path: Path
) -> None:
    result = run_cli("init", "--passphrase-file", passphrase_file)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    match = re.search(r"Recovery key: ((?:[A-Z2-9]{4}-){7}[A-Z2-9]{4})\n", result.stdout)
    assert match, result.stdout
    assert vault_path.exists()  # KAPNOTES_DATA_DIR is honoured
    with lifecycle.unlock_vault(vault_path, recovery_key=match.group(1)) as vault:
        assert [e.event for e in audit.entries(vault)] == ["audit.keyed", "vault.create"]

    again = run_cli("init", "--passphrase-file", passphrase_file)
    assert "already exists" in one_error_line(again, 1)


def test_init_refuses_a_short_passphrase(run_cli, one_error_line, tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("tiny\n")
    result = run_cli("init", "--passphrase-file", short)
    assert "at least 10 characters" in one_error_line(result, 5)
    assert not (tmp_path / "vault.kapnotes").exists()


def test_check_sound_vault(run_cli, new_vault: Path, passphrase_file: Path) -> None:
    result = run_cli("check", "--passphrase-file", passphrase_file)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
    assert result.stderr == ""


def test_check_with_the_passphrase_from_the_environment(
    run_cli, new_vault: Path, passphrase: str
) -> None:
    result = run_cli("check", "--vault", new_vault, env={"KAPNOTES_PASSPHRASE": passphrase})
    assert result.returncode == 0, result.stderr


def test_check_wrong_passphrase_exits_3_and_changes_nothing(
    run_cli, one_error_line, new_vault: Path, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("definitely not it\n")
    before = _digests(tmp_path)
    result = run_cli("check", "--passphrase-file", wrong)
    assert "Wrong passphrase" in one_error_line(result, 3)
    assert _digests(tmp_path) == before  # only the failure counter (a count, no text) is new
    assert (tmp_path / "vault.kapnotes.unlock-failures").exists()


def _flip_root_page(vault: Path, passphrase: str, table: str) -> None:
    """Damage the one page that holds a small table (its root page), nothing else."""
    with lifecycle.unlock_vault(vault, passphrase=passphrase) as opened:
        root = opened.query_one("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))[0]
    raw = bytearray(vault.read_bytes())
    start = (root - 1) * PAGE_SIZE + 128
    raw[start : start + 32] = bytes(32)
    vault.write_bytes(bytes(raw))


def test_check_damaged_vault_exits_1_naming_the_problems(
    run_cli, new_vault: Path, passphrase: str, passphrase_file: Path
) -> None:
    _flip_root_page(new_vault, passphrase, "settings")
    result = run_cli("check", "--passphrase-file", passphrase_file)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("kapnotes: problem: ")
    assert lines[-1] == f"kapnotes: error: {new_vault} is NOT sound ({len(lines) - 1} problem(s))."


def test_a_command_that_reads_a_damaged_page_is_refused_in_one_line(
    run_cli, one_error_line, new_vault: Path, passphrase: str, passphrase_file: Path
) -> None:
    """Opening no longer reads the whole file; SQLCipher's per-page HMAC still refuses a
    damaged page as soon as a command touches it, and nothing is written."""
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        build_services(vault).clients.create(Client(code="KAP-001", full_name="Robin Example"))
    _flip_root_page(new_vault, passphrase, "clients")
    before = _digests(new_vault.parent)
    result = run_cli("list", "--json", "--passphrase-file", passphrase_file)
    line = one_error_line(result, 1)
    assert "vault is damaged" in line and "Robin" not in result.stdout + result.stderr
    assert _digests(new_vault.parent) == before


def test_check_foreign_files_exit_1_naming_what_they_are(
    run_cli, one_error_line, tmp_path: Path, passphrase_file: Path
) -> None:
    plain = tmp_path / "contacts.db"
    conn = sqlite3.connect(plain)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")

    result = run_cli("check", "--vault", plain, "--passphrase-file", passphrase_file)
    assert "plain, unencrypted SQLite database" in one_error_line(result, 1)
    result = run_cli("check", "--vault", pdf, "--passphrase-file", passphrase_file)
    assert "is a PDF document" in one_error_line(result, 1)
    result = run_cli("check", "--vault", tmp_path / "absent.kapnotes",
                     "--passphrase-file", passphrase_file)
    assert "No vault at" in one_error_line(result, 1)


def test_missing_passphrase_file_and_no_terminal_are_one_line_errors(
    run_cli, one_error_line, new_vault: Path, tmp_path: Path
) -> None:
    result = run_cli("check", "--passphrase-file", tmp_path / "nowhere.txt")
    line = one_error_line(result, 5)  # a bad argument, named (docs: exit codes)
    assert "--passphrase-file: cannot be read" in line
    result = run_cli("check")  # stdin is not a terminal
    assert "run in a terminal" in one_error_line(result, 1)


def test_backup_then_restore_round_trip(
    run_cli, one_error_line, new_vault: Path, passphrase: str, passphrase_file: Path, tmp_path: Path
) -> None:
    _write_setting(new_vault, passphrase, "kept")
    out = tmp_path / "usb" / "friday.kapnotes"
    result = run_cli("backup", "--out", out, "--passphrase-file", passphrase_file)
    assert result.returncode == 0, result.stderr
    assert out.exists()
    _write_setting(new_vault, passphrase, "written-after-backup")

    result = run_cli("restore", out, "--passphrase-file", passphrase_file)
    assert result.returncode == 0, result.stderr
    assert _settings(new_vault, passphrase) == ["kept"]
    aside = Path(re.search(r"kept at (.+)\.\n", result.stdout).group(1))
    assert _settings(aside, passphrase) == ["kept", "written-after-backup"]

    again = run_cli("backup", "--out", out, "--passphrase-file", passphrase_file)
    assert "already exists" in one_error_line(again, 5)


def test_passwd_with_files(
    run_cli, one_error_line, new_vault: Path, passphrase: str, passphrase_file: Path,
    tmp_path: Path
) -> None:
    new_file = tmp_path / "new.txt"
    new_file.write_text(NEW + "\n")
    result = run_cli("passwd", "--passphrase-file", passphrase_file,
                     "--new-passphrase-file", new_file)
    assert result.returncode == 0, result.stderr
    assert "Passphrase changed." in result.stdout

    assert run_cli("check", "--passphrase-file", new_file).returncode == 0
    assert "Wrong passphrase" in one_error_line(
        run_cli("check", "--passphrase-file", passphrase_file), 3
    )
    with lifecycle.unlock_vault(new_vault, passphrase=NEW) as vault:
        assert audit.entries(vault)[-1].event == "vault.passphrase_change"
        assert audit.entries(vault)[-1].detail == "via passphrase"


def test_passwd_with_the_recovery_key(
    run_cli, passphrase_file: Path, tmp_path: Path
) -> None:
    recovery_file = tmp_path / "recovery.txt"
    result = run_cli("init", "--passphrase-file", passphrase_file,
                     "--recovery-key-out", recovery_file)
    assert result.returncode == 0, result.stderr
    assert "Recovery key:" not in result.stdout
    new_file = tmp_path / "new.txt"
    new_file.write_text(NEW + "\n")

    result = run_cli("passwd", "--recovery-key-file", recovery_file,
                     "--new-passphrase-file", new_file)
    assert result.returncode == 0, result.stderr
    assert run_cli("check", "--passphrase-file", new_file).returncode == 0
    assert run_cli("check", "--passphrase-file", passphrase_file).returncode == 3
    with lifecycle.unlock_vault(tmp_path / "vault.kapnotes", passphrase=NEW) as vault:
        assert audit.entries(vault)[-1].detail == "via recovery key"


def test_passwd_wrong_old_passphrase_exits_3_and_keeps_the_key_file(
    run_cli, one_error_line, new_vault: Path, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("definitely not it\n")
    new_file = tmp_path / "new.txt"
    new_file.write_text(NEW + "\n")
    before = _digests(tmp_path)
    result = run_cli("passwd", "--passphrase-file", wrong, "--new-passphrase-file", new_file)
    one_error_line(result, 3)
    assert _digests(tmp_path) == before


def test_second_process_is_refused_with_exit_4_without_writing(
    run_cli, one_error_line, new_vault: Path, passphrase: str, passphrase_file: Path,
    tmp_path: Path
) -> None:
    new_file = tmp_path / "new.txt"
    new_file.write_text(NEW + "\n")
    holder = lifecycle.unlock_vault(new_vault, passphrase=passphrase)
    try:
        before = _digests(tmp_path)
        for args in (
            ("check", "--passphrase-file", passphrase_file),
            ("backup", "--out", tmp_path / "b.kapnotes", "--passphrase-file", passphrase_file),
            ("passwd", "--passphrase-file", passphrase_file, "--new-passphrase-file", new_file),
        ):
            result = run_cli(*args)
            assert "already open" in one_error_line(result, 4), args
            assert _digests(tmp_path) == before, args
    finally:
        holder.close()
    assert _settings(new_vault, passphrase) == []  # the old passphrase still opens it


def test_passwd_rekey_revokes_a_copied_key_file(
    run_cli, new_vault: Path, passphrase: str, passphrase_file: Path, tmp_path: Path
) -> None:
    """A key file copied before (a backup's) opens the live vault with the old passphrase
    after a plain change; after `passwd --rekey` it no longer does."""
    copied = tmp_path / "copied.keys"
    copied.write_bytes(keyfile.key_file_for(new_vault).read_bytes())
    new_file = tmp_path / "new.txt"
    new_file.write_text("harbour kite 19 evenings\n", encoding="utf-8")
    key_out = tmp_path / "recovery.txt"
    result = run_cli("passwd", "--rekey", "--passphrase-file", passphrase_file,
                     "--new-passphrase-file", new_file, "--recovery-key-out", key_out)
    assert result.returncode == 0, result.stderr
    assert "re-keyed" in result.stdout
    old_key = keyfile.read_key_file(copied).unlock(passphrase=passphrase)
    conn = connect_keyed(new_vault, old_key)
    with pytest.raises(Exception, match=r"not a database|encrypted"):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()
    recovery = key_out.read_text(encoding="utf-8").strip()
    with lifecycle.unlock_vault(new_vault, recovery_key=recovery) as vault:
        assert audit.entries(vault)[-1].event == "vault.rekey"
    check = run_cli("check", "--passphrase-file", new_file)
    assert check.returncode == 0, check.stderr
