"""`kapnotes sync --vault V` through the real console entry, against a real server: what moved,
each refusal on a line naming client and kind, and one line + exit 1 for a solo vault or an
unreachable server (the vault's changes wait)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.basics import TEST_PASSPHRASE

from kapnotes.services import practice_link
from kapnotes.services.changes import SETTINGS, write
from kapnotes.storage import settings
from tests.practice.workstations import Workstation, open_workstation

CLIENT = "KAP-3001"



@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    return path


def _sync(run_kapnotes, ws: Workstation, passphrase_file: Path):  # type: ignore[no-untyped-def]
    ws.close()  # the command takes the vault's lock, as on a workstation with the app closed
    result = run_kapnotes("sync", "--vault", str(ws.path), "--passphrase-file",
                          str(passphrase_file))
    ws.reopen()
    return result


def test_sync_prints_what_moved(server: str, tmp_path: Path, passphrase_file: Path,
                                run_kapnotes) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    therapist.new_client_with_course(CLIENT)
    therapist.integration_note(CLIENT)
    sent = _sync(run_kapnotes, therapist, passphrase_file)
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.splitlines() == ["Pushed 3 changes, pulled 0, 0 conflict copies, 0 refused."]
    got = _sync(run_kapnotes, nurse, passphrase_file)
    assert got.returncode == 0, got.stderr
    assert got.stdout.splitlines() == ["Pushed 0 changes, pulled 3, 0 conflict copies, 0 refused."]
    assert nurse.client(CLIENT) is not None
    again = _sync(run_kapnotes, nurse, passphrase_file)
    assert again.stdout.splitlines() == [
        "Pushed 0 changes, pulled 0, 0 conflict copies, 0 refused."]


def test_a_refused_write_is_shown_naming_client_and_kind(
        server: str, tmp_path: Path, passphrase_file: Path, run_kapnotes) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    outsider = open_workstation(tmp_path, server, "out", "therapist")
    therapist.new_client_with_course(CLIENT)
    therapist.sync()
    outsider.new_client_with_course(CLIENT)  # a client on someone else's care team
    result = _sync(run_kapnotes, outsider, passphrase_file)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Pushed 0 changes, pulled 0, 0 conflict copies, 2 refused."
    # The record's kind in the words the window's review list uses (KIND_NAMES), not its code.
    assert lines[1].startswith(f"Refused: client {CLIENT}, client details: {outsider.login} is "
                               f"not on the care team of client {CLIENT}")
    assert lines[2].startswith(f"Refused: client {CLIENT}, course: ")
    assert "Robin Fictional" not in result.stdout  # a name from the refused payload
    assert outsider.status().refusals == 2


def test_a_solo_vault_is_one_line_and_exit_1(tmp_path: Path, new_vault: Path,
                                             passphrase_file: Path, run_kapnotes) -> None:
    result = run_kapnotes("sync", "--vault", str(new_vault), "--passphrase-file",
                          str(passphrase_file))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == ("kapnotes: error: this vault has not joined a practice "
                                     "server (kapnotes practice join --vault V --dsn DSN "
                                     "--code CODE)")


def test_an_unreachable_server_is_one_line_and_the_changes_wait(
        server: str, tmp_path: Path, passphrase_file: Path, run_kapnotes) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    therapist.new_client_with_course(CLIENT)
    link = practice_link.linked(therapist.vault)
    assert link is not None
    with write(therapist.vault, SETTINGS):  # the server moved away (a closed port)
        settings.set_json(therapist.vault, practice_link.LINK_KEY, {
            "conninfo": "host=127.0.0.1 port=1 dbname=x sslmode=require",
            "login": link.login, "secret": link.secret})
    result = _sync(run_kapnotes, therapist, passphrase_file)
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("kapnotes: error: offline: could not connect to the practice server")
    assert line.endswith("changes wait in the vault for the next sync")
    assert link.secret not in line
    status = therapist.status()
    assert status.pending == 2 and status.last_error.startswith("offline")
    assert status.last_sync_at is None
