"""A nearly full disk is not a damaged vault: opening says "disk full" and how much room is
needed, never offers to restore a backup (which cannot work there either), and `init` on a
full disk leaves nothing behind: no vault, no key file, no lock file.

Real 8 MB tmpfs mounts (root only, as in test_disk_faults.py) and the real CLI.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kapnotes.domain.errors import VaultDamagedError, VaultNoSpaceError
from kapnotes.domain.models import Client
from kapnotes.services.container import build_services
from kapnotes.storage import lifecycle
from tests.helpers.recording import RecordingPrompter
from tests.reliability.test_disk_faults import PASSPHRASE, _fill, small_disk

__all__ = ["small_disk"]  # the fixture, used by name


def _vault_with_a_client(path: Path) -> None:
    vault = lifecycle.create_vault(path, PASSPHRASE).vault
    services = build_services(vault, practice_templates=path.parent / "templates")
    services.clients.create(Client(code="KAP-801", full_name="Rowan Example",
                                   background="Calm week. " * 40_000))
    vault.close()


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()
            if p.is_file() and p.name.endswith((".kapnotes", ".keys"))}


def _cli(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KAPNOTES_DATA_DIR": str(home), "KAPNOTES_PASSPHRASE": PASSPHRASE}
    return subprocess.run([sys.executable, "-m", "kapnotes", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120, check=False,
                          stdin=subprocess.DEVNULL)


def test_opening_on_a_full_disk_says_so_with_the_room_needed(small_disk: Path) -> None:
    path = small_disk / "vault.kapnotes"
    _vault_with_a_client(path)
    before = _digests(small_disk)
    filler = _fill(small_disk)
    with pytest.raises(VaultNoSpaceError) as err:
        lifecycle.unlock_vault(path, passphrase=PASSPHRASE)
    assert not isinstance(err.value, VaultDamagedError)
    message = err.value.message
    assert "disk holding" in message and "is full" in message
    assert "needs about 8 MB free" in message and "KB is free" in message
    assert "not damaged" in message and "do not restore" in message
    assert _digests(small_disk) == before
    filler.unlink()
    with lifecycle.unlock_vault(path, passphrase=PASSPHRASE) as vault:
        assert vault.query_one("SELECT code FROM clients")[0] == "KAP-801"


def test_the_window_offers_no_restore_on_a_full_disk(small_disk: Path) -> None:
    from kapnotes.app import open_with_passphrase

    path = small_disk / "vault.kapnotes"
    _vault_with_a_client(path)
    _fill(small_disk)
    prompter = RecordingPrompter(confirm=True)
    with pytest.raises(VaultNoSpaceError):
        open_with_passphrase(path, PASSPHRASE, prompter)
    assert "confirm" not in prompter.kinds()  # no "Restore backup?" question at all


def test_cli_on_a_full_disk_is_one_line_not_damaged(small_disk: Path) -> None:
    path = small_disk / "vault.kapnotes"
    _vault_with_a_client(path)
    _fill(small_disk)
    result = _cli("list", "--vault", path, home=small_disk)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is full" in lines[0] and "needs about" in lines[0]
    assert "damaged, or" not in lines[0]


def test_init_on_a_full_disk_leaves_no_lock_file(small_disk: Path) -> None:
    _fill(small_disk)
    result = _cli("init", "--vault", small_disk / "new.kapnotes", home=small_disk)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is full" in lines[0] and "Nothing was created" in lines[0]
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler.bin"]


def test_a_restore_question_never_defaults_to_restoring(qtbot) -> None:
    from kapnotes.ui.prompter import question_box

    box, yes = question_box(None, "Vault damaged", "Restore?", yes="Restore backup",
                            no="Quit", destructive=True)
    qtbot.addWidget(box)
    assert box.defaultButton() is not yes and box.defaultButton().text() == "Quit"
    assert box.escapeButton().text() == "Quit"


def test_the_damaged_vault_question_defaults_to_quit(tmp_path: Path) -> None:
    from kapnotes.storage.backups import take_backup
    from kapnotes.ui.restore_flow import restore_newest_good

    path = tmp_path / "vault.kapnotes"
    vault = lifecycle.create_vault(path, PASSPHRASE).vault
    take_backup(vault, tag="manual")
    vault.close()
    prompter = RecordingPrompter(confirm=False)
    assert restore_newest_good(path, PASSPHRASE, prompter, "The vault is damaged.") is None
    assert prompter.destructive == [True]
