"""`kapnotes report s8-register` as a practice scripts it: a real subprocess on a vault with a
register (made once per module, copied for each test), the PDF read back with pypdf; bad
options exit with one clear line (through the console entry in this process)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers.basics import TEST_PASSPHRASE, FakeClock
from helpers.s8 import (
    ESKETAMINE,
    choose_jurisdiction,
    dosing_session,
    esketamine_given,
    vault_under_policy,
)
from helpers.vault_template import copy_vault
from pypdf import PdfReader

from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_register import EntryDraft
from kapnotes.storage import audit, lifecycle

BY = "Dr Kim Sample"


@pytest.fixture(scope="module")
def register_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The vault with the register, made once for the module under an AU-QLD policy of its own
    (never the process's); each test gets a copy (`register_vault`)."""
    folder = tmp_path_factory.mktemp("register")
    with vault_under_policy(folder, "AU-QLD", FakeClock()) as services:
        s8 = services.s8
        reg = s8.open_register(ESKETAMINE)
        s8.add(reg.id, EntryDraft(EntryKind.RECEIPT, datetime(2026, 10, 30, 9, tzinfo=UTC), 12,
                                  BY, supplier="Harbour Pharmacy", invoice="INV-77"))
        wrong = s8.add(reg.id, EntryDraft(EntryKind.TRANSFER_OUT,
                                          datetime(2026, 11, 1, tzinfo=UTC), 3, BY,
                                          party="Bay St Clinic"))
        s8.correct(wrong.id, 2, "Two went, not three", recorded_by=BY)
        session_id = dosing_session(services)
        esketamine_given(services, session_id)
        s8.record_proposal(s8.proposal(session_id), recorded_by=BY)
        s8.add(reg.id, EntryDraft(EntryKind.STOCKTAKE, datetime(2026, 11, 21, tzinfo=UTC), 7,
                                  BY, explanation="One device broken in the safe; destroyed "
                                  "later"))
    return folder / "vault.kapnotes"


@pytest.fixture
def register_vault(register_template: Path, vault_path: Path, passphrase: str,
                   tmp_path: Path) -> Path:
    """This test's copy of the register vault, under this test's own AU-QLD policy."""
    assert passphrase == TEST_PASSPHRASE  # the template's
    choose_jurisdiction(tmp_path, "AU-QLD")
    return copy_vault(register_template, vault_path)


def test_the_register_pdf_shows_every_entry_with_its_running_balance(
        run_cli: Callable, register_vault: Path, passphrase_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "register.pdf"
    result = run_cli("report", "s8-register", "--vault", register_vault, "--passphrase-file",
                     passphrase_file, "--medicine", ESKETAMINE, "--out", out,
                     env={"KAPNOTES_POLICY": os.environ["KAPNOTES_POLICY"]})
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout and "1 register(s)" in result.stdout
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    flat = " ".join(text.split())
    assert "Schedule 8 register: Esketamine 28 mg nasal spray device" in flat
    assert "Queensland" in flat
    assert "From Harbour Pharmacy, invoice INV-77" in flat
    assert "Client KAP-801, dosing session" in flat and "56 mg" in flat
    assert "Corrects entry 2: should be 2 device(s)" in flat and "[corrected by entry 3]" in flat
    assert "DISCREPANCY -1" in flat
    assert "Balance at end of period 7" in flat
    assert "Signature" in flat and "Witness" in flat
    assert "Robin" not in flat  # clients by code only


def test_a_period_starts_from_the_balance_brought_forward(
        run_cli: Callable, register_vault: Path, passphrase_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "later.pdf"
    result = run_cli("report", "s8-register", "--vault", register_vault, "--passphrase-file",
                     passphrase_file, "--from", "2099-01-01", "--to", "2099-01-31",
                     "--out", out)
    assert result.returncode == 0, result.stderr
    flat = " ".join("\n".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "Balance brought forward 7" in flat and "No entries in this period." in flat


@pytest.mark.parametrize(("args", "message"), [
    (("--from", "30/11/2026"), "--from: must be a date like 2026-11-30."),
    (("--from", "2026-11-30", "--to", "2026-11-01"), "--to: the end of the period is before"),
    (("--medicine", "heroin_1g"), "--medicine: no register is kept for 'heroin_1g'"),
])
def test_bad_options_exit_with_one_line_and_write_nothing(
        run_entry: Callable, one_error_line: Callable, register_vault: Path,
        passphrase_file: Path, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    """Through the console entry in this process (tests/helpers/console_entry.py); the reports
    above run as real subprocesses."""
    out = tmp_path / "x.pdf"
    result = run_entry("report", "s8-register", "--vault", register_vault, "--passphrase-file",
                     passphrase_file, *args, "--out", out)
    assert message in one_error_line(result, 5)
    assert not out.exists()


def test_the_export_is_audited(run_cli: Callable, register_vault: Path, passphrase_file: Path,
                               passphrase: str, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    assert run_cli("report", "s8-register", "--vault", register_vault, "--passphrase-file",
                   passphrase_file, "--out", out).returncode == 0
    vault = lifecycle.unlock_vault(register_vault, passphrase=passphrase)
    try:
        kinds = [e.record_type for e in audit.entries(vault) if e.event.startswith("export")]
    finally:
        vault.close()
    assert "s8_register" in kinds
