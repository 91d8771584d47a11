"""The key-derivation cost: 256,000 iterations in every slot the real app writes.

The rest of the suite wraps its vaults at a test-only cost (tests/conftest.py sets
KAPNOTES_TEST_ONLY_KDF_ITERATIONS); these tests start `kapnotes` without that variable, as a
practice runs it, and read the key file it wrote.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kapnotes.storage import keyfile, lifecycle


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != keyfile.TEST_COST_ENV}
    env["KAPNOTES_DATA_DIR"] = str(tmp_path)
    return env


def _kapnotes(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kapnotes", *map(str, args)], capture_output=True, text=True,
        env=_production_env(tmp_path), cwd=tmp_path, stdin=subprocess.DEVNULL, timeout=120,
        check=False,
    )


def test_the_app_wraps_both_slots_at_256000_iterations(tmp_path: Path, passphrase: str) -> None:
    vault = tmp_path / "practice.kapnotes"
    secret = tmp_path / "passphrase.txt"
    secret.write_text(passphrase + "\n", encoding="utf-8")
    result = _kapnotes(tmp_path, "init", "--vault", vault, "--passphrase-file", secret,
                       "--recovery-key-out", tmp_path / "recovery.txt")
    assert result.returncode == 0, result.stderr
    slots = json.loads(keyfile.key_file_for(vault).read_text())["slots"]
    assert {name: slot["iterations"] for name, slot in slots.items()} == {
        "passphrase": 256_000, "recovery": 256_000}
    assert keyfile.KDF_ITERATIONS == 256_000
    # A production-cost key file opens in the test process too: each slot carries its cost.
    lifecycle.unlock_vault(vault, passphrase=passphrase).close()


def test_the_app_refuses_a_slot_at_the_test_cost(tmp_path: Path, new_vault: Path,
                                                passphrase: str) -> None:
    """Outside the suite the lowest accepted cost is 100,000: a test-cost key file is refused."""
    slots = json.loads(keyfile.key_file_for(new_vault).read_text())["slots"]
    assert slots["passphrase"]["iterations"] < keyfile.MIN_ITERATIONS
    secret = tmp_path / "passphrase.txt"
    secret.write_text(passphrase + "\n", encoding="utf-8")
    result = _kapnotes(tmp_path, "check", "--vault", new_vault, "--passphrase-file", secret)
    assert result.returncode == 5, result.stderr
    assert "key file" in result.stderr and "iterations" in result.stderr
