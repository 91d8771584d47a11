"""The vault use cases the window and the CLI share (kapnotes/services/vault_access.py,
vault_admin.py, vault_backups.py, audit_log.py), over real vaults: one rule each, so the
window and `kapnotes passwd`/`backup`/`restore` leave the same records."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapnotes.domain.errors import ValidationError, WrongPassphraseError
from kapnotes.services import vault_access, vault_admin, vault_backups
from kapnotes.services.audit_log import read_audit_log
from kapnotes.services.vault_access import Vault

NEW = "harbour kite 19 evenings"


def _events(vault: Vault) -> list[tuple[str, str]]:
    return [(e.event, e.detail) for e in read_audit_log(vault).entries]


def test_change_passphrase_swaps_which_one_opens_and_says_how(open_vault: Vault,
                                                             passphrase: str) -> None:
    done = vault_admin.change_passphrase(open_vault, old=passphrase, new=NEW)

    assert done.new_recovery_key is None
    vault_access.verify_passphrase(open_vault.path, NEW)
    with pytest.raises(WrongPassphraseError):
        vault_access.verify_passphrase(open_vault.path, passphrase)
    assert _events(open_vault)[-1] == ("vault.passphrase_change", "via passphrase")


def test_the_same_passphrase_again_is_refused_and_nothing_changes(open_vault: Vault,
                                                                 passphrase: str) -> None:
    before = _events(open_vault)
    with pytest.raises(ValidationError) as refused:
        vault_admin.change_passphrase(open_vault, old=passphrase, new=passphrase, rekey=True)
    assert refused.value.field == "New passphrase"
    assert passphrase not in refused.value.message  # never echoes a secret
    vault_access.verify_passphrase(open_vault.path, passphrase)
    assert _events(open_vault) == before


def test_reset_with_the_recovery_key_is_audited_as_such(vault_path: Path) -> None:
    created = vault_access.create_vault(vault_path, "an old passphrase 77")
    with created.vault as vault:
        vault_admin.change_passphrase(vault, recovery_key=created.recovery_key, new=NEW)
        assert _events(vault)[-1] == ("vault.passphrase_change", "via recovery key")
    vault_access.verify_passphrase(vault_path, NEW)


def test_rekey_gives_a_new_recovery_key_that_opens_the_vault(open_vault: Vault,
                                                            passphrase: str) -> None:
    done = vault_admin.change_passphrase(open_vault, old=passphrase, new=NEW, rekey=True)
    assert done.new_recovery_key
    assert _events(open_vault)[-1][0] == "vault.rekey"
    open_vault.close()
    with vault_access.unlock_vault(open_vault.path, recovery_key=done.new_recovery_key):
        pass


def test_wrong_attempts_are_counted_then_logged_at_the_next_unlock(new_vault: Path,
                                                                   passphrase: str) -> None:
    for _ in range(2):
        with pytest.raises(WrongPassphraseError):
            vault_access.unlock_counted(new_vault, passphrase="not the passphrase at all")
    assert vault_access.failures_for(new_vault).count == 2

    vault = vault_access.unlock_counted(new_vault, passphrase=passphrase)
    with vault:
        vault_access.record_unlock(vault, None, detail="command line: list")
        events = _events(vault)
    assert [e for e, _ in events][-2:] == ["vault.unlock_failed", "vault.unlock"]
    assert events[-1][1] == "command line: list"
    assert vault_access.failures_for(new_vault).count == 0


def test_a_third_wrong_attempt_brings_the_slow_down(new_vault: Path) -> None:
    for _ in range(vault_access.FREE_ATTEMPTS + 1):
        with pytest.raises(WrongPassphraseError):
            vault_access.unlock_counted(new_vault, passphrase="not the passphrase at all")
    with pytest.raises(WrongPassphraseError, match="nothing was tried"):
        vault_access.refuse_while_slowed(new_vault)


def test_copy_to_file_is_audited_without_the_file_name(open_vault: Vault, passphrase: str,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "elsewhere" / "client-Avery.kapnotes"
    copy = vault_backups.copy_to_file(open_vault, out)

    assert copy.path == out and out.exists()
    event, detail = _events(open_vault)[-1]
    assert event == "vault.backup" and copy.audit_head in detail and "Avery" not in detail
    with vault_access.unlock_vault(out, passphrase=passphrase, run_migrations=False):
        pass


def test_restore_skips_a_damaged_backup_and_takes_the_next(open_vault: Vault,
                                                           passphrase: str) -> None:
    taken = vault_backups.take_manual_backup(open_vault)
    good = [b for b in vault_backups.restorable_backups(open_vault.path) if b.path == taken]
    path = open_vault.path
    open_vault.close()
    newer = taken.with_name("vault-damaged-manual.kapnotes")
    newer.write_bytes(b"\0" * 8192)
    damaged = vault_backups.BackupInfo(newer, good[0].taken_at, "manual")

    attempt = vault_backups.restore_newest_good(path, passphrase, [damaged, good[0]])

    assert attempt.restored == good[0]
    assert [b.path for b, _ in attempt.skipped] == [newer]
    with vault_access.unlock_vault(path, passphrase=passphrase) as vault:
        assert _events(vault)[-1][0] == "vault.restore"


def test_restore_with_a_wrong_passphrase_changes_nothing(open_vault: Vault) -> None:
    backup = vault_backups.take_manual_backup(open_vault)
    path = open_vault.path
    open_vault.close()
    before = path.read_bytes()
    with pytest.raises(WrongPassphraseError):
        vault_backups.restore_newest_good(path, "not the passphrase at all",
                                          vault_backups.restorable_backups(path))
    assert path.read_bytes() == before and backup.exists()


def test_the_audit_log_reads_whole_and_finds_where_the_chain_breaks(open_vault: Vault) -> None:
    vault_access.record_unlock(open_vault, None, detail="window")
    log = read_audit_log(open_vault)
    assert log.first_broken_id is None and log.entries[-1].event == "vault.unlock"

    open_vault.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    open_vault.execute("UPDATE audit_log SET detail = 'altered' WHERE id = ?",
                       (log.entries[0].id,))
    assert read_audit_log(open_vault).first_broken_id == log.entries[0].id


def test_the_daily_check_reports_a_sound_vault_and_backs_it_up(open_vault: Vault) -> None:
    outcome = vault_backups.check_and_back_up(open_vault, vault_backups.RetentionPolicy(),
                                              backup=True)
    assert outcome.problems == ()
    assert outcome.backup_note.startswith("Backup saved: ")
    again = vault_backups.check_and_back_up(open_vault, vault_backups.RetentionPolicy(),
                                            backup=True)
    assert again.backup_note == ""  # at most one a day
