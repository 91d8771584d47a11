"""Opening a vault: encryption on disk, connection settings, refusals that change nothing."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from kapnotes.domain.errors import (
    VaultLockedByOtherProcess,
    VaultTooNewError,
    WrongPassphraseError,
)
from kapnotes.storage import keyfile, lifecycle
from kapnotes.storage.migrations import LATEST_VERSION, migrate
from kapnotes.storage.sniff import SQLITE_MAGIC
from kapnotes.storage.vault import connect_keyed, quote_sql_string

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def test_vault_file_is_not_readable_as_plain_sqlite(new_vault: Path) -> None:
    assert new_vault.read_bytes()[:16] != SQLITE_MAGIC
    plain = sqlite3.connect(new_vault)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        plain.close()


def test_connection_has_durable_settings(new_vault: Path, passphrase: str) -> None:
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        assert vault.query_one("PRAGMA journal_mode")[0] == "wal"
        assert vault.query_one("PRAGMA foreign_keys")[0] == 1
        assert vault.query_one("PRAGMA synchronous")[0] == 2  # FULL
        assert vault.query_one("PRAGMA busy_timeout")[0] == 5000
        assert vault.query_one("PRAGMA cipher_log_level")[0] == "NONE"
        assert vault.query_one("PRAGMA secure_delete")[0] == 1
        assert vault.user_version == LATEST_VERSION


@posix_only
def test_vault_key_file_and_wal_are_owner_only(new_vault: Path, passphrase: str) -> None:
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        vault.execute("INSERT INTO settings (key, value) VALUES ('theme', 'dusk')")
        wal = new_vault.with_name(new_vault.name + "-wal")
        assert wal.exists()
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    assert stat.S_IMODE(new_vault.stat().st_mode) == 0o600
    assert stat.S_IMODE(keyfile.key_file_for(new_vault).stat().st_mode) == 0o600


def test_wrong_passphrase_changes_nothing(new_vault: Path, digests) -> None:
    before = digests(new_vault.parent)
    with pytest.raises(WrongPassphraseError, match="Wrong passphrase"):
        lifecycle.unlock_vault(new_vault, passphrase="not the passphrase at all")
    with pytest.raises(WrongPassphraseError, match="recovery key"):
        lifecycle.unlock_vault(new_vault, recovery_key="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    assert digests(new_vault.parent) == before  # no -wal/-shm appeared either


def test_vault_from_newer_version_is_refused_untouched(
    new_vault: Path, passphrase: str, raw_connect, digests
) -> None:
    newer = LATEST_VERSION + 5
    conn = raw_connect(new_vault, passphrase)
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.close()
    before = digests(new_vault.parent)

    with pytest.raises(VaultTooNewError) as refused:
        lifecycle.unlock_vault(new_vault, passphrase=passphrase)

    message = str(refused.value)
    assert f"schema version {newer}" in message
    assert f"up to version {LATEST_VERSION}" in message
    assert digests(new_vault.parent) == before
    # The refusal let go of the process lock: the error is the version again, not "open".
    with pytest.raises(VaultTooNewError):
        lifecycle.unlock_vault(new_vault, passphrase=passphrase)


def test_second_unlock_in_the_same_process_is_refused(new_vault: Path, passphrase: str) -> None:
    first = lifecycle.unlock_vault(new_vault, passphrase=passphrase)
    try:
        with pytest.raises(VaultLockedByOtherProcess, match="already open"):
            lifecycle.unlock_vault(new_vault, passphrase=passphrase)
    finally:
        first.close()
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as again:
        assert again.user_version == LATEST_VERSION


def test_sqlcipher_prints_nothing_on_wrong_key_or_damage(
    tmp_path: Path, new_vault: Path, passphrase: str
) -> None:
    """SQLCipher logs HMAC failures to stderr by default; its log level is process-wide, so a
    fresh process proves the vault code itself silences it."""
    other = lifecycle.create_vault(tmp_path / "other.kapnotes", passphrase)
    other.vault.close()
    foreign_key = tmp_path / "mixed.kapnotes"
    foreign_key.write_bytes(new_vault.read_bytes())
    keyfile.key_file_for(foreign_key).write_bytes(
        keyfile.key_file_for(tmp_path / "other.kapnotes").read_bytes()
    )
    damaged = tmp_path / "damaged.kapnotes"
    raw = bytearray(new_vault.read_bytes())
    raw[4096 + 200 : 4096 + 232] = bytes(b ^ 0xFF for b in raw[4096 + 200 : 4096 + 232])
    damaged.write_bytes(bytes(raw))
    keyfile.key_file_for(damaged).write_bytes(keyfile.key_file_for(new_vault).read_bytes())

    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kapnotes.storage import lifecycle\n"
        "for name in sys.argv[2:]:\n"
        "    try:\n"
        "        problems = lifecycle.check_vault(Path(name), passphrase=sys.argv[1])\n"
        "        print('damaged' if problems else 'sound')\n"
        "    except Exception as exc:\n"
        "        print(type(exc).__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, passphrase, str(foreign_key), str(damaged)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0
    assert result.stdout.split() == ["VaultDamagedError", "damaged"]
    assert result.stderr == ""


def test_vault_whose_random_salt_looks_like_a_file_signature_opens(
    vault_path: Path, passphrase: str
) -> None:
    """The first 16 bytes of an SQLCipher file are a random salt: about one vault in 256 starts
    with '{', and it must not be taken for a JSON file."""
    data_key = keyfile.new_data_key()
    # A raw key may carry its salt (SQLCipher: 32 key bytes then 16 salt bytes); choose one
    # that starts with '{' instead of drawing hundreds of vaults until chance gives one.
    salt = b"{" + bytes(range(1, 16))
    vault_path.touch(mode=0o600)
    conn = sqlcipher.connect(str(vault_path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{data_key.hex()}{salt.hex()}'\"")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE bootstrap (x)")
    conn.execute("DROP TABLE bootstrap")
    conn.close()
    assert vault_path.read_bytes()[:16] == salt
    slot = keyfile.wrap(data_key, passphrase, keyfile.SLOT_PASSPHRASE)
    keyfile.write_key_file(
        keyfile.key_file_for(vault_path), keyfile.KeyFile(slots={keyfile.SLOT_PASSPHRASE: slot})
    )
    conn = connect_keyed(vault_path, data_key)
    migrate(conn)
    conn.close()

    with lifecycle.unlock_vault(vault_path, passphrase=passphrase) as vault:
        assert vault.user_version == LATEST_VERSION


def test_network_path_detection_answers_for_local_and_missing_paths(tmp_path: Path) -> None:
    assert lifecycle.is_network_path(tmp_path / "vault.kapnotes") is False
    assert lifecycle.is_network_path(tmp_path / "no" / "such" / "folder" / "v.kapnotes") is False


def test_quote_sql_string_doubles_apostrophes() -> None:
    assert quote_sql_string("plain") == "'plain'"
    assert quote_sql_string("O'Neill's notes") == "'O''Neill''s notes'"
