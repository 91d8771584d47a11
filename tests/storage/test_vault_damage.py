"""Damaged or foreign files are refused with a specific message, silently, untouched: on open
when the header or schema cannot be read, and otherwise as soon as a damaged page is read
(opening does not read the whole file; `check_vault` and backups do).

Pages are chosen by what they hold, not by their number: a schema step that adds tables or
triggers moves every page, so `page_map` flips each page of the sound vault once (in a scratch
copy) and records what that breaks. SQLCipher encrypts every page and this build has neither the
`dbstat` nor the `sqlite_dbpage` table, so what a flip breaks is the one way to see a page's
content from outside."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kapnotes.domain.errors import VaultDamagedError, VaultError
from kapnotes.storage import backups, keyfile, lifecycle
from kapnotes.storage.sniff import PAGE_SIZE

PASSPHRASE = "amber meadow 7 drifting"


ROWS = 300


@pytest.fixture(scope="module")
def sound_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One closed vault with many pages of settings rows, copied by each case below."""
    path = tmp_path_factory.mktemp("sound") / "vault.kapnotes"
    created = lifecycle.create_vault(path, PASSPHRASE)
    with created.vault as vault, vault.transaction():
        for i in range(ROWS):
            vault.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)", (f"pref-{i}", "v" * 400)
            )
    return path


@dataclass(frozen=True)
class PageMap:
    """Page numbers (0-based, as in the file) by what a flip of that page breaks."""

    schema: tuple[int, ...]  # the open is refused: the header or the schema lives there
    settings_rows: tuple[int, ...]  # opens, but reading the settings table is refused
    elsewhere: tuple[int, ...]  # opens and the settings read: other tables, indexes, free


def _flipped(raw: bytes, page: int) -> bytes:
    damaged = bytearray(raw)
    start = page * PAGE_SIZE + 300
    damaged[start : start + 24] = bytes(b ^ 0x5A for b in damaged[start : start + 24])
    return bytes(damaged)


def _what_a_flip_breaks(scratch: Path) -> str:
    try:
        with lifecycle.unlock_vault(scratch, passphrase=PASSPHRASE, take_lock=False,
                                    run_migrations=False) as vault:
            try:
                vault.query("SELECT key, value FROM settings")
            except VaultDamagedError:
                return "settings_rows"
            return "elsewhere"
    except VaultDamagedError:
        return "schema"


@pytest.fixture(scope="module")
def page_map(sound_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> PageMap:
    sound = sound_vault.read_bytes()
    scratch = _copy(sound_vault, tmp_path_factory.mktemp("probe") / "probe.kapnotes")
    found: dict[str, list[int]] = {"schema": [], "settings_rows": [], "elsewhere": []}
    for page in range(len(sound) // PAGE_SIZE):
        scratch.write_bytes(_flipped(sound, page))
        found[_what_a_flip_breaks(scratch)].append(page)
    pages = PageMap(**{kind: tuple(numbers) for kind, numbers in found.items()})
    # What the cases below need, whatever the layout: the header page holds the schema's
    # root, the schema spans more pages than that, and the rows fill many pages.
    assert pages.schema[0] == 0, pages
    assert len(pages.schema) > 1 and len(pages.settings_rows) > 2 and pages.elsewhere, pages
    return pages


def _copy(sound: Path, dest: Path, *, with_keys: bool = True) -> Path:
    shutil.copyfile(sound, dest)
    if with_keys:
        shutil.copyfile(keyfile.key_file_for(sound), keyfile.key_file_for(dest))
    return dest


def _flip(path: Path, page: int) -> None:
    path.write_bytes(_flipped(path.read_bytes(), page))


def _middle(pages: tuple[int, ...]) -> int:
    return pages[len(pages) // 2]


def _truncate_mid_page(path: Path, pages: PageMap) -> None:
    with path.open("rb+") as fh:
        fh.truncate(path.stat().st_size - 1000)


def _truncate_before_last_schema_page(path: Path, pages: PageMap) -> None:
    """Whole pages lost (the size alone cannot tell), the schema's last page among them."""
    with path.open("rb+") as fh:
        fh.truncate(pages.schema[-1] * PAGE_SIZE)


def _empty(path: Path, pages: PageMap) -> None:
    path.write_bytes(b"")


DAMAGE: dict[str, tuple[Callable[[Path, PageMap], None], str]] = {
    "first page flipped": (lambda path, pages: _flip(path, 0), "cannot be decrypted"),
    "a later schema page flipped": (lambda path, pages: _flip(path, _middle(pages.schema[1:])),
                                    "cannot be decrypted"),
    "truncated mid-page": (_truncate_mid_page, "is truncated"),
    "truncated to whole pages before the schema ends": (_truncate_before_last_schema_page,
                                                        "cannot be decrypted"),
    "zero length": (_empty, "is empty (0 bytes)"),
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", list(DAMAGE))
def test_damaged_copy_is_refused_with_a_specific_message(
    case: str, sound_vault: Path, page_map: PageMap, tmp_path: Path,
    capfd: pytest.CaptureFixture[str]
) -> None:
    damage, expected = DAMAGE[case]
    copy = _copy(sound_vault, tmp_path / "copy.kapnotes")
    damage(copy, page_map)
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


PAGES_THAT_OPEN: dict[str, Callable[[PageMap], int]] = {
    "a middle page of rows": lambda pages: _middle(pages.settings_rows),
    "the last page of rows": lambda pages: pages.settings_rows[-1],
    "a page of another table or index": lambda pages: _middle(pages.elsewhere),
}


@pytest.mark.parametrize("where", list(PAGES_THAT_OPEN))
def test_full_check_reports_a_damaged_page_the_open_does_not_read(
        where: str, sound_vault: Path, page_map: PageMap, tmp_path: Path) -> None:
    """The vault still opens (the schema is sound), and `check` finds the damaged page."""
    copy = _copy(sound_vault, tmp_path / "copy.kapnotes")
    _flip(copy, PAGES_THAT_OPEN[where](page_map))
    assert lifecycle.check_vault(copy, passphrase=PASSPHRASE) != []


def test_a_damaged_page_is_refused_when_read_and_never_backed_up(
        sound_vault: Path, page_map: PageMap, tmp_path: Path) -> None:
    copy = _copy(sound_vault, tmp_path / "copy.kapnotes")
    _flip(copy, page_map.settings_rows[-1])
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
