"""Kill the GUI while a therapist is typing: what comes back is a prefix of what was typed,
missing at most the last 2 s (the autosave's promise: at most 2 s after the first unsaved
keystroke, even while typing goes on)."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services.container import build_services
from kapnotes.storage import lifecycle

TYPIST = Path(__file__).with_name("gui_typist.py")
KILLS = int(os.environ.get("KAPNOTES_GUI_KILLS", "4"))
AT_ONCE = 2  # typists at the same time: four reached 1.7 s of the 2.35 s allowed at load 2.7
PROMISE_S = 2.0
# The save that the 2-s timer starts still has to run and commit; allow the scheduler that
# much on a loaded two-core machine before calling a character lost.
SLACK_S = 0.35
FIELD = "client_account"


def _session(vault_path: Path, passphrase: str) -> int:
    created = lifecycle.create_vault(vault_path, passphrase)
    with created.vault as vault:
        services = build_services(vault)
        client = services.clients.create(Client(code="KAP-777", full_name="Tess Example"))
        course = services.courses.create(Course(client_id=client.id, protocol="custom",
                                                start_date=date(2026, 11, 2)))
        session = services.notes.create_session(course_id=course.id,
                                                kind=SessionKind.INTEGRATION,
                                                starts_at=datetime(2026, 11, 3, 14, 0))
        return int(session.id)


def _stored_text(vault_path: Path, passphrase: str, session_id: int) -> str:
    with lifecycle.unlock_vault(vault_path, passphrase=passphrase) as vault:
        return str(build_services(vault).notes.note(session_id).values.get(FIELD, ""))


def _start_typist(vault_path: Path, passphrase: str, session_id: int) -> subprocess.Popen[str]:
    pf = vault_path.with_name("pass.txt")
    pf.write_text(passphrase, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(TYPIST), "--vault", str(vault_path), "--passphrase-file", str(pf),
         "--session", str(session_id), "--field", FIELD, "--wait-for-go"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


@contextlib.contextmanager
def _typists() -> Iterator[list[subprocess.Popen[str]]]:
    """A list for the typists started; any still running at the end is killed."""
    procs: list[subprocess.Popen[str]] = []
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)


def _type_and_kill(procs: list[subprocess.Popen[str]],
                   kill_after: list[float]) -> tuple[list[str], list[float]]:
    """The typists type at the same time, each its own process and vault: the wait is the
    longest run's, not their sum. Each starts typing on GO, once all are READY, and is killed
    `kill_after` seconds later. Returns what each printed and when each was killed."""
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    deadlines = []
    for proc, after in zip(procs, kill_after, strict=True):
        assert proc.stdin is not None
        proc.stdin.write("GO\n")
        proc.stdin.flush()
        deadlines.append(time.monotonic() + after)
    killed_at = [0.0] * len(procs)
    for n in sorted(range(len(procs)), key=deadlines.__getitem__):
        time.sleep(max(0.0, deadlines[n] - time.monotonic()))
        procs[n].send_signal(signal.SIGKILL)
        killed_at[n] = time.monotonic()
    return [proc.communicate(timeout=30)[0] for proc in procs], killed_at


@pytest.mark.slow
def test_killing_the_gui_mid_typing_loses_at_most_the_last_two_seconds(
    tmp_path: Path, passphrase: str
) -> None:
    import gui_typist

    rng = random.Random(20261127)
    worst_gap = 0.0
    for first in range(0, KILLS, AT_ONCE):
        runs = range(first, min(first + AT_ONCE, KILLS))
        vaults = [tmp_path / f"run{run}" / "vault.kapnotes" for run in runs]
        sessions: list[int] = []
        with _typists() as procs:
            for vault_path in vaults:  # a typist starts up while the next vault is made
                sessions.append(_session(vault_path, passphrase))
                procs.append(_start_typist(vault_path, passphrase, sessions[-1]))
            printed, killed_at = _type_and_kill(procs, [rng.uniform(2.5, 6.5) for _ in runs])
        for n, run in enumerate(runs):
            typed_at = [float(line.split()[2]) for line in printed[n].splitlines()
                        if line.startswith("K ")]
            stored = _stored_text(vaults[n], passphrase, sessions[n])
            typed = gui_typist.TEXT[: len(typed_at)]
            assert typed.startswith(stored), f"run {run}: stored text is not a prefix of the typing"
            lost = typed_at[len(stored):]
            if lost:
                gap = killed_at[n] - lost[0]
                worst_gap = max(worst_gap, gap)
                assert gap <= PROMISE_S + SLACK_S, (
                    f"run {run}: lost {len(lost)} keys, the oldest typed {gap:.2f} s before the "
                    f"kill")
            assert len(typed_at) > 15  # the run really was typing for a while
    print(f"\nGUI kill: {KILLS} kills while typing, every vault a prefix of the typing; "
          f"oldest lost keystroke {worst_gap:.2f} s before the kill (promise {PROMISE_S} s)")
