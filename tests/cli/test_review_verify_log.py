"""`kapnotes review log --out F.pdf` and `kapnotes review verify-log F.pdf [--key KEYFILE]`
as a user runs them (real subprocesses through the console entry, a real vault): the signed
log PDF verifies; a changed byte in its embedded entries, a foreign key, another PDF or a
non-PDF are each refused in one line with exit code 5. The vaults and the log are set up once
per module through the console entry in this process (tests/helpers/console_entry.py), and
copied for each test."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers.basics import TEST_PASSPHRASE
from helpers.console_entry import cli_env
from helpers.console_entry import run_entry as run_entry_in_process
from helpers.vault_template import copy_vault
from pypdf import PdfReader, PdfWriter

Run = Callable[..., Any]
ATTACHMENT = "supervision-log.json"


@pytest.fixture(scope="module")
def logged_once(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A vault with two supervision sessions logged by hand, its log PDF and key files; set up
    once for the module, never changed (each test gets its own copies: `logged`)."""
    folder = tmp_path_factory.mktemp("verify-log")
    env = cli_env(folder)

    def run(*args: str | Path) -> Any:
        return run_entry_in_process(args, env=env, cwd=folder)

    vault, other = folder / "therapist.kapnotes", folder / "other.kapnotes"
    for args in (("init", "--vault", vault), ("init", "--vault", other),
                 ("review", "profile", "--vault", vault, "--name", "Dr Demo Clinician"),
                 ("review", "profile", "--vault", other, "--name", "Dr Someone Else"),
                 ("review", "key", "--vault", vault, "--out", folder / "mine.kapkey"),
                 ("review", "key", "--vault", other, "--out", folder / "other.kapkey"),
                 ("review", "log", "--vault", vault, "--add", "--supervisor", "Dr Ada Sup",
                  "--date", "2026-11-02", "--minutes", "60", "--topic", "dosing safety"),
                 ("review", "log", "--vault", vault, "--add", "--supervisor", "Dr Ada Sup",
                  "--date", "2026-11-16", "--minutes", "30", "--format", "group")):
        result = run(*args)
        assert result.returncode == 0, result.stderr
    profile = run("review", "profile", "--vault", vault)
    fingerprint = re.search(r"Key fingerprint: (.+)", profile.stdout)
    assert fingerprint is not None
    pdf = folder / "log.pdf"
    saved = run("review", "log", "--vault", vault, "--out", pdf)
    assert saved.returncode == 0, saved.stderr
    assert f"Wrote {pdf}" in saved.stdout and pdf.is_file()
    return {"pdf": pdf, "fingerprint": fingerprint.group(1).strip(), "vault": vault,
            "mine": folder / "mine.kapkey", "other": folder / "other.kapkey"}


@pytest.fixture
def logged(logged_once: dict[str, Any], tmp_path: Path, passphrase: str) -> dict[str, Any]:
    """This test's copies of the vault, its log PDF and the key files."""
    assert passphrase == TEST_PASSPHRASE  # the vaults were made with it
    copies: dict[str, Any] = {"fingerprint": logged_once["fingerprint"],
                              "env": {"KAPNOTES_PASSPHRASE": passphrase,
                                      "KAPNOTES_NEW_PASSPHRASE": passphrase}}
    copies["vault"] = copy_vault(logged_once["vault"], tmp_path / logged_once["vault"].name)
    for name in ("pdf", "mine", "other"):
        copies[name] = Path(shutil.copy2(logged_once[name], tmp_path))
    return copies


def test_the_saved_log_verifies_and_names_its_signer(logged: dict[str, Any],
                                                     run_cli: Run) -> None:
    result = run_cli("review", "verify-log", logged["pdf"])
    assert result.returncode == 0, result.stderr
    assert ("Signature valid: 2 session(s), 90 min, 2026-11-02 to 2026-11-16; signed by "
            "Dr Demo Clinician") in result.stdout
    assert logged["fingerprint"] in result.stdout
    with_key = run_cli("review", "verify-log", logged["pdf"], "--key", logged["mine"])
    assert with_key.returncode == 0, with_key.stderr
    assert "The key is Dr Demo Clinician's" in with_key.stdout
    # The entries the signature covers are inside the PDF, beside the printed table.
    text = "".join(page.extract_text() for page in PdfReader(logged["pdf"]).pages)
    assert "dosing safety" in text


def test_a_changed_byte_in_the_embedded_entries_is_refused(
        logged: dict[str, Any], run_cli: Run, one_error_line: Any, tmp_path: Path) -> None:
    raw = logged["pdf"].read_bytes()
    assert raw.count(b'"minutes":60') == 1  # the embedded entries, stored as they were signed
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(raw.replace(b'"minutes":60', b'"minutes":90'))
    line = one_error_line(run_cli("review", "verify-log", tampered), 5)
    assert "signature does not match the entries" in line


def test_entries_rewritten_into_a_rebuilt_pdf_are_refused(
        logged: dict[str, Any], run_cli: Run, one_error_line: Any, tmp_path: Path) -> None:
    reader = PdfReader(logged["pdf"])
    doc = json.loads(reader.attachments[ATTACHMENT][0])
    doc["entries"][1]["minutes"] = 300  # more supervision hours than were held
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_attachment(ATTACHMENT, json.dumps(doc).encode())
    out = io.BytesIO()
    writer.write(out)
    rebuilt = tmp_path / "rebuilt.pdf"
    rebuilt.write_bytes(out.getvalue())
    line = one_error_line(run_cli("review", "verify-log", rebuilt), 5)
    assert "signature does not match the entries" in line


def test_a_foreign_key_another_pdf_and_garbage_are_one_line(
        logged: dict[str, Any], run_cli: Run, one_error_line: Any, tmp_path: Path) -> None:
    line = one_error_line(run_cli("review", "verify-log", logged["pdf"], "--key",
                                  logged["other"]), 5)
    assert f"was signed with key {logged['fingerprint']}" in line
    assert "Dr Someone Else's key" in line

    plain = PdfWriter()
    plain.add_blank_page(width=200, height=200)
    other_pdf = tmp_path / "other.pdf"
    with other_pdf.open("wb") as f:
        plain.write(f)
    line = one_error_line(run_cli("review", "verify-log", other_pdf), 5)
    assert "no signed entries" in line

    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + b"\x00\xff" * 500)
    line = one_error_line(run_cli("review", "verify-log", garbage), 5)
    assert "supervision log:" in line

    line = one_error_line(run_cli("review", "verify-log", tmp_path / "missing.pdf"), 5)
    assert "cannot be read" in line


def test_log_out_refuses_an_existing_file_without_force(
        logged: dict[str, Any], run_cli: Run, one_error_line: Any) -> None:
    before = logged["pdf"].read_bytes()
    one_error_line(run_cli("review", "log", "--vault", logged["vault"], "--out",
                           logged["pdf"], env=logged["env"]), 5)
    assert logged["pdf"].read_bytes() == before
    again = run_cli("review", "log", "--vault", logged["vault"], "--out", logged["pdf"],
                    "--force", env=logged["env"])
    assert again.returncode == 0, again.stderr


def test_log_given_lists_nothing_in_a_vault_that_sent_no_reply(
        logged: dict[str, Any], run_cli: Run) -> None:
    result = run_cli("review", "log", "--vault", logged["vault"], "--given",
                     env=logged["env"])
    assert result.returncode == 0, result.stderr
    assert "No supervision given is recorded for this period." in result.stdout
