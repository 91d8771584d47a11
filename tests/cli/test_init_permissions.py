"""`kapnotes init` makes the vault's folder, the vault, its key file and the recovery key file
owner-only whatever the umask, and never writes the recovery key into an existing file or
through a symbolic link (refused before any vault is created)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o000)  # the most permissive: anything not set explicitly shows
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_vault_folder_files_and_recovery_key_are_owner_only(
        run_cli, passphrase_file: Path, tmp_path: Path, loose_umask: None) -> None:
    vault = tmp_path / "practice" / "me" / "vault.kapnotes"
    key_out = tmp_path / "recovery.txt"
    result = run_cli("init", "--vault", vault, "--passphrase-file", passphrase_file,
                     "--recovery-key-out", key_out)
    assert result.returncode == 0, result.stderr
    assert mode(vault.parent) == 0o700
    assert mode(vault) == 0o600
    assert mode(vault.with_name(vault.name + ".keys")) == 0o600
    assert mode(key_out) == 0o600


def test_an_existing_world_readable_file_is_not_reused(run_cli, one_error_line,
                                                       passphrase_file: Path,
                                                       tmp_path: Path) -> None:
    vault = tmp_path / "v" / "vault.kapnotes"
    existing = tmp_path / "shared.txt"
    existing.write_text("notes\n")
    existing.chmod(0o644)
    result = run_cli("init", "--vault", vault, "--passphrase-file", passphrase_file,
                     "--recovery-key-out", existing)
    assert "already exists" in one_error_line(result, 5)
    assert existing.read_text() == "notes\n" and mode(existing) == 0o644
    assert not vault.exists()


def test_a_symlink_is_not_followed(run_cli, one_error_line, passphrase_file: Path,
                                   tmp_path: Path) -> None:
    vault = tmp_path / "v" / "vault.kapnotes"
    target = tmp_path / "elsewhere.txt"
    link = tmp_path / "recovery.txt"
    link.symlink_to(target)
    result = run_cli("init", "--vault", vault, "--passphrase-file", passphrase_file,
                     "--recovery-key-out", link)
    one_error_line(result, 5)
    assert not target.exists() and link.is_symlink()
    assert not vault.exists()
