"""Run `kapnotes` as a real subprocess against a vault in tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.basics import TEST_PASSPHRASE
from helpers.console_entry import cli_env
from helpers.console_entry import run_entry as run_entry_in_process
from signed_note import SignedVault, build_signed_vault, copy_signed_vault

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(tmp_path: Path) -> RunCli:
    """`run_cli("check", "--passphrase-file", f, env={...})`: exit code, stdout and stderr."""

    def run(*args: str | Path, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, **(env or {})}  # KAPNOTES_DATA_DIR is already in tmp_path
        return subprocess.run(
            [sys.executable, "-m", "kapnotes", *map(str, args)],
            capture_output=True, text=True, env=full_env, cwd=tmp_path,
            stdin=subprocess.DEVNULL, timeout=timeout, check=False,
        )

    return run


@pytest.fixture
def run_entry(tmp_path: Path) -> RunCli:
    """As `run_cli`, through the console entry in this process (tests/helpers/console_entry.py):
    for the many refusal cases; each file keeps some cases as real subprocesses."""

    def run(*args: str | Path, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        del timeout  # a hang ends under pytest-timeout instead
        return run_entry_in_process(args, env={**os.environ, **(env or {})}, cwd=tmp_path)

    return run


@pytest.fixture(scope="session")
def demo_vault_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed vault as `kapnotes demo` leaves it (TEST_PASSPHRASE), made once per test
    process through the console entry; tests copy it (helpers.vault_template.copy_vault),
    never open it. Filling the demo costs ~1 s of CPU (~3 s on a busy machine) per vault."""
    folder = tmp_path_factory.mktemp("demo-template")
    path = folder / "demo.kapnotes"
    result = run_entry_in_process(["demo", "--vault", path], cwd=folder, env=cli_env(folder))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="session")
def signed_vault_template(tmp_path_factory: pytest.TempPathFactory) -> SignedVault:
    """The small vault with a signed note (tests/cli/signed_note.py, TEST_PASSPHRASE), built
    once per test process; tests copy it (copy_signed_vault), never open it."""
    return build_signed_vault(tmp_path_factory.mktemp("signed-template") / "vault.kapnotes",
                              TEST_PASSPHRASE)


@pytest.fixture
def signed(tmp_path: Path, passphrase: str, signed_vault_template: SignedVault) -> SignedVault:
    """This test's copy of the signed-note vault."""
    assert passphrase == TEST_PASSPHRASE  # the template's
    return copy_signed_vault(signed_vault_template, tmp_path / "vault.kapnotes")


@pytest.fixture
def passphrase_file(tmp_path: Path, passphrase: str) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(passphrase + "\n", encoding="utf-8")
    return path


def _one_error_line(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kapnotes: error: ")
    return lines[0]


@pytest.fixture
def one_error_line() -> Callable[[subprocess.CompletedProcess[str], int], str]:
    """Check a failure: exit `code`, exactly one `kapnotes: error:` line, no traceback."""
    return _one_error_line
