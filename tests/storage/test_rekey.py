"""Change passphrase *and* re-key: a key file copied before (every backup has one) no longer
opens the live vault with the old passphrase; old backups still restore; a crash at any step
leaves one consistent vault that the old or the new passphrase opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapnotes.domain.errors import VaultError, WrongPassphraseError
from kapnotes.storage import audit, keyfile, lifecycle, rekey
from kapnotes.storage.backups import take_backup
from kapnotes.storage.vault import connect_keyed

NEW = "harbour kite 19 evenings"


def opens_with(vault_path: Path, key_file: Path, passphrase: str) -> bool:
    """What an attacker holding a copied key file and an old passphrase can do."""
    try:
        key = keyfile.read_key_file(key_file).unlock(passphrase=passphrase)
    except WrongPassphraseError:
        return False
    conn = connect_keyed(vault_path, key)
    try:
        conn.execute("SELECT count(*) FROM settings").fetchone()
        return True
    except Exception:
        return False
    finally:
        conn.close()


@pytest.fixture
def vault_with_backup(vault_path: Path, passphrase: str) -> tuple[Path, Path, str]:
    created = lifecycle.create_vault(vault_path, passphrase)
    with created.vault as vault:
        with vault.transaction():
            vault.execute("INSERT INTO settings (key, value) VALUES ('kept', 'yes')")
        backup = take_backup(vault, tag="manual")
    return vault_path, backup, created.recovery_key


def test_plain_change_leaves_the_old_key_file_working(vault_with_backup, passphrase) -> None:
    """Why re-keying exists: the plain change only rewraps the same data key."""
    path, backup, _ = vault_with_backup
    lifecycle.change_passphrase(path, old=passphrase, new=NEW)
    assert opens_with(path, keyfile.key_file_for(backup), passphrase)


def test_rekey_revokes_old_key_files_and_keeps_backups_restorable(
        vault_with_backup, passphrase, tmp_path) -> None:
    path, backup, old_recovery = vault_with_backup
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        recovery = lifecycle.change_passphrase_and_rekey(vault, old=passphrase, new=NEW)
        # The open vault goes on working on the new key, and the change is in the log.
        with vault.transaction():
            vault.execute("INSERT INTO settings (key, value) VALUES ('after', 'yes')")
        assert audit.entries(vault)[-1].event == "vault.rekey"
    assert recovery != old_recovery
    assert not opens_with(path, keyfile.key_file_for(backup), passphrase)
    assert not opens_with(path, keyfile.key_file_for(path), passphrase)
    assert opens_with(path, keyfile.key_file_for(path), NEW)
    with pytest.raises(WrongPassphraseError):
        lifecycle.unlock_vault(path, recovery_key=old_recovery)
    with lifecycle.unlock_vault(path, recovery_key=recovery) as vault:
        assert vault.query_one("SELECT value FROM settings WHERE key = 'after'")[0] == "yes"
    assert lifecycle.check_vault(path, passphrase=NEW) == []
    assert sorted(p.name for p in path.parent.iterdir() if ".rekey" in p.name) == []
    # The backup keeps its own key file and old passphrase, and still restores.
    lifecycle.restore_backup(backup, path, passphrase=passphrase)
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        assert vault.query_one("SELECT value FROM settings WHERE key = 'kept'")[0] == "yes"


def test_a_wrong_old_passphrase_changes_nothing(vault_with_backup, passphrase) -> None:
    path, _, _ = vault_with_backup
    before = (path.read_bytes(), keyfile.key_file_for(path).read_bytes())
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        with pytest.raises(WrongPassphraseError):
            lifecycle.change_passphrase_and_rekey(vault, old="not the passphrase", new=NEW)
    assert keyfile.key_file_for(path).read_bytes() == before[1]
    assert opens_with(path, keyfile.key_file_for(path), passphrase)


def test_a_failure_before_the_commit_leaves_the_old_vault(vault_with_backup, passphrase,
                                                          monkeypatch) -> None:
    path, _, _ = vault_with_backup

    def no_rename(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        monkeypatch.setattr(rekey.os, "replace", no_rename)
        with pytest.raises(OSError):
            lifecycle.change_passphrase_and_rekey(vault, old=passphrase, new=NEW)
        monkeypatch.undo()
        assert vault.query_one("SELECT value FROM settings WHERE key = 'kept'")[0] == "yes"
    assert opens_with(path, keyfile.key_file_for(path), passphrase)
    assert not rekey.interrupted(keyfile.read_key_file(keyfile.key_file_for(path)))
    assert not rekey.copy_path_for(path).exists()


def _crash_before_commit(path: Path, passphrase: str) -> None:
    """The state a power cut leaves after step 2: copy written, key file holds both."""
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        old = keyfile.read_key_file(keyfile.key_file_for(path))
        new_key = keyfile.new_data_key()
        rekey._export_copy(vault, rekey.copy_path_for(path), new_key)
        slots = {keyfile.SLOT_PASSPHRASE: keyfile.wrap(new_key, NEW, keyfile.SLOT_PASSPHRASE)}
        slots.update({rekey.PREVIOUS + n: s for n, s in old.slots.items()})
        keyfile.write_key_file(keyfile.key_file_for(path), keyfile.KeyFile(slots=slots))


def test_a_crash_before_the_commit_is_undone_by_the_old_passphrase(
        vault_with_backup, passphrase) -> None:
    path, _, _ = vault_with_backup
    _crash_before_commit(path, passphrase)
    with pytest.raises(WrongPassphraseError, match="interrupted"):
        lifecycle.unlock_vault(path, passphrase=NEW)
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        assert vault.query_one("SELECT value FROM settings WHERE key = 'kept'")[0] == "yes"
    assert not rekey.interrupted(keyfile.read_key_file(keyfile.key_file_for(path)))
    assert not rekey.copy_path_for(path).exists()
    assert lifecycle.check_vault(path, passphrase=passphrase) == []


def test_a_crash_after_the_commit_is_finished_by_the_new_passphrase(
        vault_with_backup, passphrase, monkeypatch) -> None:
    path, _, _ = vault_with_backup
    real_write = keyfile.write_key_file
    calls: list[int] = []

    def dies_on_the_last_write(p: Path, kf: keyfile.KeyFile) -> None:
        calls.append(1)
        if len(calls) == 2:  # after the rename: the key file still holds both generations
            raise KeyboardInterrupt
        real_write(p, kf)

    vault = lifecycle.unlock_vault(path, passphrase=passphrase)
    monkeypatch.setattr(rekey.keyfile, "write_key_file", dies_on_the_last_write)
    with pytest.raises(KeyboardInterrupt):
        lifecycle.change_passphrase_and_rekey(vault, old=passphrase, new=NEW)
    monkeypatch.undo()
    vault.close()  # the process "died"; the OS drops its lock
    assert rekey.interrupted(keyfile.read_key_file(keyfile.key_file_for(path)))
    with pytest.raises(WrongPassphraseError):
        lifecycle.unlock_vault(path, passphrase=passphrase)
    with lifecycle.unlock_vault(path, passphrase=NEW) as reopened:
        assert reopened.query_one("SELECT value FROM settings WHERE key = 'kept'")[0] == "yes"
    assert not rekey.interrupted(keyfile.read_key_file(keyfile.key_file_for(path)))


def test_a_key_file_of_another_vault_is_refused(vault_with_backup, passphrase,
                                                tmp_path) -> None:
    path, _, _ = vault_with_backup
    other = lifecycle.create_vault(tmp_path / "other.kapnotes", passphrase)
    other.vault.close()
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        keyfile.key_file_for(path).write_bytes(
            keyfile.key_file_for(tmp_path / "other.kapnotes").read_bytes())
        with pytest.raises(VaultError, match="does not belong"):
            lifecycle.change_passphrase_and_rekey(vault, old=passphrase, new=NEW)


def test_a_key_file_that_cannot_be_tidied_after_the_commit_still_opens_with_the_new(
        vault_with_backup, passphrase, monkeypatch) -> None:
    """Disk full on the last, tidying write: the change stands, the open window's lock
    screen accepts the new passphrase, and the next unlock tidies the key file."""
    path, _, _ = vault_with_backup
    real_write = keyfile.write_key_file
    calls: list[int] = []

    def full_on_the_last_write(p: Path, kf: keyfile.KeyFile) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_write(p, kf)

    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        monkeypatch.setattr(rekey.keyfile, "write_key_file", full_on_the_last_write)
        lifecycle.change_passphrase_and_rekey(vault, old=passphrase, new=NEW)
        monkeypatch.undo()
        assert rekey.interrupted(keyfile.read_key_file(keyfile.key_file_for(path)))
        # The lock screen of the open window checks the passphrase against the key file.
        assert lifecycle.data_key_for(path, passphrase=NEW) == vault.data_key
        assert vault.query_one("SELECT value FROM settings WHERE key = 'kept'")[0] == "yes"
    with lifecycle.unlock_vault(path, passphrase=NEW):
        pass
    assert not rekey.interrupted(keyfile.read_key_file(keyfile.key_file_for(path)))
