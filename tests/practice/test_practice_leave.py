"""Leaving the practice server and joining again (a lost login, a new enrolment code): the
vault keeps every record, and the re-join neither duplicates rows on the server nor in the
vault. Real vaults, a real server (tests/practice/conftest.py), the real console entry;
fictional data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.basics import TEST_PASSPHRASE

from kapnotes.domain.errors import ConflictError
from kapnotes.practice import admin
from kapnotes.services import practice_link
from tests.practice.practice_helpers import unique_login
from tests.practice.workstations import open_workstation, server_rows

CLIENT = "KAP-2301"



def _counts(ws: Any) -> tuple[int, ...]:
    return tuple(int(ws.vault.query_one(f"SELECT count(*) FROM {t}")[0])
                 for t in ("clients", "courses", "sessions", "session_fields"))


def _mine(server: str) -> list[tuple[Any, ...]]:
    return [r for r in server_rows(server) if r[0] == CLIENT]


def _rejoin(ws: Any, server: str) -> str:
    """The administrator gives the clinician a new login and code (the old one is lost)."""
    login = unique_login(ws.name)
    code = admin.add_clinician(server, login, "therapist")
    admin.assign(server, CLIENT, login)
    return practice_link.join(ws.vault, server, code, login) and code


def test_leave_keeps_records_and_a_rejoin_duplicates_nothing(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    first = a.integration_note(CLIENT, "first draft, fictional")
    assert a.sync().error == ""
    before = _counts(a)
    on_server = _mine(server)

    assert practice_link.leave(a.vault) == 0
    assert practice_link.linked(a.vault) is None
    assert not a.status().linked
    assert _counts(a) == before  # no clinical record deleted
    [(_event, detail)] = a.vault.query(
        "SELECT event, detail FROM audit_log WHERE event = 'practice.leave'")
    assert detail == "left the practice server"
    # A solo vault now: an edit is not recorded for any server.
    a.services.notes.save_fields(first, {"client_account": "edited while solo, fictional"})
    assert a.status().pending == 0

    b.sync()
    b.integration_note(CLIENT, "B's note while A was away, fictional")
    b.sync()
    second = a.integration_note(CLIENT, "a new note while solo, fictional")

    _rejoin(a, server)
    report = a.sync()
    assert report.error == "" and report.conflicts == 0 and report.refused == 0
    # The new note and what may have changed while solo (client, course, drafts) went out;
    # the rows pulled again were echoes, not copies.
    assert report.pushed == 4  # client, course, the edited draft, the new note
    assert report.pulled == 1  # B's note; A's own rows pulled again are skipped as echoes
    rows = _mine(server)
    assert len(rows) == len(on_server) + 2  # B's note and A's new note, nothing twice
    assert len({r[2] for r in rows}) == len(rows)
    sessions = a.sessions(CLIENT)
    assert len(sessions) == 3  # first, B's, second: B's arrived once
    assert {a.note_text(s.id) for s in sessions} >= {"a new note while solo, fictional",
                                                      "B's note while A was away, fictional"}
    assert int(a.vault.query_one("SELECT count(*) FROM sync_conflicts")[0]) == 0
    assert second in {s.id for s in sessions}
    b.sync()
    assert len(b.sessions(CLIENT)) == 3
    # The edit made while solo reached the colleague (re-sent on the version last agreed).
    assert "edited while solo, fictional" in {b.note_text(s.id) for s in b.sessions(CLIENT)}
    assert a.sync().pulled == 0  # a second sync moves nothing


def test_leaving_with_unsent_changes_is_refused_unless_discarded(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    a.integration_note(CLIENT)
    pending = a.status().pending
    assert pending > 0
    before = _counts(a)

    with pytest.raises(ConflictError, match=f"^{pending} changes not yet sent"):
        practice_link.leave(a.vault)
    assert practice_link.linked(a.vault) is not None and a.status().pending == pending

    assert practice_link.leave(a.vault, discard_pending=True) == pending
    assert a.status().pending == 0 and practice_link.linked(a.vault) is None
    assert _counts(a) == before
    [(detail,)] = a.vault.query(
        "SELECT detail FROM audit_log WHERE event = 'practice.leave'")
    assert f"{pending} unsent changes discarded" in detail
    with pytest.raises(ConflictError, match="has not joined"):
        practice_link.leave(a.vault)
    # The discarded rows were never on the server: a re-join sends them after all.
    _rejoin(a, server)
    assert a.sync().error == ""
    assert {r[1] for r in _mine(server)} >= {"client", "course", "note"}


def _passfile(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    return path


def test_the_leave_command_asks_refuses_and_leaves(
        server: str, tmp_path: Path, run_kapnotes: Any) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    a.close()
    base = ("practice", "leave", "--vault", str(a.path), "--passphrase-file",
            str(_passfile(tmp_path)))

    refused = run_kapnotes(*base, "--yes")
    assert refused.returncode == 1
    assert refused.stderr.strip().startswith("kapnotes: error: ")
    assert "not yet sent to the practice server" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1

    unasked = run_kapnotes(*base, "--discard-pending")  # stdin is no terminal: not confirmed
    assert unasked.returncode == 1 and "not confirmed" in unasked.stderr

    left = run_kapnotes(*base, "--yes", "--discard-pending")
    assert left.returncode == 0, left.stderr
    assert "left the practice server" in left.stdout and "Discarded" in left.stdout
    a.reopen()
    assert practice_link.linked(a.vault) is None
    assert a.client(CLIENT) is not None  # the records stay
    a.close()
