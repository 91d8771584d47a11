"""Unwrapping in steps (kapnotes/storage/unwrap.py `unwrap_in_steps`), as the window's unlock
runs it: the key file read first, PBKDF2 alone on a worker thread, the slot opened after. It
must answer exactly as `data_key_for` does: the same key, the same refusals, at the same step
(nothing is touched before the passphrase is known to be right)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kapnotes.domain.errors import VaultError, WrongPassphraseError
from kapnotes.startup import unlock_overlapped
from kapnotes.storage import keyfile, lifecycle, rekey
from kapnotes.storage.unwrap import data_key_for, unwrap_in_steps

NEW = "harbour kite 19 evenings"


def test_the_steps_give_the_key_data_key_for_gives(new_vault: Path, passphrase: str) -> None:
    derive, open_slot = unwrap_in_steps(new_vault, passphrase=passphrase)
    kek: list[bytes] = []
    worker = threading.Thread(target=lambda: kek.append(derive()))
    worker.start()
    worker.join()
    assert open_slot(kek[0]) == data_key_for(new_vault, passphrase=passphrase)


def test_a_wrong_passphrase_is_refused_when_the_slot_is_opened(new_vault: Path) -> None:
    derive, open_slot = unwrap_in_steps(new_vault, passphrase="not the passphrase")
    kek = derive()  # deriving cannot tell: only the slot's tag can
    with pytest.raises(WrongPassphraseError, match="Wrong passphrase"):
        open_slot(kek)


def test_an_unencodable_passphrase_is_a_wrong_one(new_vault: Path) -> None:
    derive, _ = unwrap_in_steps(new_vault, passphrase="broken \udcff paste")
    with pytest.raises(WrongPassphraseError, match="Wrong passphrase"):
        derive()


def test_a_missing_key_file_is_refused_before_any_thread_starts(new_vault: Path,
                                                                passphrase: str) -> None:
    keyfile.key_file_for(new_vault).unlink()
    with pytest.raises(VaultError, match="key file"):
        unwrap_in_steps(new_vault, passphrase=passphrase)


def test_the_window_unlock_opens_with_the_right_passphrase_only(new_vault: Path,
                                                                 passphrase: str) -> None:
    with pytest.raises(WrongPassphraseError):
        unlock_overlapped(new_vault, "not the passphrase", deep_check=False)
    with unlock_overlapped(new_vault, passphrase, deep_check=False) as vault:
        assert vault.data_key == data_key_for(new_vault, passphrase=passphrase)


def test_an_interrupted_rekey_is_repaired_by_the_steps_too(new_vault: Path,
                                                          passphrase: str) -> None:
    """A crash during a re-key, before its commit (the key file holds new and previous
    slots): the steps take the repair path, as `data_key_for` does; the old passphrase
    undoes the re-key and opens the vault with its records."""
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        with vault.transaction():
            vault.execute("INSERT INTO settings (key, value) VALUES ('kept', 'yes')")
        old = keyfile.read_key_file(keyfile.key_file_for(new_vault))
        new_key = keyfile.new_data_key()
        rekey._export_copy(vault, rekey.copy_path_for(new_vault), new_key)
    slots = {keyfile.SLOT_PASSPHRASE: keyfile.wrap(new_key, NEW, keyfile.SLOT_PASSPHRASE)}
    slots.update({rekey.PREVIOUS + n: s for n, s in old.slots.items()})
    keyfile.write_key_file(keyfile.key_file_for(new_vault), keyfile.KeyFile(slots=slots))
    with unlock_overlapped(new_vault, passphrase, deep_check=False) as vault:
        assert vault.query_one("SELECT value FROM settings WHERE key = 'kept'")[0] == "yes"
    assert not rekey.interrupted(keyfile.read_key_file(keyfile.key_file_for(new_vault)))
