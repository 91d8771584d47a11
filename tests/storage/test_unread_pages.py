"""`check` no longer has SQLCipher read every page a second time: SQLite's integrity check
verifies the HMAC of each page it reads, and `storage/page_macs.py` verifies the pages it
does not read (the free list's leaves, pages past the database's end). Damage to any page
is still reported, by `check_vault` and by the check before a backup; where the file's layout
is not certain (frames in the write-ahead log) SQLCipher's `cipher_integrity_check` runs as
before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kapnotes.domain.errors import VaultDamagedError
from kapnotes.storage import backups, keyfile, lifecycle, page_macs
from kapnotes.storage.sniff import PAGE_SIZE
from kapnotes.storage.vault import connect_keyed

PASSPHRASE = "copper lantern 4 resting"


@pytest.fixture(scope="module")
def freed_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed vault whose deleted rows left free pages (a free list with leaves)."""
    path = tmp_path_factory.mktemp("freed") / "vault.kapnotes"
    created = lifecycle.create_vault(path, PASSPHRASE)
    with created.vault as vault:
        with vault.transaction():
            for i in range(400):
                vault.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                              (f"pref-{i}", "w" * 600))
        with vault.transaction():
            vault.execute("DELETE FROM settings WHERE key LIKE 'pref-%'")
    return path


def _key(path: Path) -> bytes:
    return keyfile.read_key_file(keyfile.key_file_for(path)).unlock(passphrase=PASSPHRASE)


def _copy(src: Path, dest: Path) -> Path:
    shutil.copyfile(src, dest)
    shutil.copyfile(keyfile.key_file_for(src), keyfile.key_file_for(dest))
    return dest


def _flip(path: Path, index: int) -> None:
    """Damage page `index` (0-based) in its encrypted body, as a bad sector would."""
    raw = bytearray(path.read_bytes())
    start = index * PAGE_SIZE + 300
    raw[start:start + 24] = bytes(b ^ 0x5A for b in raw[start:start + 24])
    path.write_bytes(bytes(raw))


def _sqlite_alone_misses(path: Path, key: bytes) -> bool:
    """True when SQLite's integrity_check, without SQLCipher's page check, calls it sound."""
    conn = connect_keyed(path, key)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    except Exception:
        return False
    finally:
        conn.close()


@pytest.fixture(scope="module")
def unread_pages(freed_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> list[int]:
    """Pages (1-based) whose damage SQLite's integrity_check alone does not see."""
    key = _key(freed_vault)
    sound = freed_vault.read_bytes()
    scratch = tmp_path_factory.mktemp("scratch") / "scratch.kapnotes"
    found = []
    for index in range(len(sound) // PAGE_SIZE):
        scratch.write_bytes(sound)
        _flip(scratch, index)
        if _sqlite_alone_misses(scratch, key):
            found.append(index + 1)
    return found


def test_the_python_page_check_agrees_with_sqlcipher_on_a_sound_file(freed_vault: Path) -> None:
    key = _key(freed_vault)
    conn = connect_keyed(freed_vault, key)
    try:
        assert int(conn.execute("PRAGMA freelist_count").fetchone()[0]) > 10
        assert page_macs.layout_is_known(conn, freed_vault)
        assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
    finally:
        conn.close()
    assert page_macs.unread_page_problems(freed_vault, key) == []


def test_free_pages_are_the_pages_sqlite_does_not_read(freed_vault: Path,
                                                       unread_pages: list[int]) -> None:
    """The control: there are such pages here, so the cases below are not vacuous."""
    conn = connect_keyed(freed_vault, _key(freed_vault))
    try:
        free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    finally:
        conn.close()
    assert len(unread_pages) >= free - 1 > 0  # every leaf (trunk pages SQLite reads)


def test_check_reports_damage_to_every_page_sqlite_does_not_read(
        freed_vault: Path, unread_pages: list[int], tmp_path: Path) -> None:
    for page in unread_pages:
        copy = _copy(freed_vault, tmp_path / f"copy-{page}.kapnotes")
        _flip(copy, page - 1)
        assert lifecycle.check_vault(copy, passphrase=PASSPHRASE) == [
            f"HMAC verification failed for page {page}"], page


def test_a_damaged_free_page_is_never_backed_up(freed_vault: Path, unread_pages: list[int],
                                                tmp_path: Path) -> None:
    copy = _copy(freed_vault, tmp_path / "copy.kapnotes")
    _flip(copy, unread_pages[len(unread_pages) // 2] - 1)
    with lifecycle.unlock_vault(copy, passphrase=PASSPHRASE) as vault:
        with pytest.raises(VaultDamagedError, match="no backup was written"):
            backups.take_backup(vault, tag="manual")
    assert backups.list_backups(copy) == []


def test_a_damaged_page_past_the_database_end_is_reported(freed_vault: Path,
                                                          tmp_path: Path) -> None:
    """A file longer than its database (a page SQLite never reads) still has every page's
    HMAC checked, as SQLCipher's own check did."""
    copy = _copy(freed_vault, tmp_path / "copy.kapnotes")
    raw = copy.read_bytes()
    last = len(raw) // PAGE_SIZE
    page = bytearray(raw[-PAGE_SIZE:])  # a copy of the last page, at the wrong number
    copy.write_bytes(raw + bytes(page))
    assert lifecycle.check_vault(copy, passphrase=PASSPHRASE) == [
        f"HMAC verification failed for page {last + 1}"]


def test_with_frames_in_the_log_sqlcipher_checks_every_page(freed_vault: Path,
                                                            unread_pages: list[int],
                                                            tmp_path: Path) -> None:
    """Frames in the WAL: the newest copy of some pages is not in the file, so the page
    check is SQLCipher's own, over every page (and a damaged free page is still found)."""
    copy = _copy(freed_vault, tmp_path / "copy.kapnotes")
    _flip(copy, unread_pages[0] - 1)
    with lifecycle.unlock_vault(copy, passphrase=PASSPHRASE) as vault:
        vault.execute("INSERT INTO settings (key, value) VALUES ('x', 'y')")
        assert not page_macs.layout_is_known(vault.conn, copy)
        with pytest.raises(VaultDamagedError, match="no backup was written"):
            backups.take_backup(vault, tag="manual")
