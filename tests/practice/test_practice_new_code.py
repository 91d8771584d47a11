"""`kapnotes practice new-code`: re-enrolment of an existing login (a clinician's new workstation,
a code lost before use), through the real console entry against a real server (issue 20). The
new code is printed once on its own line, as add-clinician's; the previous code, used or not,
stops working; a workstation that had joined with it stops syncing, its changes waiting."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.practice.practice_helpers import clinician_dsn, unique_login
from tests.practice.workstations import open_workstation


def _code(stdout: str) -> str:
    [line] = [line for line in stdout.splitlines() if line.startswith("Enrolment code: ")]
    return line.removeprefix("Enrolment code: ")


def _logs_in(dsn: str, login: str, code: str) -> bool:
    try:
        psycopg.connect(clinician_dsn(dsn, login, code), connect_timeout=10).close()
    except psycopg.OperationalError:
        return False
    return True


def test_a_lost_code_is_replaced_and_stops_working(practice_dsn: str, run_kapnotes) -> None:
    assert run_kapnotes("practice", "setup", "--dsn", practice_dsn).returncode == 0
    login = unique_login("ther")
    added = run_kapnotes("practice", "add-clinician", "--dsn", practice_dsn,
                         "--name", login, "--role", "therapist")
    lost = _code(added.stdout)
    result = run_kapnotes("practice", "new-code", "--dsn", practice_dsn, "--name", login)
    assert result.returncode == 0, result.stderr
    fresh = _code(result.stdout)
    assert fresh != lost
    assert not _logs_in(practice_dsn, login, lost)  # the unused old code stops working
    assert _logs_in(practice_dsn, login, fresh)


def test_a_new_workstation_joins_with_a_new_code_and_the_old_one_stops_syncing(
        practice_schema_dsn: str, tmp_path: Path, run_kapnotes, passphrase: str) -> None:
    old = open_workstation(tmp_path, practice_schema_dsn, "ther", "therapist", "KAP-3501")
    old.new_client_with_course("KAP-3501")
    assert old.sync().error == ""
    result = run_kapnotes("practice", "new-code", "--dsn", practice_schema_dsn, "--name", old.login)
    assert result.returncode == 0, result.stderr
    assert "stops syncing" in result.stdout

    vault = tmp_path / "new.kapnotes"
    secret = tmp_path / "passphrase.txt"
    secret.write_text(passphrase + "\n", encoding="utf-8")
    assert run_kapnotes("init", "--vault", str(vault), "--passphrase-file",
                        str(secret)).returncode == 0
    joined = run_kapnotes("practice", "join", "--vault", str(vault), "--passphrase-file",
                          str(secret), "--dsn", practice_schema_dsn, "--name", old.login,
                          "--code", _code(result.stdout))
    assert joined.returncode == 0, joined.stderr
    synced = run_kapnotes("sync", "--vault", str(vault), "--passphrase-file", str(secret))
    assert synced.returncode == 0, synced.stderr
    listed = run_kapnotes("list", "--vault", str(vault), "--passphrase-file", str(secret))
    assert "KAP-3501" in listed.stdout  # the care team's records reach the new workstation

    old.integration_note("KAP-3501")
    report = old.sync()
    assert "refused this workstation's login" in report.error and not report.offline
    assert old.status().pending > 0  # nothing lost: the note waits in the old vault


@pytest.mark.parametrize(("name", "exit_code", "says"), [
    ("nobody_here", 5, "--name: no clinician by that name on this server"),
    ("Robert'); DROP ROLE x;--", 5, "--name: use 2-40 lower-case letters"),
])
def test_an_unknown_or_malformed_login_is_one_line_and_changes_nothing(
        practice_dsn: str, run_kapnotes, name: str, exit_code: int, says: str) -> None:
    assert run_kapnotes("practice", "setup", "--dsn", practice_dsn).returncode == 0
    result = run_kapnotes("practice", "new-code", "--dsn", practice_dsn, "--name", name)
    assert result.returncode == exit_code
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Enrolment code" not in result.stdout
