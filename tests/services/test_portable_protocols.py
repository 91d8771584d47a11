"""Portable JSON and protocols: the dosing interval travels in its own field, a file from before
that field imports as its plan was made, and a course of a practice's own protocol imports only
where that protocol exists (docs/DATA-FORMAT.md, docs/PROTOCOLS.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, Course
from kapnotes.domain.protocols import builtin_protocols, protocol_label, use_protocols
from kapnotes.services import portable_import
from kapnotes.services.container import build_services
from kapnotes.services.portable_schema import load_schema
from kapnotes.storage import lifecycle
from tests.services.portable_data import export_text, load

CLINIC = {
    "format": 1, "id": "riverside_kap", "label": "Riverside KAP",
    "source": {"kind": "practice", "label": "Riverside Clinic KAP protocol v3"},
    "parameters": {"dose_interval_weeks": {"label": "Sessions every:", "min": 1, "max": 3,
                                           "default": 1, "asked": True}},
    "phases": [{"name": "course", "count": 4, "every_weeks": "dose_interval_weeks"}],
}


@pytest.fixture(autouse=True)
def _builtins_again() -> Iterator[None]:
    yield
    use_protocols(builtin_protocols())  # the next test starts with the built-ins only


def _services(folder: Path, name: str, passphrase: str, clock: Any,
              protocols: Path | None = None) -> Any:
    created = lifecycle.create_vault(folder / f"{name}.kapnotes", passphrase)
    return build_services(created.vault, clock=clock, practice_templates=folder / "templates",
                          practice_protocols=protocols or folder / "no-protocols")


def _courses(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [co for c in doc["clients"] for co in c["courses"]]


def _schema_ok(doc: dict[str, Any], ids: tuple[str, ...]) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        load_schema(ids), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(doc)]


def test_the_dosing_interval_round_trips(tmp_path: Path, passphrase: str, clock: Any) -> None:
    source = _services(tmp_path, "a", passphrase, clock)
    client = source.clients.create(Client(code="KAP-401", full_name="Ira Example"))
    source.courses.create(Course(client_id=int(client.id), protocol="kap_sublingual_im",
                                 start_date=date(2026, 11, 23), dose_interval_weeks=2))
    source.courses.create(Course(client_id=int(client.id), protocol="esketamine",
                                 start_date=date(2027, 3, 1), maintenance_interval_weeks=2))
    doc = load(export_text(source.vault))
    assert [(co["protocol"], co["maintenance_interval_weeks"], co["dose_interval_weeks"])
            for co in _courses(doc)] == [("kap_sublingual_im", 2, 2), ("esketamine", 2, 1)]
    assert _schema_ok(doc, builtin_protocols().ids) == []

    target = _services(tmp_path, "b", passphrase, clock)
    portable_import.import_document(target, doc)
    imported = target.courses.for_client(target.clients.by_code("KAP-401").id)
    assert sorted((c.protocol, c.dose_interval_weeks) for c in imported) == [
        ("esketamine", 1), ("kap_sublingual_im", 2)]
    assert export_text(target.vault) == export_text(source.vault)


def test_a_file_from_before_the_field_imports_as_its_plan_was_made(
        tmp_path: Path, passphrase: str, clock: Any) -> None:
    source = _services(tmp_path, "a", passphrase, clock)
    client = source.clients.create(Client(code="KAP-402", full_name="Ola Example"))
    for protocol in ("kap_sublingual_im", "iv_ketamine"):
        source.courses.create(Course(client_id=int(client.id), protocol=protocol,
                                     start_date=date(2026, 11, 23)))
    doc = load(export_text(source.vault))
    for co in _courses(doc):  # as an older KAP Notes wrote it
        del co["dose_interval_weeks"]
        co["maintenance_interval_weeks"] = 3
    assert _schema_ok(doc, builtin_protocols().ids) == []

    target = _services(tmp_path, "b", passphrase, clock)
    portable_import.import_document(target, doc)
    imported = target.courses.for_client(target.clients.by_code("KAP-402").id)
    # The KAP plan used the maintenance field, at most 2 weeks; IV has no dosing interval.
    assert sorted((c.protocol, c.dose_interval_weeks) for c in imported) == [
        ("iv_ketamine", 1), ("kap_sublingual_im", 2)]


def test_a_practice_protocol_course_imports_only_where_the_protocol_exists(
        tmp_path: Path, passphrase: str, clock: Any) -> None:
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "riverside.json").write_text(json.dumps(CLINIC), encoding="utf-8")
    source = _services(tmp_path, "a", passphrase, clock, protocols=folder)
    client = source.clients.create(Client(code="KAP-403", full_name="Uma Example"))
    source.courses.create(Course(client_id=int(client.id), protocol="riverside_kap",
                                 start_date=date(2026, 11, 23), dose_interval_weeks=3))
    doc = load(export_text(source.vault))
    assert _schema_ok(doc, source.protocols.ids) == []

    elsewhere = _services(tmp_path, "b", passphrase, clock)  # no such protocol file
    with pytest.raises(ValidationError) as err:
        portable_import.import_document(elsewhere, doc)
    assert err.value.field == "clients[0].courses[0].protocol"
    assert "is not one of esketamine, iv_ketamine, kap_sublingual_im, custom" in str(err.value)
    assert "add its protocol file" in str(err.value)
    assert elsewhere.clients.by_code("KAP-403") is None  # nothing was imported

    same_practice = _services(tmp_path, "c", passphrase, clock, protocols=folder)
    portable_import.import_document(same_practice, doc)
    course = same_practice.courses.for_client(same_practice.clients.by_code("KAP-403").id)[0]
    assert (course.protocol, course.dose_interval_weeks) == ("riverside_kap", 3)
    assert protocol_label(course.protocol) == "Riverside KAP"
    assert len(same_practice.courses.timeline(int(course.id)).entries) == 9
