"""`kapnotes demo` and `kapnotes list` as a user runs them: real subprocesses, real vaults (the
demo filled once per module, copied for each test)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.basics import TEST_PASSPHRASE
from helpers.vault_template import copy_vault

from kapnotes.services.demo import DEMO_CLIENTS


def run(args: list[str], tmp_path: Path, passphrase: str) -> subprocess.CompletedProcess[str]:
    pf = tmp_path / "pass.txt"
    pf.write_text(passphrase + "\n", encoding="utf-8")
    env = {**os.environ, "KAPNOTES_DATA_DIR": str(tmp_path)}
    env.pop("KAPNOTES_PASSPHRASE", None)
    return subprocess.run(
        [sys.executable, "-m", "kapnotes", *args, "--passphrase-file", str(pf)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


@pytest.fixture(scope="module")
def demo_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kapnotes demo` as a real subprocess, once for the module (filling it takes seconds)."""
    folder = tmp_path_factory.mktemp("demo-command")
    vault = folder / "demo.kapnotes"
    result = run(["demo", "--vault", str(vault)], folder, TEST_PASSPHRASE)
    assert result.returncode == 0, result.stderr
    assert "5 fictional clients" in result.stdout
    return vault


@pytest.fixture
def demo_vault(demo_once: Path, tmp_path: Path, passphrase: str) -> Path:
    """This test's copy of the vault the demo command filled."""
    assert passphrase == TEST_PASSPHRASE  # the vault's
    return copy_vault(demo_once, tmp_path / "demo.kapnotes")


def test_list_json_has_every_demo_client(demo_vault: Path, tmp_path: Path,
                                         passphrase: str) -> None:
    result = run(["list", "--vault", str(demo_vault), "--json"], tmp_path, passphrase)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert {i["code"] for i in items} == {d.client.code for d in DEMO_CLIENTS}
    assert {i["name"] for i in items} == {d.client.full_name for d in DEMO_CLIENTS}
    assert all(i["courses"] == 1 for i in items)
    assert sum(i["sessions"] for i in items) > 20  # every kind of session is filled in
    dated = [i["next_planned"] for i in items if i["next_planned"]]
    assert dated == sorted(dated)  # sorted by next planned session


def test_list_table_and_demo_refuses_a_filled_vault(demo_vault: Path, tmp_path: Path,
                                                    passphrase: str) -> None:
    table = run(["list", "--vault", str(demo_vault)], tmp_path, passphrase)
    assert table.returncode == 0
    assert "KAP-001" in table.stdout and "Mira Solenne Hartwell" in table.stdout
    again = run(["demo", "--vault", str(demo_vault)], tmp_path, passphrase)
    assert again.returncode == 1
    assert "already has clients" in again.stdout


def test_list_on_missing_vault_is_one_clear_line(tmp_path: Path, passphrase: str) -> None:
    result = run(["list", "--vault", str(tmp_path / "nope.kapnotes")], tmp_path, passphrase)
    assert result.returncode == 1
    assert result.stderr.startswith("kapnotes: error: No vault at")
    assert "Traceback" not in result.stderr
