"""A practice's own protocol file, through the window: it is offered in the New course dialog
with its own interval field and monitoring, the course it creates is planned by its phases,
and the course PDF names it. A broken practice file is left out with one message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers.pdf_text import page_texts
from PySide6.QtCore import Qt

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, Course, CourseStatus, SessionKind
from kapnotes.domain.protocols import builtin_protocols, use_protocols
from kapnotes.services import exports
from kapnotes.services.container import build_services
from kapnotes.ui.dialogs.course_dialog import CourseDialog

CLINIC: dict[str, Any] = {
    "format": 1,
    "id": "riverside_kap",
    "label": "Riverside KAP (4 sessions, 2 boosters)",
    "source": {"kind": "practice", "label": "Riverside Clinic KAP protocol v3 (2026)"},
    "parameters": {
        "dose_interval_weeks": {"label": "Sessions every:", "min": 1, "max": 3, "default": 1,
                                "asked": True},
    },
    "phases": [
        {"name": "course", "start_day": 0, "count": 4, "every_weeks": "dose_interval_weeks"},
        {"name": "booster", "start_after_weeks": 4, "count": 2, "every_weeks": 4},
    ],
    "monitoring": ["Blood pressure before the dose and before leaving"],
}
TOOLTIP = Qt.ItemDataRole.ToolTipRole
START = date(2026, 11, 23)  # a Monday, after the fake clock's today


@pytest.fixture
def clinic(open_vault: object, clock: object, tmp_path: Path) -> Iterator[object]:
    """Services of a practice with one protocol file of its own and one broken file."""
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "riverside.json").write_text(json.dumps(CLINIC), encoding="utf-8")
    (folder / "draft.json").write_text(json.dumps({**CLINIC, "id": "draft", "phases": []}),
                                       encoding="utf-8")
    yield build_services(open_vault, clock=clock, practice_templates=tmp_path / "templates",
                         practice_protocols=folder)
    use_protocols(builtin_protocols())  # the next test starts with the built-ins only


def test_practice_protocol_in_the_dialog_plans_the_course_and_its_pdf(
        qtbot: Any, clinic: Any, tmp_path: Path) -> None:
    client = clinic.clients.create(Client(code="KAP-310", full_name="Noor Example"))
    dlg = CourseDialog(clinic, int(client.id))
    qtbot.addWidget(dlg)
    dlg.show()
    labels = [dlg.protocol_combo.itemText(i) for i in range(dlg.protocol_combo.count())]
    assert labels[-1] == "Riverside KAP (4 sessions, 2 boosters)"
    assert labels[:4] == [p.label for p in builtin_protocols().protocols]
    # The broken file is named where protocols are picked; the rest still load.
    assert dlg.skipped_label.isVisible()
    assert dlg.skipped_label.text() == ("Practice protocol file left out — draft.json: phases: "
                                        "must be a list of 1 to 20 phases")

    dlg.protocol_combo.setCurrentIndex(dlg.protocol_combo.findData("riverside_kap"))
    assert dlg.protocol_combo.itemData(dlg.protocol_combo.currentIndex(), TOOLTIP) == (
        "Source: Riverside Clinic KAP protocol v3 (2026).")
    spin = dlg.protocol_fields.spins["dose_interval_weeks"]
    assert spin.isVisible() and (spin.minimum(), spin.maximum(), spin.value()) == (1, 3, 1)
    assert dlg.protocol_fields.labels["dose_interval_weeks"].text() == "Sessions every:"
    assert not dlg.protocol_fields.spins["maintenance_interval_weeks"].isVisible()
    assert not dlg.offsets_edit.isVisible()
    dlg.start_edit.setDate(dlg.start_edit.date().addDays((START - clinic.clock().date()).days))
    spin.setValue(2)
    assert dlg.preview_label.text().startswith("6 doses")
    assert dlg.protocol_fields.about_label.text() == (
        "Schedule from: Riverside Clinic KAP protocol v3 (2026)\n"
        "Monitoring:\n• Blood pressure before the dose and before leaving")
    with qtbot.waitSignal(dlg.saved, timeout=2000) as sig:
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    course = clinic.courses.get(sig.args[0])
    assert (course.protocol, course.dose_interval_weeks) == ("riverside_kap", 2)
    doses = [((e.slot.planned_date - START).days, e.slot.label)
             for e in clinic.courses.timeline(course.id).entries
             if e.slot.kind is SessionKind.DOSING]
    assert doses == [(0, "course week 1"), (14, "course week 3"), (28, "course week 5"),
                     (42, "course week 7"), (70, "booster week 11"), (98, "booster week 15")]

    options = exports.options_for(clinic, deidentified=False)
    job = exports.build_course_report(clinic, int(client.id), options, course_id=course.id)
    path = exports.export_pdf(clinic, job, tmp_path / job.suggested_name)
    text = " ".join(" ".join(page.split()) for page in page_texts(path.read_bytes()))
    assert "Protocol Riverside KAP (4 sessions, 2 boosters)" in text
    assert "Mon 1 Mar 2027 Dosing Booster week 15" in text  # the planned sessions table


def test_a_broken_practice_file_is_one_message_at_start(
        qtbot: Any, open_vault: Any, settings: Any, prompter: Any, tmp_path: Path) -> None:
    from kapnotes.ui.main_window import MainWindow
    from kapnotes.window_run import start_workspace

    folder = tmp_path / "protocols"  # the practice folder of this user data folder
    folder.mkdir()
    (folder / "riverside.json").write_text(json.dumps(CLINIC), encoding="utf-8")
    (folder / "mine.json").write_text(json.dumps({**CLINIC, "id": "esketamine"}),
                                      encoding="utf-8")
    window = MainWindow(open_vault, settings=settings)
    qtbot.addWidget(window)
    try:
        workspace = start_workspace(window, prompter)
        assert prompter.messages == [("warn", "Practice protocol skipped", (
            "mine.json: id: 'esketamine' is already used by Esketamine nasal spray "
            "(Spravato) (a built-in protocol); give this protocol its own id"))]
        assert workspace.services.protocols.ids == (
            "esketamine", "iv_ketamine", "kap_sublingual_im", "custom", "riverside_kap")
        assert workspace.services.courses.protocol("esketamine").builtin
    finally:
        use_protocols(builtin_protocols())


def test_a_course_keeps_its_protocol_when_the_file_is_gone(
        qtbot: Any, clinic: Any, open_vault: Any, clock: Any, tmp_path: Path) -> None:
    client = clinic.clients.create(Client(code="KAP-311", full_name="Rae Example"))
    course = clinic.courses.create(Course(client_id=int(client.id), protocol="riverside_kap",
                                          start_date=START))
    without = build_services(open_vault, clock=clock, practice_templates=tmp_path / "t",
                             practice_protocols=tmp_path / "elsewhere")
    dlg = CourseDialog(without, int(client.id), int(course.id))
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.protocol_combo.currentText() == "riverside_kap"  # its id, the label is gone
    assert not dlg.protocol_combo.isEnabled()
    dlg.status_combo.setCurrentIndex(dlg.status_combo.findData(CourseStatus.PAUSED.value))
    with qtbot.waitSignal(dlg.saved, timeout=2000):
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    kept = without.courses.get(int(course.id))
    assert (kept.protocol, kept.status) == ("riverside_kap", CourseStatus.PAUSED)
    assert len(without.courses.timeline(int(course.id)).entries) == 13  # the stored plan
    # A new course cannot use a protocol whose file is gone.
    with pytest.raises(ValidationError, match="'riverside_kap' is not a known protocol"):
        without.courses.create(Course(client_id=int(client.id), protocol="riverside_kap",
                                      start_date=START))
