"""`kapnotes practice join`: a vault joins the server with a clinician's one-time code, through
the real console entry, against a real server; the credential is kept inside the vault."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from kapnotes.practice import admin
from kapnotes.services import practice_link
from kapnotes.storage import lifecycle
from tests.practice.practice_helpers import clinician_dsn, unique_login


@pytest.fixture
def passphrase_file(tmp_path: Path, passphrase: str) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(passphrase + "\n", encoding="utf-8")
    return path


def _link(vault_path: Path, passphrase: str) -> practice_link.PracticeLink | None:
    with lifecycle.unlock_vault(vault_path, passphrase=passphrase) as vault:
        return practice_link.linked(vault)


def test_join_keeps_a_new_secret_in_the_vault_and_uses_the_code_up(
        practice_schema_dsn: str, new_vault: Path, passphrase: str, passphrase_file: Path,
        run_kapnotes) -> None:
    login = unique_login("ther")
    code = admin.add_clinician(practice_schema_dsn, login, "therapist")
    result = run_kapnotes("practice", "join", "--vault", str(new_vault), "--passphrase-file",
                          str(passphrase_file), "--dsn", practice_schema_dsn, "--name", login,
                          "--code", code)
    assert result.returncode == 0, result.stderr
    assert f"joined the practice server as {login}" in result.stdout
    assert code not in result.stdout + result.stderr

    link = _link(new_vault, passphrase)
    assert link is not None and link.login == login
    assert "passfile" not in link.conninfo and "password" not in link.conninfo
    with psycopg.connect(link.dsn()) as conn:  # the vault's secret logs in, over TLS
        assert conn.execute("SELECT current_user").fetchone() == (login,)
    with pytest.raises(psycopg.OperationalError):  # the code works once
        psycopg.connect(clinician_dsn(practice_schema_dsn, login, code), connect_timeout=10).close()
    assert new_vault.read_bytes().find(link.secret.encode()) == -1  # encrypted at rest


def test_a_wrong_code_is_refused_and_the_vault_stays_solo(
        practice_schema_dsn: str, new_vault: Path, passphrase: str, passphrase_file: Path,
        run_kapnotes) -> None:
    login = unique_login("nurse")
    admin.add_clinician(practice_schema_dsn, login, "nurse")
    result = run_kapnotes("practice", "join", "--vault", str(new_vault), "--passphrase-file",
                          str(passphrase_file), "--dsn", practice_schema_dsn, "--name", login,
                          "--code", "WRONG-CODES-ABCDE-FGHJK-MNPQR")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "kapnotes: error: the practice server did not accept that login and enrolment code "
        "(a code works once; ask the practice administrator for a new one)")
    assert _link(new_vault, passphrase) is None
