"""Crash safety: a writer process killed with SIGKILL at random moments loses no commit.

CI runs 200 kills, in two runs side by side of 100 each (seeds KAPNOTES_KILL_SEED and the next;
each writer is forked from a process that imported the app once, tests/reliability/writer.py
--fork-server; half a minute on an idle machine); set KAPNOTES_KILLS /
KAPNOTES_KILL_SEED to change the run, or use `python tests/reliability/kill_harness.py --kills
5000` for a long local run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import kill_harness as harness
import pytest

from kapnotes.storage import lifecycle

KILLS = int(os.environ.get("KAPNOTES_KILLS", "200"))
SEED = int(os.environ.get("KAPNOTES_KILL_SEED", "20261127"))


def _finished_writer_run(tmp_path: Path, ops: int, seed: int = 5) -> tuple[Path, Path]:
    path = harness.new_vault(tmp_path / "v")
    journal = path.parent / "journal.jsonl"
    subprocess.run(
        [sys.executable, str(harness.WRITER), "--vault", str(path), "--passphrase-file",
         str(path.parent / "passphrase.txt"), "--journal", str(journal), "--seed", str(seed),
         "--ops", str(ops)],
        check=True, capture_output=True,
    )
    return path, journal


def test_checker_accepts_a_writer_that_finished(tmp_path: Path) -> None:
    path, journal = _finished_writer_run(tmp_path, ops=120)
    result = harness.Result()
    harness.check_after_kill(path, harness.empty_state(), journal, result)
    assert result.writes_verified + result.refused == 120
    assert result.in_flight_applied == result.in_flight_absent == 0


def test_checker_notices_a_lost_commit(tmp_path: Path) -> None:
    """The check is not vacuous: one journalled change undone behind its back and it fails."""
    path, journal = _finished_writer_run(tmp_path, ops=120)
    vault = lifecycle.unlock_vault(path, passphrase=harness.PASSPHRASE)
    with vault:
        vault.execute("UPDATE clients SET full_name = full_name || '.' WHERE id = "
                      "(SELECT max(id) FROM clients)")
    result = harness.Result()
    with pytest.raises(AssertionError, match="vault differs from the journal"):
        harness.check_after_kill(path, harness.empty_state(), journal, result)
    assert result.lost_commits == 1


def test_checker_ignores_only_a_torn_last_line(tmp_path: Path) -> None:
    path, journal = _finished_writer_run(tmp_path, ops=30)
    with journal.open("ab") as fh:
        fh.write(b'{"op": 31, "inte')
    result = harness.Result()
    harness.check_after_kill(path, harness.empty_state(), journal, result)
    assert result.torn_lines == 1
    journal.write_bytes(b'{"op": 1, "inte\n' + journal.read_bytes())
    with pytest.raises(AssertionError, match="torn but not last"):
        harness.check_after_kill(path, harness.empty_state(), journal, harness.Result())


@pytest.mark.slow
@pytest.mark.timeout(900)  # half a minute on an idle machine; far longer on a busy one
def test_random_kills_lose_no_committed_change(tmp_path: Path, capsys) -> None:
    result = harness.run_side_by_side(KILLS, SEED, tmp_path)
    with capsys.disabled():
        print(f"\n{result.summary()} [seed {SEED}]")
    assert result.failures == []
    assert result.kills == KILLS
    assert result.lost_commits == result.integrity_failures == 0
    # The kills landed where it matters: with changes in flight, both outcomes seen.
    assert result.in_flight_applied > 0 and result.in_flight_absent > 0
