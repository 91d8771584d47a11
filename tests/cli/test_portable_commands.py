"""`kapnotes export-json` and `kapnotes import` as a user runs them: real subprocesses (the
vaults they start from are made through the console entry in this process,
tests/helpers/console_entry.py; the demo one is a copy of one made once per process)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.basics import TEST_PASSPHRASE
from helpers.console_entry import run_entry
from helpers.vault_template import copy_vault


def run(args: list[str], tmp_path: Path, passphrase: str, *, in_process: bool = False
        ) -> subprocess.CompletedProcess[str]:
    pf = tmp_path / "pass.txt"
    pf.write_text(passphrase + "\n", encoding="utf-8")
    env = {**os.environ, "KAPNOTES_DATA_DIR": str(tmp_path)}
    env.pop("KAPNOTES_PASSPHRASE", None)
    if in_process:
        return run_entry([*args, "--passphrase-file", str(pf)], env=env, cwd=tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "kapnotes", *args, "--passphrase-file", str(pf)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def without_stamp(path: Path) -> dict[str, object]:
    """The export minus `exported_at` and `audit_head`, the moment of export and the exporting
    vault's own log (the only fields that must differ)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc.pop("exported_at")
    doc.pop("audit_head")
    return doc


@pytest.fixture
def demo_vault(tmp_path: Path, passphrase: str, demo_vault_template: Path) -> Path:
    """This test's copy of the process's `kapnotes demo` vault (tests/cli/conftest.py)."""
    assert passphrase == TEST_PASSPHRASE  # the template's
    return copy_vault(demo_vault_template, tmp_path / "demo.kapnotes")


@pytest.fixture
def empty_vault(tmp_path: Path, passphrase: str) -> Path:
    vault = tmp_path / "empty.kapnotes"
    assert run(["init", "--vault", str(vault)], tmp_path, passphrase,
               in_process=True).returncode == 0
    return vault


def test_export_import_export_round_trip(demo_vault: Path, empty_vault: Path, tmp_path: Path,
                                         passphrase: str) -> None:
    first = tmp_path / "first.json"
    result = run(["export-json", "--vault", str(demo_vault), "--out", str(first)],
                 tmp_path, passphrase)
    assert result.returncode == 0, result.stderr
    assert "Exported 5 client(s)" in result.stdout and "plaintext" in result.stdout
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    imported = run(["import", str(first), "--vault", str(empty_vault)], tmp_path, passphrase)
    assert imported.returncode == 0, imported.stderr
    assert "5 client(s) added" in imported.stdout
    second = tmp_path / "second.json"
    assert run(["export-json", "--vault", str(empty_vault), "--out", str(second)],
               tmp_path, passphrase).returncode == 0
    assert without_stamp(second) == without_stamp(first)
    text_a = first.read_text(encoding="utf-8")
    text_b = second.read_text(encoding="utf-8")
    stamp_a, stamp_b = (json.loads(t)["exported_at"] for t in (text_a, text_b))
    head_a, head_b = (json.dumps(json.loads(t)["audit_head"], indent=2).replace("\n", "\n  ")
                      for t in (text_a, text_b))
    # Byte-identical but for the moment and each vault's own audit chain.
    assert text_b.replace(stamp_b, stamp_a, 1).replace(head_b, head_a, 1) == text_a
    check = run(["check", "--vault", str(empty_vault)], tmp_path, passphrase)
    assert check.returncode == 0, check.stdout + check.stderr


def test_duplicate_import_is_refused_unless_merge(demo_vault: Path, tmp_path: Path,
                                                  passphrase: str) -> None:
    out = tmp_path / "one.json"
    assert run(["export-json", "--vault", str(demo_vault), "--out", str(out),
                "--client", "KAP-003"], tmp_path, passphrase).returncode == 0
    assert [c["code"] for c in json.loads(out.read_text(encoding="utf-8"))["clients"]] == \
        ["KAP-003"]
    before = digest(demo_vault)
    again = run(["import", str(out), "--vault", str(demo_vault)], tmp_path, passphrase)
    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == [
        "kapnotes: error: client KAP-003 is already in this vault; nothing was imported "
        "(use --merge to add only what is missing)."]
    assert digest(demo_vault) == before  # not a byte written
    merged = run(["import", str(out), "--vault", str(demo_vault), "--merge"],
                 tmp_path, passphrase)
    assert merged.returncode == 0, merged.stderr
    assert "0 client(s) added, 1 merged" in merged.stdout
    assert "0 session(s)" in merged.stdout and "kept as they are" in merged.stdout


def test_invalid_file_is_one_line_naming_the_path(empty_vault: Path, demo_vault: Path,
                                                  tmp_path: Path, passphrase: str) -> None:
    out = tmp_path / "all.json"
    assert run(["export-json", "--vault", str(demo_vault), "--out", str(out)],
               tmp_path, passphrase).returncode == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    dose = next(s for s in doc["clients"][1]["courses"][0]["sessions"] if s["vitals"])
    dose["vitals"][0]["spo2"] = 140
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    before = digest(empty_vault)
    result = run(["import", str(bad), "--vault", str(empty_vault)], tmp_path, passphrase)
    assert result.returncode == 5
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("kapnotes: error: clients[1].courses[0].sessions[")
    assert line.endswith(".vitals[0].spo2: 140 is outside 0–100")  # extreme lows are recordable
    assert digest(empty_vault) == before
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = run(["import", str(broken), "--vault", str(empty_vault)], tmp_path, passphrase)
    assert result.returncode == 5 and "is not valid JSON" in result.stderr


def test_unknown_client_and_missing_file(demo_vault: Path, tmp_path: Path,
                                         passphrase: str) -> None:
    out = tmp_path / "x.json"
    result = run(["export-json", "--vault", str(demo_vault), "--out", str(out), "--client",
                  "NOPE-1"], tmp_path, passphrase)
    assert result.returncode == 1 and "No client with code NOPE-1" in result.stderr
    assert not out.exists()
    result = run(["import", str(tmp_path / "missing.json"), "--vault", str(demo_vault)],
                 tmp_path, passphrase)
    assert result.returncode == 5 and "cannot be read" in result.stderr
