"""Damaged or foreign files are refused with a specific message, silently, untouched: on open
when the header or schema cannot be read, and otherwise as soon as a damaged page is read
(opening does not read the whole file; `check_vault` and backups do)."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kapnotes.domain.errors import VaultDamagedError, VaultError
from kapnotes.storage import backups, keyfile, lifecycle
from kapnotes.storage.sniff import PAGE_SIZE

PASSPHRASE = "amber meadow 7 drifting"


ROWS = 900


@pytest.fixture(scope="module")
def sound_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One closed vault with pages of rows, copied by each case below. The rows outweigh the
    schema (about 80 pages of empty tables, triggers and indexes), so the middle and last
    pages are row data whatever later schema steps add, not the schema table itself."""
    path = tmp_path_factory.mktemp("sound") / "vault.kapnotes"
    created = lifecycle.create_vault(path, PASSPHRASE)
    with created.vault as vault, vault.transaction():
        for i in range(ROWS):
            vault.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)", (f"pref-{i}", "v" * 400)
            )
    return path


def _copy(sound: Path, dest: Path, *, with_keys: bool = True) -> Path:
    shutil.copyfile(sound, dest)
    if with_keys:
        shutil.copyfile(keyfile.key_file_for(sound), keyfile.key_file_for(dest))
    return dest


def _flip(path: Path, page: int) -> None:
    raw = bytearray(path.read_bytes())
    start = page * PAGE_SIZE + 300
    raw[start : start + 24] = bytes(b ^ 0x5A for b in raw[start : start + 24])
    path.write_bytes(bytes(raw))


def _flip_first_page(path: Path) -> None:
    _flip(path, 0)


def _flip_middle_page(path: Path) -> None:
    _flip(path, path.stat().st_size // PAGE_SIZE // 2)


def _flip_last_page(path: Path) -> None:
    _flip(path, path.stat().st_size // PAGE_SIZE - 1)


def _truncate_mid_page(path: Path) -> None:
    with path.open("rb+") as fh:
        fh.truncate(path.stat().st_size - 1000)


def _truncate_whole_pages(path: Path) -> None:
    with path.open("rb+") as fh:
        fh.truncate(path.stat().st_size // PAGE_SIZE // 2 * PAGE_SIZE)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "first page flipped": (_flip_first_page, "cannot be decrypted"),
    "truncated mid-page": (_truncate_mid_page, "is truncated"),
    "truncated to half its pages": (_truncate_whole_pages, "cannot be decrypted"),
    "zero length": (_empty, "is empty (0 bytes)"),
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", list(DAMAGE))
def test_damaged_copy_is_refused_with_a_specific_message(
    case: str, sound_vault: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    damage, expected = DAMAGE[case]
    copy = _copy(sound_vault, tmp_path / "copy.kapnotes")
    damage(copy)
    before = _sha(copy)

    with pytest.raises(VaultDamagedError, match=re.escape(expected)) as refused:
        lifecycle.unlock_vault(copy, passphrase=PASSPHRASE)

    assert "copy.kapnotes" in str(refused.value)
    assert _sha(copy) == before
    assert capfd.readouterr().err == ""  # SQLCipher logs nothing


def test_foreign_plain_sqlite_file_is_named_as_such(tmp_path: Path) -> None:
    foreign = tmp_path / "practice-list.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.execute("INSERT INTO people VALUES ('Robin Example')")
    conn.commit()
    conn.close()
    with pytest.raises(VaultError, match="plain, unencrypted SQLite database"):
        lifecycle.unlock_vault(foreign, passphrase=PASSPHRASE)


def test_pdf_given_as_vault_is_named_as_such(tmp_path: Path) -> None:
    pdf = tmp_path / "session-summary.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    with pytest.raises(VaultError, match="is a PDF document"):
        lifecycle.unlock_vault(pdf, passphrase=PASSPHRASE)


def test_missing_key_file_is_named(sound_vault: Path, tmp_path: Path) -> None:
    copy = _copy(sound_vault, tmp_path / "lonely.kapnotes", with_keys=False)
    with pytest.raises(VaultError, match=re.escape("key file lonely.kapnotes.keys is missing")):
        lifecycle.unlock_vault(copy, passphrase=PASSPHRASE)


def test_sound_copy_opens_and_passes_the_full_check(sound_vault: Path, tmp_path: Path) -> None:
    """The control for the cases above: the undamaged copy is fine."""
    copy = _copy(sound_vault, tmp_path / "copy.kapnotes")
    assert lifecycle.check_vault(copy, passphrase=PASSPHRASE) == []
    with lifecycle.unlock_vault(copy, passphrase=PASSPHRASE) as vault:
        assert vault.query_one("SELECT count(*) FROM settings")[0] == ROWS


@pytest.mark.parametrize("damage", [_flip_middle_page, _flip_last_page])
def test_full_check_reports_a_damaged_page_anywhere(damage: Callable[[Path], None],
                                                    sound_vault: Path, tmp_path: Path) -> None:
    """Wherever the page lies, `check` finds it: a schema page already stops the open."""
    copy = _copy(sound_vault, tmp_path / "copy.kapnotes")
    damage(copy)
    try:
        problems = lifecycle.check_vault(copy, passphrase=PASSPHRASE)
    except VaultDamagedError as refused:
        problems = [refused.message]
    assert problems != []


def test_a_damaged_page_is_refused_when_read_and_never_backed_up(sound_vault: Path,
                                                                 tmp_path: Path) -> None:
    copy = _copy(sound_vault, tmp_path / "copy.kapnotes")
    _flip_last_page(copy)  # the settings rows written last
    before = _sha(copy)
    with lifecycle.unlock_vault(copy, passphrase=PASSPHRASE) as vault:
        with pytest.raises(VaultDamagedError, match="a page it needed failed its check"):
            vault.query("SELECT key, value FROM settings")
        with pytest.raises(VaultDamagedError, match="no backup was written"):
            backups.take_backup(vault, tag="manual")
        with pytest.raises(VaultDamagedError, match="no backup was written"):
            backups.write_backup(vault, tmp_path / "elsewhere" / "copy-backup.kapnotes")
    assert backups.list_backups(copy) == []
    assert not (tmp_path / "elsewhere" / "copy-backup.kapnotes").exists()
    assert _sha(copy) == before
