"""Issue 20: what a nurse's window shows of the Schedule 8 register and of the audit trail
after a therapist's workstation gave a dose and entered it, both synced by the real
`kapnotes sync` (real vaults, real server, real widgets offscreen): the register window's lines
and balance in the practice order, and File → Practice → Audit from other workstations…
naming who did what on which workstation. All data is fictional."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.basics import TEST_PASSPHRASE
from helpers.s8 import ESKETAMINE, choose_jurisdiction, dosing_session, esketamine_given
from PySide6.QtCore import QSettings

from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_register import EntryDraft
from kapnotes.storage import audit
from kapnotes.ui.dialogs.practice_audit import COLUMNS, PracticeAuditDialog
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.practice_menu import PracticeMenu
from kapnotes.ui.s8_register_view import S8RegisterView
from tests.practice.workstations import Workstation, open_workstation

CLIENT = "KAP-5501"
WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def server(practice_schema_dsn: str, tmp_path: Path) -> str:
    choose_jurisdiction(tmp_path)
    return practice_schema_dsn


def _sync(run_kapnotes: Any, ws: Workstation, tmp_path: Path) -> str:
    secret = tmp_path / "passphrase.txt"
    secret.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    ws.close()  # the command takes the vault's lock, as with the app closed
    result = run_kapnotes("sync", "--vault", str(ws.path), "--passphrase-file", str(secret))
    ws.reopen()
    assert result.returncode == 0, result.stderr
    return str(result.stdout)


def test_the_nurses_window_shows_the_register_and_the_audit_from_another_workstation(
        server: str, tmp_path: Path, qtbot: Any, run_kapnotes: Any) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    s8 = therapist.services.s8
    register = s8.open_register(ESKETAMINE)
    s8.add(register.id, EntryDraft(EntryKind.RECEIPT, WHEN, 10, "ther",
                                   supplier="Harbour Pharmacy", invoice="INV-77"))
    session = dosing_session(therapist.services, CLIENT)
    esketamine_given(therapist.services, session)
    proposal = s8.proposal(session)
    assert proposal is not None
    s8.record_proposal(proposal, recorded_by="ther")
    assert _sync(run_kapnotes, therapist, tmp_path).startswith("Pushed ")
    assert _sync(run_kapnotes, nurse, tmp_path).startswith("Pushed 0 changes, pulled ")

    main = MainWindow(nurse.vault, settings=QSettings(
        str(tmp_path / "nurse.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    practice = PracticeMenu(main, first_sync_ms=3_600_000)
    main.show()
    view = S8RegisterView(nurse.services, main)
    qtbot.addWidget(view)
    view.show()
    view.choice.setCurrentIndex(view.choice.findData(ESKETAMINE))
    rows = [[view.table.item(r, c).text() for c in range(view.table.columnCount())]
            for r in range(view.table.rowCount())]
    assert [(r[3], r[4], r[5]) for r in rows] == [("10", "", "10"), ("", "2", "8")]
    assert f"Client {CLIENT}, dosing session" in rows[1][2]
    assert view.balance_label.text() == "Balance: 8 device(s)"
    view.grab().save(str(tmp_path / "register.png"))

    assert practice.audit_action.isVisible()
    practice.audit_action.trigger()
    dialog = main.findChild(PracticeAuditDialog)
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    shown = [{COLUMNS[c]: table.item(r, c).text() for c in range(table.columnCount())}
             for r in range(table.rowCount())]
    workstation = audit.entries(therapist.vault)[-1].workstation
    assert {row["Sent by"] for row in shown} == {therapist.login}
    assert {row["Workstation"] for row in shown} == {workstation}
    events = {(row["Event"], row["Client"]) for row in shown}
    assert ("Client added", CLIENT) in events
    assert ("Schedule 8 register entry: administration",
            "Practice (Schedule 8 register)") in events
    assert dialog.chain_label.text().startswith("✓ Every link holds")
    dialog.client_combo.setCurrentIndex(dialog.client_combo.findData(CLIENT))
    assert table.rowCount() and all(table.item(r, 5).text() == CLIENT
                                     for r in range(table.rowCount()))
    dialog.grab().save(str(tmp_path / "audit.png"))
    practice.stop()


def test_the_register_window_flags_a_balance_below_zero_and_a_dose_without_its_client(
        server: str, tmp_path: Path, qtbot: Any) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse")  # on no care team
    s8 = therapist.services.s8
    register = s8.open_register(ESKETAMINE)
    s8.add(register.id, EntryDraft(EntryKind.RECEIPT, WHEN, 2, "ther",
                                   supplier="Harbour Pharmacy", invoice="INV-77"))
    assert therapist.sync().error == "" and nurse.sync().error == ""
    session = dosing_session(therapist.services, CLIENT)
    esketamine_given(therapist.services, session)
    proposal = s8.proposal(session)
    assert proposal is not None
    s8.record_proposal(proposal, recorded_by="ther")        # both devices, there
    [mine] = nurse.services.s8.registers()
    nurse.services.s8.add(mine.id, EntryDraft(EntryKind.TRANSFER_OUT, WHEN, 2, "nurse",
                                              party="Bay St Clinic"))  # and both, here
    assert therapist.sync().error == "" and nurse.sync().error == ""
    view = S8RegisterView(nurse.services)
    qtbot.addWidget(view)
    view.show()
    view.choice.setCurrentIndex(view.choice.findData(ESKETAMINE))
    details = [view.table.item(r, 2).text() for r in range(view.table.rowCount())]
    assert details[1].startswith("A client not on this workstation's care teams: 56 mg")
    assert "BALANCE BELOW ZERO" in details[2]
    assert view.balance_label.text() == "Balance: -2 device(s)"
    plain = view.table.item(0, 2).background().color()
    assert view.table.item(2, 2).background().color() != plain  # the line to look at
    view.grab().save(str(tmp_path / "register-below-zero.png"))
