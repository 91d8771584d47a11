"""The demo vault under the national AU pack, through the real main window (issue 19): the
start-up line names the approval near its end, Reports → Approvals and permits… lists it on
top, and the demo client's header warns. All data is fictional."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from helpers.s8 import choose_jurisdiction

from kapnotes.services.demo import build_demo
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.workspace import Workspace


def test_the_demo_approval_near_its_end_shows_in_the_window(qtbot: Any, services: Any,
                                                            settings: Any,
                                                            tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU")
    ids = build_demo(services, today=date(2026, 11, 20))
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    workspace = Workspace(window, services, signer_name="Dr Test Clinician")
    window.resize(1200, 800)
    window.show()
    qtbot.waitUntil(lambda: "within 30 days" in window.statusBar().currentMessage())
    assert "1 approval lapses within 30 days" in window.statusBar().currentMessage()
    names = [a.objectName() for a in window.reports_menu.actions()]
    assert {"s8_register", "approvals", "tga_six_monthly", "adverse_events",
            "pbs_sheet"} <= set(names)
    window.reports_menu.actions()[names.index("approvals")].trigger()
    dialog = workspace.regulator_reports.approvals_dialog
    assert dialog is not None and dialog.isVisible()
    assert "KAP-001 PBS authority for esketamine (2 Dec 2026)" in dialog.lapsing_label.text()
    assert dialog.table.rowCount() == 2  # the PBS authority and the TGA authorisation
    dialog.grab().save("/tmp/i19b-demo-approvals.png")
    workspace.client_view.set_client(ids[0])
    assert "PBS authority for esketamine ends in 12 days" in \
        workspace.client_view.header.approvals.text()
