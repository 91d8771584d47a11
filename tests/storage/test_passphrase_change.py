"""Changing the passphrase (and the recovery key) rewrites only the small key file, atomically:
after a crash at any moment exactly one of the old and new passphrases opens every row."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kapnotes.domain.errors import WrongPassphraseError
from kapnotes.storage import audit, keyfile, lifecycle

NEW = "harbour kite 19 evenings"
ROWS = 25


def _fill(path: Path, passphrase: str) -> None:
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault, vault.transaction():
        for i in range(ROWS):
            vault.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (f"k{i}", str(i)))


def _rows_with(path: Path, passphrase: str) -> int | None:
    """Rows seen with this passphrase, or None when it does not open the vault."""
    try:
        vault = lifecycle.unlock_vault(path, passphrase=passphrase)
    except WrongPassphraseError:
        return None
    with vault:
        return int(vault.query_one("SELECT count(*) FROM settings")[0])


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def test_change_passphrase_swaps_which_one_opens(tmp_path: Path, passphrase: str) -> None:
    path = tmp_path / "vault.kapnotes"
    created = lifecycle.create_vault(path, passphrase)
    with created.vault as vault, vault.transaction():
        vault.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')")
        lifecycle.change_passphrase(path, old=passphrase, new=NEW, vault=vault)
        assert audit.entries(vault)[-1].event == "vault.passphrase_change"

    assert _rows_with(path, passphrase) is None
    assert _rows_with(path, NEW) == 1
    # The recovery slot still wraps the same data key.
    with lifecycle.unlock_vault(path, recovery_key=created.recovery_key) as vault:
        assert vault.query_one("SELECT value FROM settings WHERE key = 'k'")[0] == "v"


def test_wrong_old_passphrase_leaves_the_key_file_alone(new_vault: Path) -> None:
    keys = keyfile.key_file_for(new_vault)
    before = keys.read_bytes()
    with pytest.raises(WrongPassphraseError):
        lifecycle.change_passphrase(new_vault, old="a wrong guess here", new=NEW)
    assert keys.read_bytes() == before


def test_failed_rename_keeps_the_old_passphrase_and_no_temp_file(
    new_vault: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(new_vault, passphrase)
    keys = keyfile.key_file_for(new_vault)
    before = keys.read_bytes()

    def crash(src: object, dst: object) -> None:
        raise OSError(5, "simulated crash at the rename")

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", crash)
        with pytest.raises(OSError, match="simulated crash"):
            lifecycle.change_passphrase(new_vault, old=passphrase, new=NEW)

    assert keys.read_bytes() == before
    assert _temp_files(new_vault.parent) == []
    assert _rows_with(new_vault, passphrase) == ROWS
    assert _rows_with(new_vault, NEW) is None


def test_failed_write_before_the_rename_keeps_the_old_passphrase(
    new_vault: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = keyfile.key_file_for(new_vault)
    before = keys.read_bytes()

    def disk_gone(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(os, "fsync", disk_gone)
        with pytest.raises(OSError, match="No space left"):
            lifecycle.change_passphrase(new_vault, old=passphrase, new=NEW)

    assert keys.read_bytes() == before
    assert _temp_files(new_vault.parent) == []
    assert _rows_with(new_vault, NEW) is None


REKEY_LOOP = """
import sys
from pathlib import Path
from kapnotes.storage import lifecycle
path, a, b = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
print("ready", flush=True)
while True:
    lifecycle.change_passphrase(path, old=a, new=b)
    a, b = b, a
"""


@pytest.mark.parametrize("kill_after_s", [0.05, 0.4, 0.9])
def test_killed_mid_rekey_exactly_one_passphrase_opens_every_row(
    new_vault: Path, passphrase: str, kill_after_s: float
) -> None:
    """A process changing the passphrase over and over is killed at an arbitrary moment."""
    _fill(new_vault, passphrase)
    proc = subprocess.Popen(
        [sys.executable, "-c", REKEY_LOOP, str(new_vault), passphrase, NEW],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(kill_after_s)  # where the kill lands varies; the assertions do not
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    seen = [_rows_with(new_vault, p) for p in (passphrase, NEW)]
    assert sorted(seen, key=lambda rows: rows is None) == [ROWS, None], seen


def test_recovery_key_resets_a_forgotten_passphrase(tmp_path: Path, passphrase: str) -> None:
    path = tmp_path / "vault.kapnotes"
    created = lifecycle.create_vault(path, passphrase)
    created.vault.close()
    typed = created.recovery_key.lower().replace("-", " ")  # as read off paper

    lifecycle.reset_passphrase_with_recovery(path, recovery_key=typed, new=NEW)

    assert _rows_with(path, passphrase) is None
    assert _rows_with(path, NEW) == 0
    with pytest.raises(WrongPassphraseError, match="recovery key"):
        lifecycle.reset_passphrase_with_recovery(
            path, recovery_key="ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789", new=passphrase
        )

    fresh = lifecycle.new_recovery_key(path, passphrase=NEW)
    assert fresh != created.recovery_key
    with pytest.raises(WrongPassphraseError):
        lifecycle.unlock_vault(path, recovery_key=created.recovery_key)
    lifecycle.unlock_vault(path, recovery_key=fresh).close()
