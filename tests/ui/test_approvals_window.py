"""Approvals and the regulator reports in the window (issue 19): the Reports menu's actions,
the approvals dialog adding, refusing, editing and deleting, the lapse warning in the client
header and under the dose, and a report saved from its dialog. Real widgets over a real vault;
all data is fictional."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from helpers.s8 import choose_jurisdiction, dosing_session
from pypdf import PdfReader
from PySide6.QtWidgets import QMainWindow

from kapnotes.domain.approval_model import Approval
from kapnotes.domain.models import Client, Course
from kapnotes.ui.client_view import ClientView
from kapnotes.ui.monitoring_panel import MonitoringPanel
from kapnotes.ui.report_actions import ADVERSE, PBS, TGA, RegulatorReportActions
from kapnotes.ui.widgets.approval_warnings import DoseApprovalWarnings
from kapnotes.ui.widgets.qt_dates import to_qdate

SHOTS = Path("/tmp")


def window_with_reports(qtbot: Any, services: Any) -> tuple[QMainWindow, RegulatorReportActions]:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.reports_menu = window.menuBar().addMenu("&Reports")  # as MainWindow builds it
    return window, RegulatorReportActions(services, window)


def test_the_reports_menu_has_the_approvals_and_each_report(qtbot: Any, services: Any,
                                                            tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU-NSW")
    window, actions = window_with_reports(qtbot, services)
    texts = [a.text() for a in window.reports_menu.actions()]
    assert texts == ["&Approvals and permits…", "&TGA six-monthly report…",
                     "A&dverse-event line list…", "&PBS eligibility sheet…"]
    actions.approvals_action.trigger()
    dialog = actions.approvals_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.empty.isVisible() and "No approvals are recorded" in dialog.empty.text()
    assert dialog.lapsing_label.text() == "Nothing lapses in the next 30 days."


def test_adding_a_permit_in_the_dialog_lists_it_as_lapsing(qtbot: Any, services: Any,
                                                           tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU-NSW")
    client = services.clients.create(Client(code="KAP-701", full_name="Jo Fictional"))
    _window, actions = window_with_reports(qtbot, services)
    dialog = actions.open_approvals()
    editor = dialog.add()
    editor.kind.setCurrentIndex(editor.kind.findData("nsw_s8_authority"))
    editor.client.setCurrentIndex(editor.client.findData(client.id))
    editor.reference.setText("NSW-A-4410")
    editor.starts.setDate(to_qdate(date(2026, 6, 1)))
    editor.ends.setDate(to_qdate(date(2026, 5, 1)))  # before the start: refused
    editor.save()
    assert editor.isVisible() and "End date: is before the start date" in editor.error.text()
    assert services.approvals.all() == []
    editor.ends.setDate(to_qdate(date(2026, 12, 10)))
    editor.save()
    assert not editor.isVisible() and editor.saved is not None
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert [dialog.table.item(0, c).text() for c in range(4)] == [
        "10 Dec 2026", "20", "KAP-701", "NSW authority to prescribe or supply a Schedule 8 "
                                       "medicine"]
    assert "KAP-701 NSW authority" in dialog.lapsing_label.text()
    dialog.grab().save(str(SHOTS / "i19b-approvals-dialog.png"))
    dialog.table.selectRow(0)
    edit = dialog.edit_selected()
    assert edit is not None and edit.reference.text() == "NSW-A-4410"
    edit.ends.setDate(to_qdate(date(2027, 12, 10)))
    edit.save()
    qtbot.waitUntil(lambda: dialog.table.item(0, 0).text() == "10 Dec 2027")
    assert dialog.lapsing_label.text() == "Nothing lapses in the next 30 days."
    dialog.confirm = lambda _text: True
    dialog.table.selectRow(0)
    dialog.delete_selected()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0)
    assert services.approvals.all() == []


def model_rows(view: ClientView) -> int:
    return view.timeline_view.timeline_model.rowCount()


def test_the_client_header_warns_before_the_permit_lapses(qtbot: Any, services: Any,
                                                          tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU-NSW")
    client = services.clients.create(Client(code="KAP-702", full_name="Ari Fictional"))
    services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                   start_date=date(2026, 11, 2)))
    view = ClientView(services)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    view.set_client(client.id)
    # The plan runs past two months of continuous treatment: NSW wants an authority.
    assert view.header.approvals.isVisible()
    assert view.header.approvals.text().startswith(
        "⚠ NSW authority to prescribe or supply a Schedule 8 medicine needed from 1 Jan 2027")
    assert "PBS" not in view.header.approvals.text()
    services.approvals.add(Approval("pbs_authority_esketamine", date(2026, 8, 1),
                                    date(2026, 12, 1), client_id=client.id))
    qtbot.waitUntil(lambda: view.header.approvals.isVisible())
    text = view.header.approvals.text()
    assert "⚠ PBS authority for esketamine ends in 11 days (1 Dec 2026)" in text
    assert "Planned dose on" in text and "falls after the PBS authority for esketamine" in text
    assert "Schedule of Pharmaceutical Benefits" in view.header.approvals.toolTip()
    # The schedule marks each planned dose after the end, with why in its tooltip.
    qtbot.waitUntil(lambda: any("⚠ approval" in view.timeline_view.timeline_model
                                .display_text(r, 4) for r in range(model_rows(view))))
    model = view.timeline_view.timeline_model
    marked = [model.entry(r).state.effective_date for r in range(model_rows(view))
              if "⚠ approval" in model.display_text(r, 4)]
    assert marked and min(marked) == date(2026, 12, 7)
    assert all(d > date(2026, 12, 1) for d in marked)
    first = next(r for r in range(model_rows(view)) if "⚠ approval" in model.display_text(r, 4))
    assert "falls after the PBS authority" in model.describe(model.entry(first))
    qtbot.wait(50)  # the layout settles
    view.grab().save(str(SHOTS / "i19b-client-header.png"))


def test_the_dose_entry_warns_when_the_dose_falls_after_the_end(qtbot: Any, services: Any,
                                                                tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU-NSW")
    session_id = dosing_session(services, code="KAP-703", at=datetime(2026, 12, 20, 9))
    cid = services.clients.by_code("KAP-703").id
    panel = MonitoringPanel(services, session_id)
    qtbot.addWidget(panel)
    panel.show()
    warnings = panel.findChild(DoseApprovalWarnings, "dose_approval_warnings")
    assert warnings is not None and not warnings.isVisible()
    services.approvals.add(Approval("pbs_authority_esketamine", date(2026, 8, 1),
                                    date(2026, 12, 15), client_id=cid))
    qtbot.waitUntil(lambda: warnings.isVisible())
    assert "Planned dose on 20 Dec 2026 falls after the PBS authority" in warnings.text()
    panel.grab().save(str(SHOTS / "i19b-dose-entry.png"))


def test_reports_saved_from_their_dialogs(qtbot: Any, services: Any, tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU-NSW")
    services.approvals.add(Approval(
        "tga_authorised_prescriber", date(2026, 1, 1), date(2027, 6, 30), medicine="ketamine",
        indication="Treatment-resistant PTSD", ethics_approval="Bellbird HREC 2025/114",
        reference="AP-2026-0042"))
    sid = dosing_session(services, code="KAP-704", at=datetime(2026, 5, 5, 9))
    services.monitoring.update_record(sid, {"medication": "ketamine", "route": "im",
                                            "dose_mg": 60})
    services.monitoring.set_adverse_effect(sid, "dizziness", "mild")
    _window, actions = window_with_reports(qtbot, services)
    tga = actions.open_report(TGA)
    assert tga.period.currentData() == "2026H1"  # the last period that has ended
    # Only this report's fields show (another report's would sit over the form).
    assert tga.period.isVisible() and not tga.first.isVisible()
    assert not tga.client.isVisible()
    tga.format.setCurrentText("CSV")
    out = tga.save(tmp_path / "tga.csv")
    assert out is not None and "Saved tga.csv." == tga.done_label.text()
    row = next(csv.DictReader(io.StringIO(out.read_text())))
    assert (row["new_patients"], row["total_patients"]) == ("1", "1")
    ae = actions.open_report(ADVERSE)
    ae.first.setDate(to_qdate(date(2026, 5, 1)))
    ae.last.setDate(to_qdate(date(2026, 4, 1)))
    assert ae.save(tmp_path / "ae.pdf") is None and "--to" in ae.error.text()
    ae.last.setDate(to_qdate(date(2026, 5, 31)))
    pdf = ae.save(tmp_path / "ae.pdf")
    assert pdf is not None and "Dizziness" in PdfReader(pdf).pages[0].extract_text()
    pbs = actions.open_report(PBS)
    pbs.client.setCurrentIndex(pbs.client.findData("KAP-704"))
    sheet = pbs.save(tmp_path / "pbs.pdf")
    assert sheet is not None and "KAP-704" in PdfReader(sheet).pages[0].extract_text()


def test_start_up_names_what_lapses_and_what_is_due(qtbot: Any, services: Any, clock: Any,
                                                    tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU-NSW")
    client = services.clients.create(Client(code="KAP-705", full_name="Kit Fictional"))
    services.approvals.add(Approval("nsw_s8_authority", date(2026, 1, 1), date(2026, 12, 1),
                                    client_id=client.id))
    services.approvals.add(Approval(
        "tga_authorised_prescriber", date(2026, 1, 1), date(2027, 6, 30), medicine="ketamine",
        indication="PTSD", ethics_approval="Bellbird HREC 2025/114"))
    clock.now = datetime(2026, 11, 25, 9)
    window, actions = window_with_reports(qtbot, services)
    qtbot.waitUntil(lambda: "within 30 days" in window.statusBar().currentMessage())
    assert window.statusBar().currentMessage() == (
        "⚠ 1 approval lapses within 30 days (Reports → Approvals and permits…)")
    clock.now = datetime(2027, 1, 10, 9)
    assert actions.startup_notice() == (
        "TGA Authorised Prescriber report for 1 July to 31 December 2026 is due 31 Jan 2027 "
        "(21 days)")
