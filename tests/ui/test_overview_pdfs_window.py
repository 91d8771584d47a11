"""The window path to the summaries a supervisor reads first: the client page's Export button
writes a course PDF whose page 1 is the overview, and File → Export supervision packet writes
a packet whose first page holds one row per chosen client; both de-identified by default."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtWidgets import QApplication

ME = "Dr Demo Clinician"


def test_course_and_packet_from_the_window_open_with_their_overviews(
        qtbot, services: object, tmp_path: Path, settings: object) -> None:
    from test_export_dialog import make_client

    from kapnotes.ui.main_window import MainWindow
    from kapnotes.ui.workspace import Workspace

    services.vault.actor.clinician = ME
    ids = [make_client(services, "KAP-101", "Aino Fictus", ME),
           make_client(services, "KAP-103", "Cleo Madeup", ME)]
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    window.show()
    ws = Workspace(window, services, signer_name=ME)
    opened: list[Path] = []
    ws.exports.controller.folder = tmp_path
    ws.exports.controller.opener = opened.append
    ws.exports.controller.review = lambda places: True  # the de-identification review: save
    ws.open_client(ids[0])

    def finish_export(name: str) -> list[str]:
        dialog = ws.exports.controller.dialog
        dialog.options.path_edit.setText(str(tmp_path / name))
        dialog.accept()
        qtbot.waitUntil(lambda: any(p.name == name for p in opened), timeout=30000)
        QApplication.processEvents()
        return [page.extract_text() for page in PdfReader(str(tmp_path / name)).pages]

    ws.client_view.export_button.click()
    course = finish_export("course.pdf")
    first = " ".join(course[0].split())
    assert "Overview" in first and "Doses given 0 of" in first
    assert "Supervision review" in first and "none sent for supervision yet" in first
    assert "Client code" not in first and "Client code" in course[1]
    assert "Aino" not in course[0] and "Fictus" not in course[0]

    window.findChild(type(window.export_action), "export_packet").trigger()
    packet = finish_export("packet.pdf")
    lines = packet[0].splitlines()
    assert "Clients at a glance" in lines and lines.count("KAP-101") == 1
    assert lines.count("KAP-103") == 1
    for name in ("Aino", "Fictus", "Cleo", "Madeup"):
        assert name not in packet[0]
