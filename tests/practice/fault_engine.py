"""Faults injected into real syncs, without hooks in the engine.

- The network: tests/helpers/tcp_proxy.py cuts the connection after a random number of bytes.
- The server's side: an administrator terminates the clinician's backends mid-sync.
- The worker killed: `KilledWorker` (a BaseException, as abrupt as a kill can be in-process:
  nothing catches it, open vault transactions roll back) raised at the k-th call the engine
  makes into the wire or the vault's sync storage; the workstation then reopens its vault, as
  a new process would. Now and then a real `kapnotes sync` process is SIGKILLed instead.
- Duplicates: an acknowledged op pushed again by hand on its own connection.
- Pages re-delivered: a pull that answers from an earlier sequence than asked (older rows
  again, then the engine must go on from where it really was).
Every push's result is recorded (`WireLog`) for the end checks.
"""

from __future__ import annotations

import importlib
import inspect
import random
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
from helpers.basics import TEST_PASSPHRASE

from kapnotes.practice import sync_wire
from kapnotes.services import practice_sync


class KilledWorker(BaseException):
    """The sync worker died here."""


@dataclass
class Pushed:
    login: str
    op: Any  # kapnotes.domain.sync_ops.OutgoingOp
    seq: int | None
    outcome: str
    row_version: int


@dataclass
class WireLog:
    pushes: list[Pushed] = field(default_factory=list)
    redelivered: int = 0
    kills: int = 0
    sigkills: int = 0
    cuts: int = 0
    terminated: int = 0
    duplicates: int = 0
    current_login: str = ""

    def acknowledged(self) -> list[Pushed]:
        return [p for p in self.pushes if p.outcome in ("applied", "duplicate")]


# Where a kill can land: every function of the wire and of the vault's sync storage (the
# engine and these modules call them through their modules, so a patch there is seen).
ENGINE_MODULES = ("kapnotes.practice.sync_wire", "kapnotes.storage.sync_outbox",
                  "kapnotes.storage.sync_apply", "kapnotes.storage.sync_state",
                  "kapnotes.storage.sync_payloads")


def _engine_targets() -> list[tuple[Any, str]]:
    targets: list[tuple[Any, str]] = []
    for module_name in ENGINE_MODULES:
        module = importlib.import_module(module_name)
        targets += [(module, n) for n, f in vars(module).items()
                    if inspect.isfunction(f) and f.__module__ == module_name]
    return targets


def _patch_everywhere(mp: pytest.MonkeyPatch, module: Any, name: str,
                      make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(module, name)
    wrapped = make(original)
    mp.setattr(module, name, wrapped)
    if getattr(practice_sync, name, None) is original:
        mp.setattr(practice_sync, name, wrapped)


@contextmanager
def instrumented(log: WireLog, rng: random.Random, *, redeliver: float) -> Iterator[None]:
    """Record every push; sometimes answer a pull from an earlier sequence."""
    with pytest.MonkeyPatch.context() as mp:
        def record(push: Callable[..., Any]) -> Callable[..., Any]:
            def pushing(conn: Any, op: Any, *args: Any, **kwargs: Any) -> Any:
                result = push(conn, op, *args, **kwargs)
                log.pushes.append(Pushed(log.current_login, op, result.seq, result.outcome,
                                         result.row_version))
                return result
            return pushing

        def stale(pull: Callable[..., Any]) -> Callable[..., Any]:
            def pulling(conn: Any, after: int, *args: Any, **kwargs: Any) -> Any:
                if after > 0 and rng.random() < redeliver:
                    log.redelivered += 1
                    return pull(conn, max(0, after - rng.randrange(1, 40)), *args, **kwargs)
                return pull(conn, after, *args, **kwargs)
            return pulling

        _patch_everywhere(mp, sync_wire, "push", record)
        _patch_everywhere(mp, sync_wire, "pull", stale)
        yield


@contextmanager
def kill_at(call: int, log: WireLog) -> Iterator[None]:
    """The worker dies at the `call`-th call into the wire or the sync storage."""
    count = [0]
    with pytest.MonkeyPatch.context() as mp:
        def tripping(original: Callable[..., Any]) -> Callable[..., Any]:
            def maybe_die(*args: Any, **kwargs: Any) -> Any:
                count[0] += 1
                if count[0] == call:
                    log.kills += 1
                    raise KilledWorker(f"killed at call {call}")
                return original(*args, **kwargs)
            return maybe_die

        for owner, name in _engine_targets():
            mp.setattr(owner, name, tripping(getattr(owner, name)))
        yield


def push_again(dsn: str, pushed: Pushed) -> None:
    """An acknowledged op sent again on a connection of its own: the same answer, no change."""
    with psycopg.connect(dsn, connect_timeout=10) as conn:
        again = sync_wire.push(conn, pushed.op)
    assert (again.outcome, again.seq, again.row_version) == (
        "duplicate", pushed.seq, pushed.row_version), "a re-pushed op was not a duplicate"


def terminate_later(admin_dsn: str, login: str, delay: float, log: WireLog) -> threading.Thread:
    """The server ends the clinician's sessions after `delay` seconds (as a restart would)."""
    def terminate() -> None:
        try:
            with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=10) as conn:
                rows = conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE usename = %s AND pid <> pg_backend_pid()", (login,)).fetchall()
                log.terminated += sum(1 for r in rows if r[0])
        except psycopg.Error:
            pass

    timer = threading.Timer(delay, terminate)
    timer.start()
    return timer


def sigkill_cli_sync(ws: Any, delay: float, log: WireLog) -> None:
    """A real `kapnotes sync` process, killed with SIGKILL after `delay` seconds (or let
    finish if it is quicker): no cleanup of any kind runs in it."""
    secret = ws.path.with_name(f"{ws.name}.pass")
    secret.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    ws.close()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kapnotes", "sync", "--vault", str(ws.path),
             "--passphrase-file", str(secret)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
            log.sigkills += 1
        proc.wait(timeout=60)
    finally:
        ws.open()
