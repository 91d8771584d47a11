"""`kapnotes review …` as a user runs it: real subprocesses through the console entry, two
real vaults, real age files, and one clear line for each refused file. The vaults are set up
once per module (each test gets its own copies), and the refusal cases run, through the
console entry in this process (`run_entry`, tests/helpers/console_entry.py); the request →
reply → import flows run as subprocesses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyrage
import pytest
from helpers.basics import TEST_PASSPHRASE
from helpers.console_entry import cli_env
from helpers.console_entry import run_entry as run_entry_in_process
from helpers.vault_template import copy_vault

from kapnotes.cli.review_commands import ENV_REQUEST_PASSPHRASE as ENV_REQUEST
from kapnotes.cli.review_commands import PASSPHRASE_LINE

Run = Callable[..., Any]


@pytest.fixture(scope="module")
def vault_pair(tmp_path_factory: pytest.TempPathFactory, demo_vault_template: Path
               ) -> dict[str, Path]:
    """The therapist's demo vault and the supervisor's new one, each with its review profile,
    set up once for the module; every test works on its own copies (`vaults`)."""
    folder = tmp_path_factory.mktemp("review-pair")
    therapist = copy_vault(demo_vault_template, folder / "therapist.kapnotes")
    supervisor = folder / "supervisor.kapnotes"
    env = cli_env(folder)
    for args in (("review", "profile", "--vault", therapist, "--name", "Dr Demo Clinician",
                  "--role", "Psychologist", "--registration", "PSY0001234567"),
                 ("init", "--vault", supervisor),
                 ("review", "profile", "--vault", supervisor, "--name", "Dr Ada Supervisor",
                  "--registration", "PSY0009876543")):
        result = run_entry_in_process(args, env=env, cwd=folder)
        assert result.returncode == 0, result.stderr
    return {"therapist": therapist, "supervisor": supervisor}


@pytest.fixture
def vaults(tmp_path: Path, vault_pair: dict[str, Path], passphrase: str) -> dict[str, Path]:
    assert passphrase == TEST_PASSPHRASE  # the pair was made with it
    return {who: copy_vault(path, tmp_path / path.name) for who, path in vault_pair.items()}


def _review(tmp_path: Path, note_ids: list[int], verdict: str = "approved") -> Path:
    path = tmp_path / "review.json"
    path.write_text(json.dumps({
        "verdicts": [{"session_id": n, "verdict": verdict} for n in note_ids],
        "comments": [{"session_id": note_ids[0], "section": "", "text": "Well documented."}],
        "cosignature": {"name": "Dr Ada Supervisor", "role": "", "registration":
                        "PSY0009876543", "session_ids": note_ids} if verdict == "approved"
        else None,
        "supervision": {"date": "2026-11-21", "minutes": 50, "format": "group",
                        "topics": ["consent"]}}), encoding="utf-8")
    return path


def _note_ids(request: Path, passphrase: str) -> list[int]:
    envelope = json.loads(pyrage.passphrase.decrypt(request.read_bytes(), passphrase))
    return [n["session_id"] for n in envelope["payload"]["notes"]]


def test_request_reply_import_with_keys(vaults: dict[str, Path], tmp_path: Path, run_cli: Run,
                                        run_entry: Run, passphrase: str) -> None:
    """Each command once as a real subprocess; its repeats and refusals in this process."""
    env = {"KAPNOTES_PASSPHRASE": passphrase}
    key = run_cli("review", "key", "--vault", vaults["supervisor"], "--out",
                  tmp_path / "ada.kapkey", env=env)
    assert key.returncode == 0, key.stderr
    fingerprint = key.stdout.split("Fingerprint: ")[1].strip()
    for run, said in ((run_cli, "Pinned Dr Ada Supervisor's key"),
                      (run_entry, "was already pinned; nothing changed")):
        trust = run("review", "trust", tmp_path / "ada.kapkey", "--vault",
                        vaults["therapist"], env=env)
        assert trust.returncode == 0 and said in trust.stdout and fingerprint in trust.stdout
    req = run_cli("review", "request", "--vault", vaults["therapist"], "--client", "kap-001",
                  "--out", tmp_path / "req.kapreview", "--to-key", tmp_path / "ada.kapkey",
                  env=env)
    assert req.returncode == 0, req.stderr
    assert PASSPHRASE_LINE not in req.stdout and fingerprint in req.stdout
    # The supervisor opens it with their vault: the notes, the PDF, a review file to fill in.
    opened = run_cli("review", "open", tmp_path / "req.kapreview", "--vault",
                     vaults["supervisor"], "--pdf-out", tmp_path / "req.pdf",
                     "--review-template", tmp_path / "review.json", env=env)
    assert opened.returncode == 0, opened.stderr
    assert "Dr Demo Clinician" in opened.stdout and "de-identified" in opened.stdout
    assert (tmp_path / "req.pdf").read_bytes().startswith(b"%PDF-")
    template = json.loads((tmp_path / "review.json").read_text(encoding="utf-8"))
    ids = [v["session_id"] for v in template["verdicts"]]
    assert ids and all(f"{i:>6}" in opened.stdout for i in ids)
    unfilled = run_entry("review", "reply", tmp_path / "req.kapreview", "--vault",
                       vaults["supervisor"], "--review", tmp_path / "review.json", "--out",
                       tmp_path / "r0.kapreview", env=env)
    assert unfilled.returncode == 5 and "verdict" in unfilled.stderr  # decide each note
    assert not (tmp_path / "r0.kapreview").exists()
    for v in template["verdicts"]:
        v["verdict"] = "changes_requested"
    template["comments"][0]["text"] = "Please add the lot number."
    template["supervision"]["date"] = "2026-11-21"
    (tmp_path / "review.json").write_text(json.dumps(template), encoding="utf-8")
    reply = run_cli("review", "reply", tmp_path / "req.kapreview", "--vault",
                    vaults["supervisor"], "--review", tmp_path / "review.json", "--out",
                    tmp_path / "r0.kapreview", env=env)
    assert reply.returncode == 0, reply.stderr
    given = run_cli("review", "log", "--vault", vaults["supervisor"], "--given", env=env)
    assert "2026-11-21" in given.stdout and "Dr Demo Clinician" in given.stdout  # schema 019
    assert "1 session(s) given" in given.stdout
    imported = run_cli("review", "import", tmp_path / "r0.kapreview", "--vault",
                       vaults["therapist"], env=env)
    assert imported.returncode == 0, imported.stderr
    assert "Imported reply" in imported.stdout and "Pinned" not in imported.stdout
    again = run_entry("review", "import", tmp_path / "r0.kapreview", "--vault",
                    vaults["therapist"], env=env)
    assert again.returncode == 0 and "already imported; nothing changed" in again.stdout
    status = run_cli("review", "status", "--vault", vaults["therapist"], env=env)
    assert f"{len(ids)} note(s) pending" in status.stdout
    assert status.stdout.count("changes requested") == len(ids)


def test_passphrase_request_one_off_reply_and_log(vaults: dict[str, Path], tmp_path: Path,
                                                  run_cli: Run, run_entry: Run,
                                                  passphrase: str, one_error_line: Any) -> None:
    """The flow as real subprocesses; the refusals on the way in this process."""
    env = {"KAPNOTES_PASSPHRASE": passphrase}
    req = run_cli("review", "request", "--vault", vaults["therapist"], "--client", "KAP-001",
                  "--out", tmp_path / "req.kapreview", env=env)
    assert req.returncode == 0, req.stderr
    lines = [x for x in req.stdout.splitlines() if x.startswith(PASSPHRASE_LINE)]
    assert len(lines) == 1
    secret = lines[0].removeprefix(PASSPHRASE_LINE)
    ids = _note_ids(tmp_path / "req.kapreview", secret)
    (tmp_path / "pp.txt").write_text(secret + "\n", encoding="utf-8")

    line = one_error_line(run_entry("review", "open", tmp_path / "req.kapreview"), 1)
    assert "--request-passphrase-file" in line  # no terminal to ask in, and no file given
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n", encoding="utf-8")
    line = one_error_line(run_entry("review", "reply", tmp_path / "req.kapreview", "--name",
                                    "Dr Ada Supervisor", "--review", _review(tmp_path, ids),
                                    "--out", tmp_path / "reply.kapreview",
                                    "--request-passphrase-file", wrong), 5)
    assert "cannot be opened with this passphrase" in line
    assert not (tmp_path / "reply.kapreview").exists()

    reply = run_cli("review", "reply", tmp_path / "req.kapreview", "--name",
                    "Dr Ada Supervisor", "--registration", "PSY0009876543", "--review",
                    _review(tmp_path, ids), "--out", tmp_path / "reply.kapreview",
                    "--request-passphrase-file", tmp_path / "pp.txt")
    assert reply.returncode == 0, reply.stderr
    assert "one-off key" in reply.stdout
    imported = run_cli("review", "import", tmp_path / "reply.kapreview", "--vault",
                       vaults["therapist"], env=env)
    assert imported.returncode == 0, imported.stderr
    assert f"{len(ids)} verdict(s), 1 comment(s), {len(ids)} co-signed" in imported.stdout

    added = run_cli("review", "log", "--vault", vaults["therapist"], "--add", "--supervisor",
                    "Dr Ada Supervisor", "--date", "2026-12-02", "--minutes", "30",
                    "--topic", "boundaries", env=env)
    assert added.returncode == 0, added.stderr
    assert "2026-11: 1 session(s), 50 min (individual 0, group 50)" in added.stdout
    assert "2026-12: 1 session(s), 30 min (individual 30, group 0)" in added.stdout

    # Foreign: the same reply into the supervisor's own vault, which sent no request.
    line = one_error_line(run_entry("review", "import", tmp_path / "reply.kapreview",
                                    "--vault", vaults["supervisor"], env=env), 5)
    assert "not encrypted to this vault's key" in line


@pytest.mark.parametrize("content", [b"", b"age-encryption.org/v1\n-> X25519 abc\n",
                                     b"not an age file at all", b"\x00" * 4096])
def test_hostile_reply_files_are_one_line(vaults: dict[str, Path], tmp_path: Path,
                                          run_entry: Run, passphrase: str, one_error_line: Any,
                                          content: bytes) -> None:
    bad = tmp_path / "bad.kapreview"
    bad.write_bytes(content)
    one_error_line(run_entry("review", "import", bad, "--vault", vaults["therapist"],
                           env={"KAPNOTES_PASSPHRASE": passphrase}), 5)


def test_request_refuses_bad_arguments_before_writing(vaults: dict[str, Path], tmp_path: Path,
                                                      run_entry: Run, passphrase: str,
                                                      one_error_line: Any) -> None:
    env = {"KAPNOTES_PASSPHRASE": passphrase}
    for args, code, words in (
            (("--session", "abc"), 5, "--session"),
            (("--session", "999999"), 5, "no note 999999"),
            (("--client", "NOPE-1"), 5, "no client"),
            (("--client", "KAP-001", "--to-key", "/dev/zero"), 5, "--to-key"),
            (("--client", "KAP-001", "--out", vaults["therapist"]), 5, "is the vault")):
        out = () if "--out" in args else ("--out", tmp_path / "x.kapreview")
        line = one_error_line(run_entry("review", "request", "--vault", vaults["therapist"],
                                      *args, *out, env=env), code)
        assert words in line
    assert not (tmp_path / "x.kapreview").exists()


def test_hostile_review_files_and_outputs_are_one_line(vaults: dict[str, Path], tmp_path: Path,
                                                      run_entry: Run, passphrase: str,
                                                      one_error_line: Any) -> None:
    env = {"KAPNOTES_PASSPHRASE": passphrase}
    req = run_entry("review", "request", "--vault", vaults["therapist"], "--session", "2",
                  "--out", tmp_path / "req.kapreview", env=env)
    assert req.returncode == 0, req.stderr
    secret = req.stdout.split(PASSPHRASE_LINE)[1].splitlines()[0]
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 10_000 + "]" * 10_000, encoding="utf-8")
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"verdicts": [{"session_id": 999, "verdict": "approved"}]}),
                       encoding="utf-8")
    for review, words in (("/dev/zero", "--review"), (deep, "nested"),
                          (foreign, "not one of the notes")):
        line = one_error_line(run_entry(
            "review", "reply", tmp_path / "req.kapreview", "--name", "Dr Ada Supervisor",
            "--review", review, "--out", tmp_path / "reply.kapreview",
            env={ENV_REQUEST: secret}), 5)
        assert words in line
    line = one_error_line(run_entry("review", "reply", tmp_path / "req.kapreview", "--vault",
                                  vaults["supervisor"], "--review", foreign, "--out",
                                  vaults["supervisor"], env={**env, ENV_REQUEST: secret}), 5)
    assert "is the vault" in line
    assert not (tmp_path / "reply.kapreview").exists()
