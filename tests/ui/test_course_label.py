"""One name per course: the window, the session breadcrumb, the course dialog and the PDFs all
show the same words (issue 17: the label was built four ways and read differently)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from kapnotes.domain.course_label import course_label, course_label_with_status
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services import exports
from kapnotes.ui.client_view import ClientView
from kapnotes.ui.dialogs.course_dialog import second_course_warning
from kapnotes.ui.session_editor import SessionEditor


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


@pytest.mark.parametrize("title", ["Spring course", ""])
def test_every_view_names_the_course_alike(
    qtbot: Any, services: Any, tmp_path: Path, title: str
) -> None:
    client = services.clients.create(Client(code="KAP-417", full_name="Lia Fictional"))
    course = services.courses.create(Course(client_id=client.id, protocol="iv_ketamine",
                                            start_date=date(2026, 11, 2), title=title))
    label = course_label(course)
    assert label == f"{title or 'IV ketamine series'} from 2 Nov 2026"

    view = ClientView(services)
    qtbot.addWidget(view)
    view.set_client(client.id)
    assert view.course_combo.currentText() == course_label_with_status(course)
    assert view.course_combo.currentText() == f"{label} (active)"

    session = services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                            starts_at=datetime(2026, 11, 2, 9, 30))
    editor = SessionEditor(services, session.id)
    qtbot.addWidget(editor)
    assert editor.back_button.text().endswith(f"Lia Fictional · {label}")

    assert f"{label} (active)" in second_course_warning([course])

    options = exports.options_for(services, deidentified=False)
    summary = exports.render_to_file(
        exports.build_course_report(services, client.id, options), tmp_path / "course.pdf")
    note = exports.render_to_file(
        exports.build_session_report(services, session.id, options), tmp_path / "note.pdf")
    assert f"Course {label}" in pdf_text(summary)  # the summary's "Course" row
    assert label in pdf_text(note)  # the note's breadcrumb


def test_the_command_line_list_names_the_current_course_alike(
    new_vault: Path, passphrase: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from kapnotes.cli import main
    from kapnotes.services.container import build_services
    from kapnotes.storage import lifecycle

    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        services = build_services(vault)
        client = services.clients.create(Client(code="KAP-418", full_name="Ren Fictional"))
        course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                                start_date=date(2026, 11, 2)))
        services.clients.create(Client(code="KAP-419", full_name="Noa Fictional"))
    secret = tmp_path / "passphrase.txt"
    secret.write_text(passphrase + "\n", encoding="utf-8")
    common = ["--vault", str(new_vault), "--passphrase-file", str(secret)]

    assert main(["list", *common, "--json"]) == 0
    listed = {i["code"]: i for i in json.loads(capsys.readouterr().out)}
    assert listed["KAP-418"]["course"] == course_label(course)
    assert listed["KAP-418"]["course"] == "Esketamine nasal spray (Spravato) from 2 Nov 2026"
    assert listed["KAP-418"]["course_status"] == "active"
    assert listed["KAP-419"]["course"] is None  # no course yet

    assert main(["list", *common]) == 0
    table = capsys.readouterr().out
    assert f"{course_label_with_status(course)}\n" in table
