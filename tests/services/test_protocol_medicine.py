"""The medicine a course gives comes from its protocol file's `medicine`, never from the
protocol's id (issue 17, protocols as data): a practice's own esketamine protocol, whatever its
id, counts as esketamine for approvals, and a file naming another medicine is refused with the
field named. All data is fictional."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers.s8 import choose_jurisdiction

from kapnotes.domain.approval_model import Approval
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, Course
from kapnotes.domain.protocol_schema import parse_protocol
from kapnotes.domain.protocols import builtin_protocols, use_protocols
from kapnotes.services.container import build_services

NASAL: dict[str, Any] = {
    "format": 1, "id": "riverside_nasal", "label": "Riverside nasal spray course",
    "medicine": "esketamine",
    "source": {"kind": "practice", "label": "Riverside Clinic nasal protocol v1 (2026)"},
    "phases": [{"name": "induction", "start_day": 0, "count": 8, "week_days": [0, 3]}],
}


@pytest.fixture
def clinic(open_vault: object, clock: object, tmp_path: Path) -> Iterator[Any]:
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "nasal.json").write_text(json.dumps(NASAL), encoding="utf-8")
    choose_jurisdiction(tmp_path, "AU-NSW")
    yield build_services(open_vault, clock=clock, practice_templates=tmp_path / "templates",
                         practice_protocols=folder)
    use_protocols(builtin_protocols())  # the next test starts with the built-ins only


def test_a_practice_esketamine_protocol_counts_as_esketamine(clinic: Any) -> None:
    client = clinic.clients.create(Client(code="KAP-521", full_name="Ari Fictional"))
    clinic.courses.create(Course(client_id=client.id, protocol="riverside_nasal",
                                 start_date=date(2026, 11, 2)))
    clinic.approvals.add(Approval("pbs_authority_esketamine", date(2026, 11, 2),
                                  date(2026, 12, 1), client_id=client.id, reference="PBS-78"))
    kinds = [(w.kind, w.rule_id) for w in clinic.approvals.client_warnings(client.id)]
    assert ("lapsing", "pbs_authority_esketamine") in kinds


def test_every_builtin_protocol_names_its_medicine() -> None:
    medicines = {p.id: p.medicine for p in builtin_protocols().protocols}
    assert medicines["esketamine"] == "esketamine"
    assert {medicines[i] for i in medicines if i != "esketamine"} == {"ketamine"}


def test_a_file_naming_another_medicine_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"nasal.json: medicine.*ketamine or esketamine"):
        parse_protocol({**NASAL, "medicine": "psilocybin"}, "nasal.json")


def test_the_new_course_dialog_gives_the_starting_dose_of_any_esketamine_protocol(
        qtbot: Any, clinic: Any) -> None:
    from kapnotes.ui.dialogs.course_dialog import CourseDialog

    client = clinic.clients.create(Client(code="KAP-522", full_name="Bo Fictional",
                                          date_of_birth=date(1950, 5, 1)))
    dlg = CourseDialog(clinic, int(client.id))
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.protocol_combo.setCurrentIndex(dlg.protocol_combo.findData("riverside_nasal"))
    assert "Esketamine starting dose 28 mg (age 76 at first dose)" in dlg.preview_label.text()
    dlg.protocol_combo.setCurrentIndex(dlg.protocol_combo.findData("iv_ketamine"))
    assert "Esketamine" not in dlg.preview_label.text()
