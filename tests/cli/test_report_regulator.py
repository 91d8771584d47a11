"""`kapnotes report tga-six-monthly | adverse-events | approvals | pbs-sheet` through the
installed console entry (`.venv/bin/kapnotes`), on a vault with real records: files read back
(CSV parsed, PDF with pypdf), the approvals table printed, hostile options refused with one
line and nothing written (the refusals through the same entry function in this process,
tests/helpers/console_entry.py). All data is fictional."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers.basics import TEST_PASSPHRASE, FakeClock
from helpers.console_entry import run_entry
from helpers.s8 import choose_jurisdiction, dosing_session, vault_under_policy
from helpers.vault_template import copy_vault
from pypdf import PdfReader

from kapnotes.domain.approval_model import Approval

ENTRY = Path(sys.executable).with_name("kapnotes")  # the console script pip installed


def run(tmp_path: Path, *args: str | Path, in_process: bool = False
        ) -> subprocess.CompletedProcess[str]:
    """The installed script as a subprocess; with `in_process`, the same entry function in this
    process (tests/helpers/console_entry.py), for the refusals."""
    if in_process:
        return run_entry(args, env={**os.environ}, cwd=tmp_path)
    return subprocess.run([str(ENTRY), *map(str, args)], capture_output=True, text=True,
                          env={**os.environ}, cwd=tmp_path, stdin=subprocess.DEVNULL,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def records_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The vault with the records, made once for the module under an AU-NSW policy of its own
    (never the process's); each test gets a copy (`records_vault`)."""
    folder = tmp_path_factory.mktemp("records")
    with vault_under_policy(folder, "AU-NSW", FakeClock(datetime(2026, 7, 10, 9))) as services:
        services.approvals.add(Approval(
            "tga_authorised_prescriber", date(2026, 1, 1), date(2027, 6, 30),
            medicine="ketamine", indication="Treatment-resistant PTSD",
            ethics_approval="Bellbird HREC 2025/114", reference="AP-2026-0042"))
        for code, at in (("KAP-301", datetime(2026, 2, 3, 9)),
                         ("KAP-301", datetime(2026, 5, 3, 9)),
                         ("KAP-302", datetime(2026, 6, 1, 9))):
            sid = dosing_session(services, code=code, at=at)
            services.monitoring.update_record(sid, {"medication": "ketamine", "route": "im",
                                                    "dose_mg": 60})
        services.monitoring.set_adverse_effect(sid, "nausea", "mild", note="Settled by rest")
        cid = services.clients.by_code("KAP-302").id
        # Ends far ahead of the real today: listed only with a long enough window.
        services.approvals.add(Approval("nsw_s8_authority", date(2026, 6, 1),
                                        date(2036, 1, 1), client_id=cid,
                                        reference="NSW-A-99"))
    return folder / "vault.kapnotes"


@pytest.fixture
def records_vault(records_template: Path, vault_path: Path, passphrase: str,
                  tmp_path: Path) -> Path:
    """This test's copy of the records vault, under this test's own AU-NSW policy."""
    assert passphrase == TEST_PASSPHRASE  # the template's
    choose_jurisdiction(tmp_path, "AU-NSW")
    return copy_vault(records_template, vault_path)


def test_the_console_entry_writes_the_tga_report_as_csv_and_pdf(
        records_vault: Path, passphrase_file: Path, tmp_path: Path) -> None:
    assert ENTRY.exists()
    out = tmp_path / "tga.csv"
    result = run(tmp_path, "report", "tga-six-monthly", "--vault", records_vault,
                 "--passphrase-file", passphrase_file, "--period", "2026H1", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "TGA six-monthly report 2026H1, 1 authorisation(s)" in result.stdout
    row = next(csv.DictReader(io.StringIO(out.read_text())))
    assert (row["new_patients"], row["total_patients"], row["due"]) == ("2", "2", "2026-07-31")
    pdf = tmp_path / "tga.pdf"
    result = run(tmp_path, "report", "tga-six-monthly", "--vault", records_vault,
                 "--passphrase-file", passphrase_file, "--period", "2026H1", "--out", pdf)
    assert result.returncode == 0, result.stderr
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "AP-2026-0042" in text and "Total patients treated in the period 2" in text


def test_adverse_events_and_the_approvals_table(records_vault: Path, passphrase_file: Path,
                                                tmp_path: Path) -> None:
    out = tmp_path / "ae.csv"
    result = run(tmp_path, "report", "adverse-events", "--vault", records_vault,
                 "--passphrase-file", passphrase_file, "--from", "2026-06-01", "--to",
                 "2026-06-30", "--out", out)
    assert result.returncode == 0, result.stderr and "1 adverse event(s)" in result.stdout
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[1][:6] == ["2026-06-01", "KAP-302", "ketamine im", "60 mg",
                           "Nausea: Settled by rest", "Mild"]
    table = run(tmp_path, "report", "approvals", "--vault", records_vault,
                "--passphrase-file", passphrase_file)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["Ends", "Days", "Holder", "Approval", "Reference", "Medicine"]
    assert any("KAP-302" in line and "NSW-A-99" in line for line in lines)
    assert any("Prescriber" in line and "AP-2026-0042" in line for line in lines)
    soon = run(tmp_path, "report", "approvals", "--vault", records_vault,
               "--passphrase-file", passphrase_file, "--lapsing-within", "30")
    assert soon.returncode == 0 and "No approvals lapse in that time." in soon.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("tga-six-monthly", "--period", "2026Q9", "--out", "t.csv"), "--period: must be a year"),
    (("tga-six-monthly", "--out", "t.docx"), "--out: must end in .csv or .pdf"),
    (("adverse-events", "--from", "2026-13-01", "--to", "2026-01-01", "--out", "a.csv"),
     "--from: must be a date"),
    (("adverse-events", "--from", "2026-02-01", "--to", "2026-01-01", "--out", "a.csv"),
     "--to: the end of the period is before"),
    (("approvals", "--lapsing-within", "-3"), "--lapsing-within: must be a whole number"),
    (("approvals", "--lapsing-within", "9" * 40), "--lapsing-within: must be a whole number"),
    (("pbs-sheet", "--client", "KAP-999", "--out", "p.pdf"), "--client: no client has"),
])
def test_hostile_options_exit_with_one_line_and_write_nothing(
        records_vault: Path, passphrase_file: Path, tmp_path: Path, one_error_line: object,
        args: tuple[str, ...], message: str) -> None:
    before = records_vault.read_bytes()
    result = run(tmp_path, "report", args[0], "--vault", records_vault, "--passphrase-file",
                 passphrase_file, *args[1:], in_process=True)
    assert message in one_error_line(result, 5)
    assert not any(p.suffix in (".csv", ".pdf", ".docx") for p in tmp_path.iterdir())
    assert records_vault.read_bytes() == before


def test_an_existing_file_is_not_replaced_without_force(
        records_vault: Path, passphrase_file: Path, tmp_path: Path,
        one_error_line: object) -> None:
    keep = tmp_path / "keep.csv"
    keep.write_text("mine\n")
    before = records_vault.read_bytes()
    result = run(tmp_path, "report", "adverse-events", "--vault", records_vault,
                 "--passphrase-file", passphrase_file, "--from", "2026-01-01", "--to",
                 "2026-12-31", "--out", keep, in_process=True)
    assert "--out" in one_error_line(result, 5)
    assert keep.read_text() == "mine\n" and records_vault.read_bytes() == before


def test_a_report_never_lands_on_the_vaults_files_or_backups(
        records_vault: Path, passphrase_file: Path, tmp_path: Path,
        one_error_line: object) -> None:
    from kapnotes.storage.backups import backup_dir_for

    keys = records_vault.with_name(records_vault.name + ".keys")
    key_bytes, vault_bytes = keys.read_bytes(), records_vault.read_bytes()
    link = tmp_path / "elsewhere" / "tga.csv"
    link.parent.mkdir()
    link.symlink_to(keys)
    folder = backup_dir_for(records_vault)
    folder.mkdir(exist_ok=True)
    for target in (link, folder / "ae.csv"):
        result = run(tmp_path, "report", "adverse-events", "--vault", records_vault,
                     "--passphrase-file", passphrase_file, "--from", "2026-01-01", "--to",
                     "2026-12-31", "--out", target, "--force", in_process=True)
        one_error_line(result, 5)
    assert keys.read_bytes() == key_bytes and records_vault.read_bytes() == vault_bytes
    assert link.is_symlink() and not (folder / "ae.csv").exists()
