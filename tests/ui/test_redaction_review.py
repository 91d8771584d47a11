"""The export dialog shows what de-identification replaced, where, before the PDF is saved."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox, QWidget

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.ui.dialogs.redaction_review import SAVE, review_box
from kapnotes.ui.export_runner import ExportController

NAME = "Aino Fictus"


def _client_with_a_name_in_a_note(services: object) -> int:
    client = services.clients.create(Client(code="KAP-301", full_name=NAME,
                                            referring_clinician="Dr Wenna Placeholder"))
    course = services.courses.create(Course(client_id=int(client.id or 0),
                                            protocol="kap_sublingual_im",
                                            start_date=date(2026, 10, 1),
                                            title=f"{NAME} course"))
    session = services.notes.create_session(course_id=int(course.id or 0),
                                            kind=SessionKind.INTEGRATION,
                                            starts_at=datetime(2026, 11, 2, 10, 0))
    services.notes.save_fields(int(session.id or 0), {"client_account": "AINO arrived early."})
    return int(client.id or 0)


def test_the_exporter_reviews_the_places_and_can_cancel(qtbot, services: object,
                                                        tmp_path: Path) -> None:
    client_id = _client_with_a_name_in_a_note(services)
    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[tuple[str, ...]] = []
    answer = [False]
    opened: list[Path] = []
    ctl = ExportController(services, parent, opener=opened.append, folder=tmp_path,
                           review=lambda places: shown.append(places) or answer[0])
    dlg = ctl.export_course(client_id)
    assert dlg.options.deidentify_check.isChecked()
    dlg.accept()
    assert ctl.runner is None and list(tmp_path.glob("*.pdf")) == []  # cancelled: no file
    places = shown[-1]
    assert any("Client's account: 1 name" in p for p in places), places
    assert any("Course: 1 name" in p for p in places), places
    assert any("Referring clinician: 2 clinician names" in p for p in places), places
    assert not any("Aino" in p or "Fictus" in p for p in places)

    answer[0] = True
    dlg = ctl.export_course(client_id)
    dlg.accept()
    qtbot.waitUntil(lambda: bool(opened), timeout=30000)
    text = "\n".join(p.extract_text() for p in PdfReader(str(opened[0])).pages)
    assert "Aino" not in text.replace("\n", " ") and "[name] arrived early" in text


def test_the_review_box_lists_places_and_saves_by_default(qtbot) -> None:
    box = review_box(None, ("Course › Client's account: 2 names",))
    qtbot.addWidget(box)
    assert "replaced in 1 place" in box.text()
    assert box.detailedText() == "Course › Client's account: 2 names"
    assert box.defaultButton().text() == SAVE
    assert box.icon() is QMessageBox.Icon.Information
    empty = review_box(None, ())
    qtbot.addWidget(empty)
    assert "No identifying details" in empty.text()
