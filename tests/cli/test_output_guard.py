"""No export may destroy the vault: every user-named output path goes through one guard.

Each test runs the real `kapnotes` CLI against a real vault and then looks at the files on
disk: the vault and its key file are byte for byte as before and `kapnotes check` still passes.
The replace-with-`--force` test runs `python -m kapnotes` subprocesses; the refusals call the
console entry in this process (tests/helpers/console_entry.py).
"""

from __future__ import annotations

import hashlib
import io
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader
from signed_note import SignedVault

from kapnotes.storage.backups import backup_dir_for


@pytest.fixture
def run_cli(run_cli: object, run_entry: object, request: pytest.FixtureRequest) -> object:
    return run_cli if request.node.name == "test_an_existing_file_is_replaced_only_with_force" \
        else run_entry


def fingerprint(vault: Path) -> dict[str, str]:
    """Digests of the vault and its key file (what an export must never touch)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (vault, vault.with_name(vault.name + ".keys"))}


def assert_vault_intact(run_cli, vault: Path, pf: Path, before: dict[str, str]) -> None:
    assert fingerprint(vault) == before
    check = run_cli("check", "--vault", vault, "--passphrase-file", pf)
    assert check.returncode == 0, check.stderr


def pdf_args(signed: SignedVault, pf: Path, out: Path | str) -> list[object]:
    return ["pdf", "--vault", signed.path, "--passphrase-file", pf,
            "--session", signed.session_id, "--out", out]


@pytest.mark.parametrize("target", ["vault.kapnotes.keys", "vault.kapnotes",
                                    "vault.kapnotes-wal", "vault.kapnotes.lock"])
def test_pdf_onto_the_vault_or_its_files_is_refused(run_cli, one_error_line, signed,
                                                    passphrase_file, tmp_path, target) -> None:
    before = fingerprint(signed.path)
    for force in ([], ["--force"]):
        result = run_cli(*pdf_args(signed, passphrase_file, tmp_path / target), *force)
        line = one_error_line(result, 5)
        assert "vault" in line and "choose another file" in line
    assert_vault_intact(run_cli, signed.path, passphrase_file, before)


def test_a_symlink_to_the_key_file_is_refused(run_cli, one_error_line, signed,
                                              passphrase_file, tmp_path) -> None:
    before = fingerprint(signed.path)
    link = tmp_path / "elsewhere" / "note.pdf"
    link.parent.mkdir()
    link.symlink_to(signed.path.with_name(signed.path.name + ".keys"))
    result = run_cli(*pdf_args(signed, passphrase_file, link), "--force")
    one_error_line(result, 5)
    assert link.is_symlink()
    assert_vault_intact(run_cli, signed.path, passphrase_file, before)


def test_export_json_onto_the_vault_is_refused(run_cli, one_error_line, signed,
                                               passphrase_file) -> None:
    before = fingerprint(signed.path)
    for target in (signed.path, signed.path.with_name(signed.path.name + ".keys")):
        result = run_cli("export-json", "--vault", signed.path, "--passphrase-file",
                         passphrase_file, "--out", target, "--force")
        one_error_line(result, 5)
    assert_vault_intact(run_cli, signed.path, passphrase_file, before)


def test_nothing_is_written_into_the_backups_folder(run_cli, one_error_line, signed,
                                                    passphrase_file) -> None:
    folder = backup_dir_for(signed.path)
    folder.mkdir(exist_ok=True)
    before = sorted(p.name for p in folder.iterdir())
    for args in (pdf_args(signed, passphrase_file, folder / "note.pdf"),
                 ["export-json", "--vault", signed.path, "--passphrase-file", passphrase_file,
                  "--out", folder / "all.json"],
                 ["backup", "--vault", signed.path, "--passphrase-file", passphrase_file,
                  "--out", folder / "mine.kapnotes"]):
        assert "backups folder" in one_error_line(run_cli(*args), 5)
    assert sorted(p.name for p in folder.iterdir()) == before


def test_backup_onto_the_key_file_is_refused(run_cli, one_error_line, signed,
                                             passphrase_file) -> None:
    before = fingerprint(signed.path)
    result = run_cli("backup", "--vault", signed.path, "--passphrase-file", passphrase_file,
                     "--out", signed.path.with_name(signed.path.name + ".keys"), "--force")
    one_error_line(result, 5)
    assert_vault_intact(run_cli, signed.path, passphrase_file, before)


def test_an_existing_file_is_replaced_only_with_force(run_cli, one_error_line, signed,
                                                      passphrase_file, tmp_path) -> None:
    out = tmp_path / "note.pdf"
    out.write_bytes(b"someone else's document")
    result = run_cli(*pdf_args(signed, passphrase_file, out))
    assert "already exists" in one_error_line(result, 5)
    assert out.read_bytes() == b"someone else's document"
    result = run_cli(*pdf_args(signed, passphrase_file, out), "--force")
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) >= 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]

    json_out = tmp_path / "all.json"
    json_out.write_text("keep me", encoding="utf-8")
    args = ["export-json", "--vault", signed.path, "--passphrase-file", passphrase_file,
            "--out", json_out]
    one_error_line(run_cli(*args), 5)
    assert json_out.read_text(encoding="utf-8") == "keep me"
    assert run_cli(*args, "--force").returncode == 0
    assert json_out.read_text(encoding="utf-8").startswith("{")

    backup = tmp_path / "copy.kapnotes"
    args = ["backup", "--vault", signed.path, "--passphrase-file", passphrase_file,
            "--out", backup]
    assert run_cli(*args).returncode == 0
    one_error_line(run_cli(*args), 5)
    assert run_cli(*args, "--force").returncode == 0


def test_init_refuses_a_recovery_key_path_that_is_its_own_key_file(
        run_cli, one_error_line, tmp_path, passphrase_file) -> None:
    vault = tmp_path / "new.kapnotes"
    result = run_cli("init", "--vault", vault, "--passphrase-file", passphrase_file,
                     "--recovery-key-out", vault.with_name(vault.name + ".keys"))
    one_error_line(result, 5)
    assert not vault.exists()  # refused before anything was created

    existing = tmp_path / "recovery.txt"
    existing.write_text("old key\n", encoding="utf-8")
    result = run_cli("init", "--vault", vault, "--passphrase-file", passphrase_file,
                     "--recovery-key-out", existing)
    one_error_line(result, 5)
    assert existing.read_text(encoding="utf-8") == "old key\n" and not vault.exists()
