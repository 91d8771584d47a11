"""Issue 20: what a prescriber's window and course PDF show of a consent, a screen and a moved
planned slot another clinician recorded on another workstation, both workstations synced by the real
`kapnotes sync` (real vaults, real server, real widgets offscreen, the PDF read back with
pypdf). All data is fictional."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from helpers.basics import TEST_PASSPHRASE
from pypdf import PdfReader
from PySide6.QtCore import QSettings

from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.services import exports
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.workspace import Workspace
from tests.practice.workstations import Workstation, open_workstation

CLIENT = "KAP-2402"



def _sync(run_kapnotes: Any, ws: Workstation, tmp_path: Path) -> str:
    secret = tmp_path / "passphrase.txt"
    secret.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    ws.close()  # the command takes the vault's lock, as with the app closed
    result = run_kapnotes("sync", "--vault", str(ws.path), "--passphrase-file", str(secret))
    ws.reopen()
    assert result.returncode == 0, result.stderr
    return str(result.stdout)


def test_the_prescribers_window_and_pdf_show_a_consent_and_screen_recorded_elsewhere(
        server: str, tmp_path: Path, qtbot: Any, run_kapnotes: Any) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    client_id, _course = therapist.new_client_with_course(CLIENT)
    therapist.services.consents.record(client_id, "kap_informed", signed_on=date(2026, 11, 10))
    therapist.services.monitoring.save_screen(client_id, Screen(
        screened_on=date(2026, 11, 12),
        answers=tuple(ScreenAnswer(i, Answer.YES if i is ScreenItem.PREGNANCY else Answer.NO,
                                   "") for i in ScreenItem),
        medicines=("diazepam 5 mg",)), screened_by="Ari Therapist")
    slot = next(e.slot for e in therapist.services.courses.timeline(_course).entries
                if e.slot.kind.value == "integration" and e.slot.planned_date > date(2026, 11, 21))
    therapist.services.courses.move_slot(slot.id, slot.planned_date + timedelta(days=1),
                                         "Fictional: room booked")
    assert _sync(run_kapnotes, therapist, tmp_path).startswith("Pushed 4 changes")
    assert _sync(run_kapnotes, prescriber, tmp_path).startswith("Pushed 0 changes, pulled 4")

    mine = prescriber.client(CLIENT)
    assert mine is not None and mine.id is not None
    dose = prescriber.dosing_session(CLIENT)
    main = MainWindow(prescriber.vault, settings=QSettings(
        str(tmp_path / "presc.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    workspace = Workspace(main, prescriber.services, signer_name="presc")
    main.show()
    workspace.open_client(mine.id)
    timeline = workspace.client_view.timeline_view.model()
    details = [timeline.display_text(r, timeline.columnCount() - 1)
               for r in range(timeline.rowCount())]
    assert any("Fictional: room booked" in d for d in details)  # the plan, moved elsewhere
    main.grab().save(str(tmp_path / "prescriber-client.png"))
    header = workspace.client_view.header.screening_label.text()
    assert "No contraindication screen recorded" not in header
    assert "Pregnancy" in header and "diazepam" in header
    workspace.open_session(dose)
    line = workspace.editor.consents_line
    assert "KAP informed consent" in line.label.text()
    assert not line.warning.isVisible()
    main.grab().save(str(tmp_path / "prescriber-window.png"))

    job = exports.build_course_report(prescriber.services, mine.id,
                                      exports.options_for(prescriber.services,
                                                          deidentified=True))
    path = exports.export_pdf(prescriber.services, job, tmp_path / "course.pdf")
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(
        io.BytesIO(path.read_bytes())).pages).split())
    assert "No contraindication screen recorded" not in text
    assert "by Ari Therapist" in text and "diazepam 5 mg" in text
    # `kapnotes check` on the receiving vault, through the real console entry: clean.
    main.close()
    prescriber.close()
    secret = tmp_path / "passphrase.txt"
    check = run_kapnotes("check", "--vault", str(prescriber.path), "--passphrase-file",
                         str(secret))
    assert check.returncode == 0, check.stdout + check.stderr
