"""Issue 20: a client's approvals (an NSW authority to prescribe a Schedule 8 medicine, say)
shared between workstations, with real vaults and the real practice server: added, edited and
deleted on one workstation, shown (with their warnings) on another; an edit made on two
workstations apart leaves a conflict copy; a role that may not write approvals is refused and
told. Every clinician works through the services the window uses. All data is fictional."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers.s8 import choose_jurisdiction
from PySide6.QtCore import QSettings

from kapnotes.domain.approval_model import Approval
from kapnotes.practice import admin
from kapnotes.services import practice_link, practice_review
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.workspace import Workspace
from tests.practice.practice_helpers import unique_login
from tests.practice.workstations import Workstation, open_workstation

CLIENT = "KAP-2801"
KIND = "nsw_s8_authority"


@pytest.fixture
def server(practice_schema_dsn: str, tmp_path: Path) -> str:
    choose_jurisdiction(tmp_path, "AU-NSW")
    return practice_schema_dsn


def _client_id(ws: Workstation) -> int:
    client = ws.client(CLIENT)
    assert client is not None and client.id is not None
    return client.id


def _synced(ws: Workstation) -> None:
    report = ws.sync()
    assert (report.error, report.refused) == ("", 0), report


def _authority(ws: Workstation, ends_on: date) -> Approval:
    return ws.services.approvals.add(Approval(KIND, date(2026, 9, 1), ends_on,
                                              client_id=_client_id(ws), reference="NSW-A-1"))


def test_an_approval_added_edited_and_deleted_elsewhere_shows_with_its_warnings(
        server: str, tmp_path: Path) -> None:
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    therapist.new_client_with_course(CLIENT)  # a prescriber does not write client details
    _synced(therapist)
    _synced(prescriber)
    mine = _authority(prescriber, date(2026, 12, 10))
    _synced(prescriber)
    _synced(therapist)
    [theirs] = therapist.services.approvals.for_client(_client_id(therapist))
    assert (theirs.kind, theirs.ends_on, theirs.reference) == (KIND, date(2026, 12, 10),
                                                                "NSW-A-1")
    lapsing = [w.message for w in therapist.services.approvals.client_warnings(
        _client_id(therapist)) if w.kind == "lapsing"]
    assert lapsing == ["NSW authority to prescribe or supply a Schedule 8 medicine ends in "
                       "20 days (10 Dec 2026)"]

    prescriber.services.approvals.update(replace(mine, ends_on=date(2027, 6, 30)))
    _synced(prescriber)
    _synced(therapist)
    [renewed] = therapist.services.approvals.for_client(_client_id(therapist))
    assert renewed.ends_on == date(2027, 6, 30)
    assert not [w for w in therapist.services.approvals.client_warnings(
        _client_id(therapist)) if w.kind == "lapsing"]

    prescriber.services.approvals.delete(mine.id or 0)
    _synced(prescriber)
    _synced(therapist)
    assert therapist.services.approvals.for_client(_client_id(therapist)) == []
    assert therapist.status().pending == 0 and prescriber.status().pending == 0


def test_one_approval_edited_on_two_workstations_apart_keeps_a_conflict_copy(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    first = open_workstation(tmp_path, server, "presc1", "prescriber", CLIENT)
    second = open_workstation(tmp_path, server, "presc2", "prescriber", CLIENT)
    therapist.new_client_with_course(CLIENT)
    _synced(therapist)
    _synced(first)
    _authority(first, date(2026, 12, 10))
    _synced(first)
    _synced(second)
    for ws, ref in ((first, "NSW-A-2"), (second, "NSW-A-3")):
        [a] = ws.services.approvals.for_client(_client_id(ws))
        ws.services.approvals.update(replace(a, reference=ref))
    _synced(first)
    report = second.sync()
    assert (report.error, report.conflicts) == ("", 1)
    [kept] = second.services.approvals.for_client(_client_id(second))
    assert kept.reference == "NSW-A-2"  # the server's version, everywhere
    [copy] = practice_review.queue(second.vault).conflicts
    assert copy.kind == "approval"
    assert "NSW-A-3" in practice_review.conflict_text(second.vault, copy.id)


def test_a_therapist_reads_approvals_but_an_approval_they_add_is_refused_and_shown(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    therapist.new_client_with_course(CLIENT)
    _authority(therapist, date(2026, 12, 10))
    report = therapist.sync()
    assert report.refused == 1
    assert "may not write approval" in report.refusals[0].message


def test_the_therapists_client_page_warns_of_an_approval_a_prescriber_added_elsewhere(
        server: str, tmp_path: Path, qtbot: Any) -> None:
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    therapist.new_client_with_course(CLIENT)
    _synced(therapist)
    _synced(prescriber)
    _authority(prescriber, date(2026, 12, 10))
    _synced(prescriber)
    _synced(therapist)
    main = MainWindow(therapist.vault, settings=QSettings(
        str(tmp_path / "ther.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    workspace = Workspace(main, therapist.services, signer_name="ther")
    main.show()
    workspace.open_client(_client_id(therapist))
    shown = workspace.client_view.header.approvals.text()
    assert "NSW authority to prescribe or supply a Schedule 8 medicine ends in 20 days" in shown
    main.grab().save(str(tmp_path / "therapist-client.png"))


def test_an_approval_renewed_while_the_vault_had_left_goes_out_at_the_rejoin(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    therapist.new_client_with_course(CLIENT)
    _synced(therapist)
    _synced(prescriber)
    mine = _authority(prescriber, date(2026, 12, 10))
    _synced(prescriber)
    assert practice_link.leave(prescriber.vault) == 0
    prescriber.services.approvals.update(replace(mine, ends_on=date(2027, 6, 30)))
    login = unique_login("presc")
    code = admin.add_clinician(server, login, "prescriber")
    admin.assign(server, CLIENT, login)
    practice_link.join(prescriber.vault, server, code, login)
    back = prescriber.sync()
    # (A re-join also sends the client's details again, which a prescriber may not write.)
    assert back.error == "" and all("may not write client" in r.message
                                    for r in back.refusals)
    _synced(therapist)
    [renewed] = therapist.services.approvals.for_client(_client_id(therapist))
    assert renewed.ends_on == date(2027, 6, 30)
