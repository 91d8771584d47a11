"""`kapnotes sync --vault V` on a vault path that is no vault file (real console entry): one
line that says what the path is, a non-zero exit, nothing created or changed. The same check
serves every vault command (kapnotes/storage/sniff.py)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

HANG_GUARD_S = 30


def test_a_fifo_as_the_vault_is_named_for_what_it_is(run_cli, one_error_line, tmp_path: Path,
                                                       passphrase_file: Path) -> None:
    fifo = tmp_path / "clinic.kapnotes"
    os.mkfifo(fifo)
    result = run_cli("sync", "--vault", fifo, "--passphrase-file", passphrase_file,
                     timeout=HANG_GUARD_S)
    line = one_error_line(result, 1)
    assert "not a regular file" in line and "restore" not in line
    assert result.stdout == ""


def test_a_link_to_itself_as_the_vault_is_named_and_nothing_is_created(
        run_cli, one_error_line, tmp_path: Path, passphrase_file: Path) -> None:
    loop = tmp_path / "loop.kapnotes"
    loop.symlink_to(loop.name)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run_cli("sync", "--vault", loop, "--passphrase-file", passphrase_file,
                     timeout=HANG_GUARD_S)
    line = one_error_line(result, 1)
    assert "symbolic link" in line and "kapnotes init" not in line
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_wrong_passphrase_is_one_line_and_the_vault_is_unchanged(
        run_cli, one_error_line, new_vault: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase of this fictional vault\n", encoding="utf-8")
    digest = hashlib.sha256(new_vault.read_bytes()).hexdigest()
    result = run_cli("sync", "--vault", new_vault, "--passphrase-file", wrong,
                     timeout=HANG_GUARD_S)
    assert "Wrong passphrase" in one_error_line(result, 3)
    assert hashlib.sha256(new_vault.read_bytes()).hexdigest() == digest
