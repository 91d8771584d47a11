"""Hostile files and arguments through the real CLI: one line, exit 5, nothing changed.

Each case once ended in "unexpected internal error" (exit 70) or hung: key files with an empty
nonce or absurd iteration counts, JSON nested 100,000 deep, 5,000-digit integers, ids above
2^63, `/dev/zero` or a FIFO given as a passphrase, password, import or template file. The
subprocess timeout is a hang guard only (a refusal takes well under a second), not a speed test.
The cases run through the console entry in this process (tests/helpers/console_entry.py), the
FIFO cases as real `python -m kapnotes` subprocesses.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from kapnotes.storage import keyfile

HANG_GUARD_S = 30
DEEP = 100_000
HUGE_INT = "9" * 5000


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.endswith((".lock", ".unlock-failures"))}


@pytest.fixture
def run_cli(run_cli: object, run_entry: object, request: pytest.FixtureRequest) -> object:
    """The FIFO cases as real subprocesses (a FIFO must not block), the rest in-process."""
    callspec = getattr(request.node, "callspec", None)
    return run_cli if callspec is not None and "fifo" in callspec.id else run_entry


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "nobody-writes-here"
    os.mkfifo(path)
    return path


def _key_doc(vault: Path) -> dict:
    return json.loads(keyfile.key_file_for(vault).read_text())


def _spoil_slot(vault: Path, **changes: object) -> None:
    doc = _key_doc(vault)
    doc["slots"]["passphrase"].update(changes)
    keyfile.key_file_for(vault).write_text(json.dumps(doc))


@pytest.mark.parametrize("changes", [
    {"nonce": ""}, {"iterations": 0}, {"iterations": -5}, {"iterations": 2 ** 70},
    {"iterations": 10 ** 9}, {"salt": ""}, {"wrapped": "!!!"}, {"iterations": "256000"},
    {"iterations": True},
], ids=["empty-nonce", "iter-0", "iter-neg5", "iter-2^70", "iter-10^9", "empty-salt",
        "bad-base64", "iter-string", "iter-true"])
def test_a_spoiled_key_file_is_refused_in_one_line(run_cli, one_error_line, new_vault: Path,
                                                  passphrase_file: Path, changes: dict) -> None:
    _spoil_slot(new_vault, **changes)
    before = _digests(new_vault.parent)
    result = run_cli("check", "--vault", new_vault, "--passphrase-file", passphrase_file,
                     timeout=HANG_GUARD_S)
    line = one_error_line(result, 5)
    assert "key file" in line and "damaged" in line
    assert _digests(new_vault.parent) == before


def test_a_key_file_with_a_5000_digit_number_or_deep_nesting_is_refused(
        run_cli, one_error_line, new_vault: Path, passphrase_file: Path) -> None:
    key = keyfile.key_file_for(new_vault)
    original = key.read_text()
    for spoiled in (re.sub(r'"iterations": \d+', f'"iterations": {HUGE_INT}', original),
                    "[" * DEEP + "]" * DEEP):
        key.write_text(spoiled)
        result = run_cli("check", "--vault", new_vault, "--passphrase-file", passphrase_file,
                         timeout=HANG_GUARD_S)
        assert "key file" in one_error_line(result, 5)


@pytest.mark.parametrize("where", ["dev-zero", "fifo", "folder"])
def test_a_passphrase_file_that_is_not_a_plain_file_is_refused(
        run_cli, one_error_line, new_vault: Path, fifo: Path, tmp_path: Path,
        where: str) -> None:
    source = {"dev-zero": Path("/dev/zero"), "fifo": fifo, "folder": tmp_path}[where]
    result = run_cli("check", "--vault", new_vault, "--passphrase-file", source,
                     timeout=HANG_GUARD_S)
    assert "--passphrase-file" in one_error_line(result, 5)


def test_a_huge_passphrase_file_is_refused(run_cli, one_error_line, new_vault: Path,
                                           tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 10_000_000)
    result = run_cli("check", "--vault", new_vault, "--passphrase-file", big)
    assert "too large" in one_error_line(result, 5)


@pytest.mark.parametrize("where", ["dev-zero", "fifo"])
def test_a_password_or_recovery_key_file_that_never_ends_is_refused(
        run_cli, one_error_line, new_vault: Path, passphrase_file: Path, fifo: Path,
        tmp_path: Path, where: str) -> None:
    source = Path("/dev/zero") if where == "dev-zero" else fifo
    result = run_cli("pdf", "--vault", new_vault, "--passphrase-file", passphrase_file,
                     "--session", "1", "--out", tmp_path / "x.pdf", "--password-file", source,
                     timeout=HANG_GUARD_S)
    assert "--password-file" in one_error_line(result, 5)
    result = run_cli("passwd", "--vault", new_vault, "--recovery-key-file", source,
                     timeout=HANG_GUARD_S)
    assert "--recovery-key-file" in one_error_line(result, 5)


@pytest.mark.parametrize("doc", [
    "[" * DEEP + "]" * DEEP,
    '{"format": "kapnotes-export", "version": 1, "x": ' + '{"a":' * DEEP + "1" + "}" * DEEP
    + "}",
    '{"format": "kapnotes-export", "version": ' + HUGE_INT + "}",
    '{"format": "kapnotes-export", "version": 1, "clients": [{"key": ' + str(2 ** 64) + "}]}",
    '{"format": "kapnotes-export", "version": 1e999}',
    '{"format": "kapnotes-export", "version": true, "clients": []}',
], ids=["deep-array", "deep-object", "5000-digits", "id-2^64", "float-overflow",
        "version-true"])
def test_a_hostile_import_file_is_refused_in_one_line(run_cli, one_error_line, new_vault: Path,
                                                      passphrase_file: Path, tmp_path: Path,
                                                      doc: str) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(doc)
    before = _digests(new_vault.parent)
    result = run_cli("import", path, "--vault", new_vault, "--passphrase-file", passphrase_file,
                     timeout=HANG_GUARD_S)
    line = one_error_line(result, 5)
    assert HUGE_INT[:50] not in line
    assert _digests(new_vault.parent) == before


@pytest.mark.parametrize("where", ["dev-zero", "fifo"])
def test_an_import_file_that_never_ends_is_refused(run_cli, one_error_line, new_vault: Path,
                                                   passphrase_file: Path, fifo: Path,
                                                   where: str) -> None:
    source = Path("/dev/zero") if where == "dev-zero" else fifo
    result = run_cli("import", source, "--vault", new_vault, "--passphrase-file",
                     passphrase_file, timeout=HANG_GUARD_S)
    assert "not a regular file" in one_error_line(result, 5)


@pytest.mark.parametrize("value", [str(2 ** 63), str(2 ** 70), "0", "-3", "1e3", HUGE_INT])
def test_a_record_id_sqlite_cannot_hold_is_refused(run_cli, one_error_line, new_vault: Path,
                                                   passphrase_file: Path, tmp_path: Path,
                                                   value: str) -> None:
    result = run_cli("pdf", "--vault", new_vault, "--passphrase-file", passphrase_file,
                     f"--session={value}", "--out", tmp_path / "x.pdf", timeout=HANG_GUARD_S)
    assert "--session" in one_error_line(result, 5)
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("kind", ["deep", "huge-int", "dev-zero-link", "fifo"])
def test_a_broken_practice_template_does_not_stop_the_app(run_cli, new_vault: Path,
                                                          passphrase_file: Path, tmp_path: Path,
                                                          kind: str) -> None:
    folder = tmp_path / "templates"  # KAPNOTES_DATA_DIR/templates
    folder.mkdir()
    bad = folder / "bad.json"
    if kind == "deep":
        bad.write_text("[" * DEEP + "]" * DEEP)
    elif kind == "huge-int":
        bad.write_text('{"id": "x", "version": ' + HUGE_INT + "}")
    elif kind == "dev-zero-link":
        bad.symlink_to("/dev/zero")
    else:
        os.mkfifo(bad)
    result = run_cli("list", "--vault", new_vault, "--passphrase-file", passphrase_file,
                     timeout=HANG_GUARD_S)
    assert result.returncode == 0, result.stderr
    assert "No clients yet." in result.stdout


@pytest.mark.parametrize("text", ["[" * DEEP + "]" * DEEP,
                                  '{"version": 1, "settings": {"idle_lock_minutes": {"value": '
                                  + HUGE_INT + "}}}"])
def test_a_broken_practice_policy_is_ignored_not_fatal(run_cli, new_vault: Path,
                                                       passphrase_file: Path, tmp_path: Path,
                                                       text: str) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(text)
    result = run_cli("list", "--vault", new_vault, "--passphrase-file", passphrase_file,
                     env={"KAPNOTES_POLICY": str(policy)}, timeout=HANG_GUARD_S)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_the_key_file_check_keeps_todays_key_files_working(new_vault: Path,
                                                           passphrase: str) -> None:
    slot = _key_doc(new_vault)["slots"]["passphrase"]
    assert len(base64.b64decode(slot["nonce"])) == keyfile.NONCE_BYTES
    kf = keyfile.read_key_file(keyfile.key_file_for(new_vault))
    assert len(kf.unlock(passphrase=passphrase)) == keyfile.DATA_KEY_BYTES
