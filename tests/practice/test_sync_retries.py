"""A retried push is harmless and a connection dropped mid-push or mid-pull loses nothing: the
real engine (`practice_sync.sync_once`) against a real server, the connection ended from the
server side by the administrator (`pg_terminate_backend`) between two operations, or an
answer lost after the server applied the push. (Restarts and cuts at random byte offsets are
in test_sync_drops.py / the fault harness.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from kapnotes.practice import sync_wire
from kapnotes.services import practice_sync
from tests.practice.workstations import Workstation, open_workstation, server_rows

CLIENT = "KAP-4001"



def _terminate(admin_dsn: str, conn: psycopg.Connection) -> None:
    """End the workstation's server session from the server side, and wait until it is gone."""
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 10000)", (conn.info.backend_pid,))


def _work(therapist: Workstation) -> None:
    therapist.new_client_with_course(CLIENT)
    therapist.integration_note(CLIENT, "the first note")
    therapist.integration_note(CLIENT, "the second note", sign=True)
    therapist.dosing_session(CLIENT)


def _notes(ws: Workstation) -> list[tuple[str, bool]]:
    return sorted((ws.note_text(s.id), bool(s.signed)) for s in ws.sessions(CLIENT))


def test_a_push_whose_answer_was_lost_is_retried_harmlessly(
        server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    _work(therapist)
    real_push = sync_wire.push
    calls: list[str] = []

    def answer_lost_on_the_third(conn: psycopg.Connection, op: Any) -> sync_wire.PushResult:
        result = real_push(conn, op)  # the server applies and commits it …
        calls.append(op.op_id)
        if len(calls) == 3:          # … and the answer never reaches the workstation
            raise sync_wire.PracticeUnreachable("the connection to the practice server was lost")
        return result

    monkeypatch.setattr(sync_wire, "push", answer_lost_on_the_third)
    first = therapist.sync()
    assert first.offline and first.pushed == 2
    assert therapist.status().pending == 3 and therapist.status().last_error.startswith("offline")
    answers: list[tuple[str, str]] = []

    def recorded(conn: psycopg.Connection, op: Any) -> sync_wire.PushResult:
        result = real_push(conn, op)
        if op.kind != "audit":  # the records; their audit entries ride along after them
            answers.append((op.op_id, result.outcome))
        return result

    monkeypatch.setattr(sync_wire, "push", recorded)
    retry = therapist.sync()
    assert answers[0] == (calls[2], "duplicate")  # the same operation id, answered as such
    assert [outcome for _op, outcome in answers[1:]] == ["applied", "applied"]
    assert (retry.error, retry.pushed, retry.conflicts, retry.refused) == ("", 3, 0, 0)
    assert therapist.status().pending == 0
    # One version of each row on the server: the retry of the third op was a duplicate.
    rows = server_rows(server)
    assert len(rows) == 5 and {r[3] for r in rows} == {1}
    nurse.sync()
    assert _notes(nurse) == _notes(therapist)
    assert therapist.sync().pulled == 0  # its own rows coming back change nothing


def test_a_connection_dropped_mid_push_loses_nothing(
        server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    _work(therapist)
    real_push = sync_wire.push
    sent: list[str] = []

    def dropped_before_the_third(conn: psycopg.Connection, op: Any) -> sync_wire.PushResult:
        if len(sent) == 2:
            _terminate(server, conn)
        sent.append(op.op_id)
        return real_push(conn, op)

    monkeypatch.setattr(sync_wire, "push", dropped_before_the_third)
    first = therapist.sync()
    assert first.offline and first.pushed == 2
    assert "connection to the practice server was lost" in first.error
    assert len(server_rows(server)) == 2
    second = therapist.sync()  # the same wrapper: the drop happened once
    assert (second.error, second.pushed) == ("", 3)
    assert len(server_rows(server)) == 5
    nurse.sync()
    assert _notes(nurse) == _notes(therapist) and len(_notes(nurse)) == 3


def test_a_connection_dropped_mid_pull_loses_nothing(
        server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    _work(therapist)
    assert therapist.sync().pushed == 5
    monkeypatch.setattr(practice_sync, "PULL_PAGE", 2)
    real_pull = sync_wire.pull
    pages: list[int] = []

    def dropped_after_the_first_page(conn: psycopg.Connection, after: int,
                                     limit: int = 1000) -> list[Any]:
        pages.append(after)
        if len(pages) == 2:  # once, between the first page and the second
            _terminate(server, conn)
        return real_pull(conn, after, limit)

    monkeypatch.setattr(sync_wire, "pull", dropped_after_the_first_page)
    first = nurse.sync()
    assert first.offline and first.pulled == 2
    assert nurse.vault.query_one("SELECT last_seq FROM sync_state")[0] == 2
    second = nurse.sync()
    assert second.error == "" and second.pulled == 3
    assert _notes(nurse) == _notes(therapist) and len(_notes(nurse)) == 3
    with psycopg.connect(server) as admin:  # the records' 5, then their audit entries
        head = admin.execute("SELECT seq FROM kap.log_head").fetchone()
    assert nurse.vault.query_one("SELECT last_seq FROM sync_state") == head


def test_a_server_that_needs_upgrading_stops_the_sync_and_every_change_waits(
        server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    _work(therapist)
    monkeypatch.setattr(sync_wire, "OP_SCHEMA_VERSION", 99)  # a newer KAP Notes than the server
    report = therapist.sync()
    assert (report.pushed, report.refused, report.offline) == (0, 0, False)
    assert "upgrade the server" in report.error
    assert therapist.status().pending == 5 and therapist.status().refusals == 0
    monkeypatch.setattr(sync_wire, "OP_SCHEMA_VERSION", 1)
    assert therapist.sync().pushed == 5  # nothing was dropped as refused meanwhile
