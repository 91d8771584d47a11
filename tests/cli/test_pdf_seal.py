"""Every PDF of a signed note prints its seal (short digest) and the audit chain's head, so a
copy already sent can be compared: an altered note prints another seal and a warning."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader
from signed_note import CODE, SignedVault
from test_check_tamper import tamper

from kapnotes.storage import audit, lifecycle, seals

SEAL = re.compile(r"Seal ([0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4})")


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def export(run_cli, signed: SignedVault, pf: Path, out: Path, *what: str) -> str:
    result = run_cli("pdf", "--vault", signed.path, "--passphrase-file", pf, *what,
                     "--out", out)
    assert result.returncode == 0, result.stderr
    return squash(pdf_text(out))


def test_session_pdf_and_packet_print_the_seal_and_the_audit_head(
        run_cli, signed, passphrase_file, passphrase, tmp_path) -> None:
    with lifecycle.unlock_vault(signed.path, passphrase=passphrase) as vault:
        as_signed, newest, intact = seals.current_seal(vault, signed.session_id)
    assert intact
    note = export(run_cli, signed, passphrase_file, tmp_path / "note.pdf",
                  "--session", str(signed.session_id))
    assert SEAL.search(note).group(1) == seals.short(as_signed)
    assert f"with its addenda {seals.short(newest)}" in note
    with lifecycle.unlock_vault(signed.path, passphrase=passphrase) as vault:
        log = audit.entries(vault)
    # The head printed is the log as it stood before the export's own entry.
    before = next(i for i, e in enumerate(log) if e.event == "export.pdf")
    assert f"Audit log at export: {before} entries, head {log[before - 1].hash[:12]}" in note
    assert log[-1].event == "vault.unlock" and log[-1].detail == "command line: pdf"

    packet = export(run_cli, signed, passphrase_file, tmp_path / "packet.pdf",
                    "--packet", "--clients", CODE)
    assert seals.short(as_signed) in packet and "Audit log at export:" in packet


def test_an_altered_note_prints_another_seal_and_a_warning(
        run_cli, signed, passphrase_file, passphrase, tmp_path) -> None:
    before = export(run_cli, signed, passphrase_file, tmp_path / "before.pdf",
                    "--session", str(signed.session_id))
    tamper(signed.path, passphrase,
           ("UPDATE session_fields SET value = '\"Never depressed.\"' WHERE session_id = ?"
            " AND field_id = 'reasons'", (signed.session_id,)))
    after = export(run_cli, signed, passphrase_file, tmp_path / "after.pdf",
                   "--session", str(signed.session_id))
    assert SEAL.search(before).group(1) != SEAL.search(after).group(1)
    assert "no longer matches the seal" in after and "no longer matches" not in before
