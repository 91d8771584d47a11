"""`kapnotes passwd` goes through the same service as the window's Change passphrase…
(kapnotes/services/vault_admin.py): the same refusals, the same audit entry."""

from __future__ import annotations

from pathlib import Path

from kapnotes.services.audit_log import read_audit_log
from kapnotes.services.vault_access import unlock_vault
from kapnotes.storage.keyfile import key_file_for


def test_the_same_passphrase_again_is_refused_as_in_the_window(
        run_cli, one_error_line, new_vault: Path, passphrase: str,
        passphrase_file: Path) -> None:
    keys_before = key_file_for(new_vault).read_bytes()

    result = run_cli("passwd", "--vault", new_vault, "--passphrase-file", passphrase_file,
                     "--new-passphrase-file", passphrase_file, "--rekey")

    line = one_error_line(result, 5)
    assert "New passphrase" in line and "same as the current one" in line
    assert passphrase not in result.stderr + result.stdout
    assert key_file_for(new_vault).read_bytes() == keys_before  # nothing changed
    with unlock_vault(new_vault, passphrase=passphrase) as vault:
        assert "vault.rekey" not in [e.event for e in read_audit_log(vault).entries]
