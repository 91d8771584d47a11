"""Dropped connections and server restarts mid-sync lose nothing (issue 20): a therapist's
workstation writes, a prescriber's reads, both through the real engine against a real server;
the network is cut by a proxy (tests/helpers/tcp_proxy.py) at points spread over the whole
byte stream of a sync, an acknowledgement is lost after the server applied the push, and a
server of the test's own is restarted in the middle of a push and of a pull."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from helpers.tcp_proxy import CuttingProxy

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.practice import admin, server_schema, sync_wire
from kapnotes.services import practice_sync
from tests.practice import fault_checks as checks
from tests.practice.fault_engine import WireLog, instrumented
from tests.practice.fault_world import (
    Workstation,
    new_workstation,
    proxied,
    remember,
    server_address,
    start_clock,
)
from tests.practice.practice_helpers import unique_login
from tests.practice.private_server import private_server

CODE = "KAP-DROP-1"

pytestmark = pytest.mark.slow  # a server of its own, sixteen cut syncs each way


class Team:
    """A therapist (writes notes) and a prescriber (reads them) on one client."""

    def __init__(self, tmp: Path, admin_dsn: str, via: str) -> None:
        self.admin_dsn = admin_dsn
        self.clock = start_clock()
        self.writer = new_workstation(tmp, admin_dsn, via, "ther", "therapist", self.clock,
                                      unique_login("ther"))
        self.reader = new_workstation(tmp, admin_dsn, via, "presc", "prescriber", self.clock,
                                      unique_login("presc"))
        client = self.writer.services.clients.create(Client(code=CODE,
                                                            full_name="Fictional Person"))
        course = self.writer.services.courses.create(Course(
            client_id=int(client.id or 0), protocol="custom", start_date=date(2026, 10, 1)))
        self.course_id = int(course.id or 0)
        # The client reaches the server (and its creator's care team) first; then the
        # practice administrator adds the prescriber.
        assert not self.sync(self.writer).error
        admin.assign(admin_dsn, CODE, self.reader.login)
        self.notes: list[int] = []

    @property
    def stations(self) -> list[Workstation]:
        return [self.writer, self.reader]

    def write(self, new: int = 0, edits: int = 0) -> None:
        """`new` integration notes and `edits` edits of existing ones, each with a token."""
        ws = self.writer
        for _ in range(new):
            self.clock.advance(minutes=5)
            session = ws.services.notes.create_session(
                course_id=self.course_id, kind=SessionKind.INTEGRATION, starts_at=self.clock())
            self.notes.append(int(session.id or 0))
            self._save(self.notes[-1])
        for n in range(edits):
            self._save(self.notes[(len(self.notes) - 1 - n) % len(self.notes)])

    def _save(self, sid: int) -> None:
        token = self.writer.token()
        self.writer.services.notes.save_fields(sid, {"client_account": f"Fictional {token}."})
        remember(self.writer, "sessions", sid, "client_account", token)

    def sync(self, ws: Workstation) -> Any:
        return practice_sync.sync_once(ws.vault, clock=self.clock)

    def settle(self) -> None:
        for _ in range(20):
            moved = 0
            for ws in self.stations:
                report = self.sync(ws)
                assert not report.error, f"{ws.name}: {report.error}"
                moved += report.pushed + report.pulled
            if moved == 0:
                return
        pytest.fail("the syncs never went quiet")

    def assert_nothing_lost(self) -> None:
        self.settle()
        problems = []
        for ws in self.stations:
            problems += checks.same_rows(ws, self.admin_dsn)
            problems += checks.nothing_left(ws)
        problems += checks.texts_kept(self.writer, self.admin_dsn)
        # Nothing was edited concurrently: the newest text is the note's current text.
        on_server = checks.server_rows(checks.direct_dsn(self.writer, self.admin_dsn))
        for uuid, fields in self.writer.written.items():
            current = str(on_server[uuid][1])
            problems += [f"{uuid}: {f} is not the newest text" for f, token in fields.items()
                         if token not in current]
        assert not problems, "\n".join(problems)

    def close(self) -> None:
        for ws in self.stations:
            ws.close()


@pytest.fixture
def proxy(practice_schema_dsn: str) -> Iterator[CuttingProxy]:
    p = CuttingProxy(*server_address(practice_schema_dsn))
    yield p
    p.close()


@pytest.fixture
def team(practice_schema_dsn: str, proxy: CuttingProxy, tmp_path: Path) -> Iterator[Team]:
    t = Team(tmp_path, practice_schema_dsn, proxied(practice_schema_dsn, proxy.port))
    yield t
    t.close()


def _bytes_of(proxy: CuttingProxy, sync: Callable[[], Any]) -> int:
    before = proxy.bytes
    report = sync()
    assert not report.error, report.error
    return proxy.bytes - before


def test_a_connection_cut_anywhere_in_a_push_or_a_pull_loses_nothing(
        team: Team, proxy: CuttingProxy) -> None:
    team.write(new=12)
    push_bytes = _bytes_of(proxy, lambda: team.sync(team.writer))
    pull_bytes = _bytes_of(proxy, lambda: team.sync(team.reader))
    failed = 0
    for step in range(1, 17):  # cuts spread over the whole stream of each sync
        team.write(new=1, edits=3)
        for ws, total in ((team.writer, push_bytes), (team.reader, pull_bytes)):
            proxy.cut_after(total * step // 17)
            failed += bool(team.sync(ws).error)
            proxy.disarm()
    assert failed >= 16, "the cuts should have broken most syncs"
    team.assert_nothing_lost()


def test_an_acknowledgement_lost_after_the_server_applied_is_retried_as_a_duplicate(
        team: Team, proxy: CuttingProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    team.write(new=3)
    log = WireLog(current_login=team.writer.login)
    real_push = sync_wire.push
    calls = [0]

    def push_losing_the_second_answer(conn: Any, op: Any) -> Any:
        calls[0] += 1
        if calls[0] == 2:
            proxy.cut_on_reply()
        return real_push(conn, op)

    with monkeypatch.context() as mp:
        mp.setattr(sync_wire, "push", push_losing_the_second_answer)
        if getattr(practice_sync, "push", None) is real_push:
            mp.setattr(practice_sync, "push", push_losing_the_second_answer)
        assert team.sync(team.writer).error
    lost = team.writer.vault.query("SELECT op_id FROM sync_outbox ORDER BY seq")
    assert lost, "the op whose answer was lost must still wait in the outbox"
    with psycopg.connect(team.admin_dsn) as conn:
        applied = conn.execute("SELECT 1 FROM kap.applied_ops WHERE op_id = %s",
                               (lost[0][0],)).fetchone()
    assert applied, "the server applied the push before its answer was lost"
    with instrumented(log, random.Random(0), redeliver=0):
        assert not team.sync(team.writer).error
    answers = {p.op.op_id: p.outcome for p in log.pushes}
    assert answers[lost[0][0]] == "duplicate"
    team.assert_nothing_lost()


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[tuple[Any, Team]]:
    with private_server() as server:
        server_schema.setup(server.dsn)
        t = Team(tmp_path, server.dsn, server.dsn)
        yield server, t
        t.close()


def test_a_server_restart_mid_push_and_mid_pull_loses_nothing(
        restartable: tuple[Any, Team], monkeypatch: pytest.MonkeyPatch) -> None:
    server, team = restartable
    team.write(new=30)

    def restart_at(name: str, call: int) -> Any:
        real = getattr(sync_wire, name)
        calls = [0]

        def calling(*args: Any, **kwargs: Any) -> Any:
            calls[0] += 1
            if calls[0] == call:
                server.restart()  # the server goes down and comes back under the engine
            return real(*args, **kwargs)
        return calling

    with monkeypatch.context() as mp:
        mp.setattr(sync_wire, "push", restart_at("push", 12))
        assert team.sync(team.writer).error  # the push after the restart lost its connection
    with psycopg.connect(server.dsn) as conn:
        on_server = conn.execute("SELECT count(*) FROM kap.change_log").fetchone()
    assert on_server and 0 < on_server[0] < 32, "the restart should have stopped it midway"
    assert not team.sync(team.writer).error
    with monkeypatch.context() as mp:
        mp.setattr(sync_wire, "pull", restart_at("pull", 1))
        assert team.sync(team.reader).error
    team.write(edits=5)
    team.assert_nothing_lost()
