"""A flipped bit in the write-ahead log after a crash must not silently drop committed work.

A separate process commits 20 client records and dies without closing (os._exit: nothing is
checkpointed, every commit lives only in the WAL). One bit of the WAL's first frame is then
flipped. SQLite would replay nothing after that frame and the vault would pass `check` with
0 of 20 records; now opening refuses, names the journal and the number of saved changes at
stake, and changes no file. An intact WAL after the same crash opens with all 20 (no false
alarm), and after a backup (which checkpoints) the same flip costs nothing.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kapnotes.domain.errors import VaultDamagedError
from kapnotes.storage import lifecycle
from kapnotes.storage.wal_check import inspect_wal

PASSPHRASE = "copper kettle 88 evenly"  # fictional
WRITER = """
import os, sys
from pathlib import Path
from kapnotes.domain.models import Client
from kapnotes.services.container import build_services
from kapnotes.storage import backups, lifecycle
path = Path(sys.argv[1])
vault = lifecycle.unlock_vault(path, passphrase=sys.argv[2])
services = build_services(vault, practice_templates=path.parent / "templates")
for i in range(20):
    services.clients.create(Client(code=f"KAP-{i + 1:03d}", full_name=f"Client {i + 1}"))
if sys.argv[3] == "backup":
    backups.write_backup(vault, path.parent / "copy.kapnotes")
print("committed", flush=True)
os._exit(0)  # a crash: no close, no checkpoint at close
"""


def _crash_after_20_commits(tmp_path: Path, then: str = "") -> Path:
    path = tmp_path / "vault.kapnotes"
    lifecycle.create_vault(path, PASSPHRASE).vault.close()
    done = subprocess.run([sys.executable, "-c", WRITER, str(path), PASSPHRASE, then],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.strip() == "committed", done.stderr
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    return path


def _flip_first_frame(path: Path) -> None:
    wal = path.with_name(path.name + "-wal")
    raw = bytearray(wal.read_bytes())
    raw[32 + 24 + 100] ^= 0x01  # one bit of the first frame's (encrypted) page
    wal.write_bytes(raw)


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.iterdir() if p.is_file() and not p.name.endswith(".lock")}


def _clients(path: Path) -> int:
    with lifecycle.unlock_vault(path, passphrase=PASSPHRASE) as vault:
        return int(vault.query_one("SELECT count(*) FROM clients")[0])


def test_a_flipped_bit_in_the_wal_is_refused_not_silently_dropped(tmp_path: Path) -> None:
    path = _crash_after_20_commits(tmp_path)
    _flip_first_frame(path)
    before = _digests(tmp_path)
    with pytest.raises(VaultDamagedError) as err:
        lifecycle.unlock_vault(path, passphrase=PASSPHRASE)
    assert "journal" in err.value.message and "20 saved changes" in err.value.message
    with pytest.raises(VaultDamagedError):
        lifecycle.check_vault(path, passphrase=PASSPHRASE)
    assert _digests(tmp_path) == before  # the WAL is kept for recovery, nothing replayed


def test_check_from_the_cli_no_longer_says_ok(tmp_path: Path) -> None:
    path = _crash_after_20_commits(tmp_path)
    _flip_first_frame(path)
    env = {**os.environ, "KAPNOTES_PASSPHRASE": PASSPHRASE, "KAPNOTES_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "kapnotes", "check", "--vault", str(path)],
                            capture_output=True, text=True, env=env, timeout=120, check=False,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 1 and "OK" not in result.stdout
    assert "journal" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_intact_wal_after_a_crash_opens_whole(tmp_path: Path) -> None:
    path = _crash_after_20_commits(tmp_path)
    report = inspect_wal(path.with_name(path.name + "-wal"))
    assert report is not None and report.valid == report.frames and not report.ends_early
    assert _clients(path) == 20


def test_after_a_backup_the_wal_is_checkpointed_and_a_flip_loses_nothing(
        tmp_path: Path) -> None:
    path = _crash_after_20_commits(tmp_path, then="backup")
    _flip_first_frame(path)
    assert _clients(path) == 20
