"""Backups: encrypted consistent copies, restore round trip, daily automatic backups and their
rotation (7 daily + 4 weekly)."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kapnotes.domain.errors import (
    ValidationError,
    VaultError,
    VaultLockedByOtherProcess,
    WrongPassphraseError,
)
from kapnotes.storage import backups, keyfile, lifecycle
from kapnotes.storage.backups import AUTO, BackupInfo, RetentionPolicy
from kapnotes.storage.sniff import PAGE_SIZE, SQLITE_MAGIC

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def _note(path: Path, passphrase: str, key: str) -> None:
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        vault.execute("INSERT INTO settings (key, value) VALUES (?, 'x')", (key,))


def _keys_in(path: Path, passphrase: str) -> list[str]:
    with lifecycle.unlock_vault(path, passphrase=passphrase, run_migrations=False) as vault:
        return [r[0] for r in vault.query("SELECT key FROM settings ORDER BY key")]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backup_then_restore_round_trip(new_vault: Path, passphrase: str, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere" / "monday.kapnotes"
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        vault.execute("INSERT INTO settings (key, value) VALUES ('before', 'x')")
        assert backups.write_backup(vault, out) == out.resolve()
        vault.execute("INSERT INTO settings (key, value) VALUES ('after', 'x')")

    assert out.read_bytes()[:16] != SQLITE_MAGIC
    assert keyfile.key_file_for(out).exists()

    aside = lifecycle.restore_backup(
        out, new_vault, passphrase=passphrase, now=datetime(2025, 3, 4, 10, 30)
    )

    assert _keys_in(new_vault, passphrase) == ["before"]
    assert aside is not None
    assert aside.parent == backups.backup_dir_for(new_vault)
    assert "20250304-103000-replaced" in aside.name
    assert _keys_in(aside, passphrase) == ["after", "before"]  # the replaced vault, kept whole
    assert lifecycle.check_vault(new_vault, passphrase=passphrase) == []


def test_backup_opens_on_its_own_with_the_same_passphrase_from_a_quoted_path(
    new_vault: Path, passphrase: str, tmp_path: Path
) -> None:
    out = tmp_path / "Dr O'Neill's backups" / "it's-tuesday.kapnotes"
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        vault.execute("INSERT INTO settings (key, value) VALUES ('quoted', 'x')")
        backups.write_backup(vault, out)
    assert out.read_bytes()[:16] != SQLITE_MAGIC
    assert _keys_in(out, passphrase) == ["quoted"]
    assert not [p for p in out.parent.iterdir() if ".partial-" in p.name]


@posix_only
def test_backup_files_and_restored_vault_are_owner_only(
    new_vault: Path, passphrase: str, tmp_path: Path
) -> None:
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        taken = backups.take_backup(vault, tag="manual", now=datetime(2025, 3, 4, 9, 0))
    assert _mode(taken) == 0o600
    assert _mode(keyfile.key_file_for(taken)) == 0o600
    assert _mode(taken.parent) == 0o700
    aside = lifecycle.restore_backup(taken, new_vault, passphrase=passphrase)
    assert aside is not None
    for path in (new_vault, keyfile.key_file_for(new_vault), aside, keyfile.key_file_for(aside)):
        assert _mode(path) == 0o600, path


def test_backup_cannot_overwrite_the_vault(new_vault: Path, passphrase: str) -> None:
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        with pytest.raises(ValidationError, match="is the vault"):
            backups.write_backup(vault, new_vault, replace=True)


def test_restore_refusals_change_nothing(
    new_vault: Path, passphrase: str, tmp_path: Path, digests
) -> None:
    out = tmp_path / "copies" / "copy.kapnotes"
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        backups.write_backup(vault, out)
    damaged = tmp_path / "copies" / "damaged.kapnotes"
    raw = bytearray(out.read_bytes())
    raw[2 * PAGE_SIZE + 64 : 2 * PAGE_SIZE + 96] = bytes(32)
    damaged.write_bytes(bytes(raw))
    keyfile.key_file_for(damaged).write_bytes(keyfile.key_file_for(out).read_bytes())
    before = digests(tmp_path)

    with pytest.raises(WrongPassphraseError):
        lifecycle.restore_backup(out, new_vault, passphrase="not the right one at all")
    with pytest.raises(VaultError, match=r"damaged\.kapnotes"):
        lifecycle.restore_backup(damaged, new_vault, passphrase=passphrase)
    holder = lifecycle.unlock_vault(new_vault, passphrase=passphrase)
    try:
        with pytest.raises(VaultLockedByOtherProcess):
            lifecycle.restore_backup(out, new_vault, passphrase=passphrase)
    finally:
        holder.close()

    after = digests(tmp_path)
    assert after == before
    assert not backups.backup_dir_for(new_vault).exists()  # nothing was moved aside


def test_restore_after_a_passphrase_change_uses_the_current_passphrase(
    new_vault: Path, passphrase: str, tmp_path: Path
) -> None:
    out = tmp_path / "old.kapnotes"
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        vault.execute("INSERT INTO settings (key, value) VALUES ('old', 'x')")
        backups.write_backup(vault, out)
    lifecycle.change_passphrase(new_vault, old=passphrase, new="river stone 88 evening")

    lifecycle.restore_backup(out, new_vault, passphrase="river stone 88 evening")
    assert _keys_in(new_vault, "river stone 88 evening") == ["old"]


def test_automatic_backup_at_most_once_a_day(new_vault: Path, passphrase: str) -> None:
    monday = datetime(2025, 3, 3, 8, 55)
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        first = backups.auto_backup_if_due(vault, now=monday)  # on open
        assert first is not None
        assert backups.auto_backup_if_due(vault, now=monday.replace(hour=18)) is None  # on close
        tuesday = backups.auto_backup_if_due(vault, now=monday + timedelta(days=1))
        assert tuesday is not None
    found = backups.list_backups(new_vault)
    assert [(b.tag, b.taken_at.date().isoformat()) for b in found] == [
        (AUTO, "2025-03-04"), (AUTO, "2025-03-03"),
    ]
    assert tuesday.read_bytes()[:16] != SQLITE_MAGIC
    assert _keys_in(tuesday, passphrase) == []


def test_a_month_of_daily_backups_keeps_seven_daily_and_four_weekly(
    new_vault: Path, passphrase: str
) -> None:
    start = datetime(2025, 3, 3, 9, 0)  # a Monday
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        manual = backups.take_backup(vault, tag="before-migration-v1", now=start)
        for day in range(30):  # 3 March … 1 April
            backups.auto_backup_if_due(vault, now=start + timedelta(days=day))

    kept = sorted(b.taken_at.strftime("%m-%d") for b in backups.list_backups(new_vault)
                  if b.tag == AUTO)
    # 7 newest days, plus the newest of ISO weeks 11 and 12 (weeks 13 and 14 are in the days).
    assert kept == ["03-16", "03-23", "03-26", "03-27", "03-28", "03-29", "03-30", "03-31",
                    "04-01"]
    assert manual.exists()
    folder = backups.backup_dir_for(new_vault)
    key_files = sorted(p.name.removesuffix(".keys") for p in folder.glob("*.keys"))
    assert key_files == sorted(p.name for p in folder.glob("*.kapnotes"))


def _info(folder: Path, when: datetime, tag: str = AUTO) -> BackupInfo:
    return BackupInfo(path=folder / f"vault-{when:%Y%m%d-%H%M%S}-{tag}.kapnotes",
                      taken_at=when, tag=tag)


def test_backups_to_keep_takes_the_newest_of_each_day_and_week(tmp_path: Path) -> None:
    infos = []
    day = datetime(2025, 1, 1)  # a Wednesday
    while day <= datetime(2025, 2, 9):  # a Sunday, ISO week 6
        infos += [_info(tmp_path, day.replace(hour=9)), _info(tmp_path, day.replace(hour=18))]
        day += timedelta(days=1)

    keep = backups.backups_to_keep(infos, RetentionPolicy(daily=7, weekly=4))

    evenings = {f"2025020{d}" for d in range(3, 10)} | {"20250202", "20250126", "20250119"}
    assert keep == {tmp_path / f"vault-{d}-180000-auto.kapnotes" for d in evenings}
    assert backups.backups_to_keep([], RetentionPolicy()) == set()


def test_rotate_deletes_only_automatic_backups_outside_the_policy(tmp_path: Path) -> None:
    vault_path = tmp_path / "vault.kapnotes"
    folder = backups.backup_dir_for(vault_path)
    folder.mkdir()
    made: list[BackupInfo] = []
    for days_ago in range(20):
        info = _info(folder, datetime(2025, 6, 30, 12) - timedelta(days=days_ago))
        made.append(info)
    made.append(_info(folder, datetime(2024, 1, 2, 12), tag="before-migration-v1"))
    made.append(_info(folder, datetime(2024, 1, 3, 12), tag="manual"))
    for info in made:
        info.path.write_bytes(b"\x00" * PAGE_SIZE)  # contents play no part in rotation
        info.key_path.write_text("{}")
    (folder / "unrelated-notes.txt").write_text("not a backup")

    removed = backups.rotate(vault_path, RetentionPolicy(daily=3, weekly=2))

    left = {b.taken_at.strftime("%m-%d") + "/" + b.tag for b in backups.list_backups(vault_path)}
    # 30 June 2025 is a Monday: days 28-30 June, weeks 27 (30 June) and 26 (newest: 29 June).
    assert left == {"06-30/auto", "06-29/auto", "06-28/auto",
                    "01-02/before-migration-v1", "01-03/manual"}
    assert len(removed) == 17
    assert all(not p.exists() and not keyfile.key_file_for(p).exists() for p in removed)
    assert (folder / "unrelated-notes.txt").exists()
