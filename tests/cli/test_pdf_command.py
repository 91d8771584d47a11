"""`kapnotes pdf` as a user runs it: real subprocesses against a demo vault (the refusals
through the console entry in this process)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.basics import TEST_PASSPHRASE
from helpers.vault_template import copy_vault
from pypdf import PdfReader

from kapnotes.services.demo import DEMO_CLIENTS

MIRA = DEMO_CLIENTS[0].client


@pytest.fixture(scope="module")
def demo_vault(tmp_path_factory: pytest.TempPathFactory,
               demo_vault_template: Path) -> tuple[Path, Path]:
    """A copy of the process's `kapnotes demo` vault (tests/cli/conftest.py), for the module."""
    folder = tmp_path_factory.mktemp("pdfcli")
    pf = folder / "passphrase.txt"
    pf.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    return copy_vault(demo_vault_template, folder / "demo.kapnotes"), pf


def text_of(path: Path, password: str | None = None) -> tuple[str, dict[str, str]]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    if password:
        reader.decrypt(password)
    meta = {k: str(v) for k, v in (reader.metadata or {}).items()}
    return "\n".join(p.extract_text() for p in reader.pages), meta


def test_course_summary_identified_by_default(run_cli, demo_vault, tmp_path: Path) -> None:
    vault, pf = demo_vault
    out = tmp_path / "course.pdf"
    result = run_cli("pdf", "--vault", vault, "--passphrase-file", pf, "--client", "kap-001",
                     "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout and "identified" in result.stdout
    text, meta = text_of(out)
    assert MIRA.full_name in text and "Course summary" in text
    assert meta["/Title"] == f"Course summary — {MIRA.full_name} (KAP-001)"


def test_packet_deidentified_and_password_protected(run_cli, demo_vault,
                                                    tmp_path: Path) -> None:
    vault, pf = demo_vault
    password = tmp_path / "pdf-password.txt"
    password.write_text("correct horse battery\n", encoding="utf-8")
    out = tmp_path / "packet.pdf"
    result = run_cli("pdf", "--vault", vault, "--passphrase-file", pf, "--packet",
                     "--clients", "KAP-001,KAP-002", "--out", out, "--password-file", password)
    assert result.returncode == 0, result.stderr
    assert "de-identified, password-protected" in result.stdout
    assert PdfReader(io.BytesIO(out.read_bytes())).is_encrypted
    text, meta = text_of(out, "correct horse battery")
    assert "KAP-001" in text and "KAP-002" in text and "Contents" in text
    for client in (DEMO_CLIENTS[0].client, DEMO_CLIENTS[1].client):
        for value in (client.full_name, client.email, client.phone):
            assert value not in text and value not in str(meta)
            assert value not in result.stdout


def test_deidentified_export_prints_what_was_replaced_where(run_cli, demo_vault,
                                                            tmp_path: Path) -> None:
    vault, pf = demo_vault
    out = tmp_path / "course.pdf"
    result = run_cli("pdf", "--vault", vault, "--passphrase-file", pf, "--client", "KAP-001",
                     "--deidentify", "--out", out)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "review them before sharing" in lines[1]
    places = [line.strip() for line in lines[2:]]
    assert places and all(" › " in p or ": " in p for p in places)
    assert any("clinician name" in p for p in places), places  # referring clinician, prescriber
    for value in (MIRA.full_name, MIRA.phone, MIRA.email, *MIRA.full_name.split()):
        assert value not in result.stdout


def test_session_note_with_deidentify(run_cli, demo_vault, tmp_path: Path) -> None:
    vault, pf = demo_vault
    out = tmp_path / "note.pdf"
    result = run_cli("pdf", "--vault", vault, "--passphrase-file", pf, "--session", "2",
                     "--out", out, "--deidentify", "--include-private")
    assert result.returncode == 0, result.stderr
    text, _ = text_of(out)
    assert "Session note — KAP-001" in text and MIRA.full_name not in text
    assert "Private process notes are included" in text


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--client", "NOPE-9"], 5, "no client with the code"),
    (["--session", "9999"], 1, ""),
    (["--packet"], 5, "--clients"),
    (["--course", "1", "--session", "1"], 5, "goes with --client"),
    (["--client", "KAP-001", "--password-file", "short.txt"], 5, "at least 10"),
])
def test_errors_are_one_line(run_entry, demo_vault, tmp_path: Path,
                             one_error_line: Callable[..., str], args: list[str], code: int,
                             words: str) -> None:
    """Through the console entry in this process (tests/helpers/console_entry.py): the
    refusals need no interpreter of their own; the exports above run as subprocesses."""
    vault, pf = demo_vault
    (tmp_path / "short.txt").write_text("tiny\n", encoding="utf-8")
    out = tmp_path / "x.pdf"
    result = run_entry("pdf", "--vault", vault, "--passphrase-file", pf, "--out", out, *args)
    line = one_error_line(result, code)
    assert words in line
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_usage_needs_one_of_session_client_packet(run_cli, demo_vault, tmp_path: Path) -> None:
    vault, pf = demo_vault
    result = run_cli("pdf", "--vault", vault, "--passphrase-file", pf, "--out",
                     tmp_path / "x.pdf")
    assert result.returncode == 2
    assert "one of the arguments --session --client --packet is required" in result.stderr
