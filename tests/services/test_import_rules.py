"""An import runs every value through the rules typing applies, with the same limits; the
note text limit holds for typing too. Each refusal names the JSON path and the problem, never
the value, and leaves the vault exactly as it was."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import SessionKind
from kapnotes.domain.template_values import MAX_NOTE_CHARS
from kapnotes.services import portable_import
from tests.services.portable_data import export_text, load
from tests.services.test_portable_import import (  # fixtures, used by name
    doc,
    first_session,
    refused,
    rich_export,
    source,
    target,
)

__all__ = ["doc", "rich_export", "source", "target"]
HUGE = "Client spoke of Amara Quell at length. " * (MAX_NOTE_CHARS // 38 + 1)


def _fill_text_values(session: dict[str, Any], text: str) -> None:
    values = session["values"]
    values.update({k: text for k, v in values.items() if isinstance(v, str)})


def _course(d: dict[str, Any], n: int = 0) -> dict[str, Any]:
    return d["clients"][n]["courses"][0]


@pytest.mark.parametrize(("mutate", "where", "problem"), [
    (lambda d: _course(d).update(title="Spring\x07course"),
     r"clients\[0\]\.courses\[0\]\.title", "control characters"),
    (lambda d: _course(d).update(prescriber="Dr\x00Null"),
     r"clients\[0\]\.courses\[0\]\.prescriber", "control characters"),
    (lambda d: first_session(d, "dosing").update(clinician="x" * 201),
     r"sessions\[\d+\]\.clinician", "too long"),
    (lambda d: _course(d).update(start_date="0001-01-01"),
     r"clients\[0\]\.courses\[0\]\.start_date", "between 1900 and 2200"),
    (lambda d: first_session(d, "dosing").update(starts_at="9999-12-31T10:00:00"),
     r"sessions\[\d+\]\.starts_at", "between 1900 and 2200"),
    (lambda d: _course(d)["planned_slots"][0].update(dose_number=-3),
     r"planned_slots\[0\]\.dose_number", "whole number from 1"),
    (lambda d: _course(d)["intentions"][0].update(text="x" * 2001),
     r"intentions\[0\]\.text", "too long"),
    (lambda d: _fill_text_values(first_session(d, "preparation"), HUGE),
     r"sessions\[\d+\]\.values\.", "too long"),
], ids=["control-title", "nul-prescriber", "long-clinician", "year-0001", "year-9999",
        "dose-number-minus-3", "long-intention", "huge-note"])
def test_a_value_typing_would_refuse_is_refused_on_import(target: Any, doc: dict[str, Any],
                                                          mutate: Any, where: str,
                                                          problem: str) -> None:
    bad = copy.deepcopy(doc)
    mutate(bad)
    err = refused(target, bad, where)
    assert problem in err.message
    assert "Amara" not in err.message and "Spring" not in err.message and len(err.message) < 300


def test_a_merge_cannot_add_a_backdated_addendum_to_a_signed_note(
        source: Any, target: Any, doc: dict[str, Any]) -> None:
    portable_import.import_document(target, doc)
    newer = load(export_text(source.vault))
    client = next(c for c in newer["clients"] if c["code"] == "KAP-002")
    signed = next(s for co in client["courses"] for s in co["sessions"] if s["signed_at"])
    signed["addenda"].append({"text": "Dose was actually doubled.", "author": "Anyone",
                              "created_at": "2001-01-01T09:00:00Z"})
    err = refused(target, newer, r"addenda\[\d+\]\.created_at", merge=True)
    assert "before the note was signed" in err.message


def test_an_addendum_needs_an_author(target: Any, doc: dict[str, Any]) -> None:
    bad = copy.deepcopy(doc)
    signed = next(s for c in bad["clients"] for co in c["courses"] for s in co["sessions"]
                  if s["signed_at"])
    signed["addenda"].append({"text": "Unsigned remark.", "author": " ",
                              "created_at": signed["signed_at"]})
    assert "required" in refused(target, bad, r"addenda\[\d+\]\.author").message


def test_a_file_cannot_redefine_an_installed_template(target: Any, doc: dict[str, Any]) -> None:
    bad = copy.deepcopy(doc)
    bad["templates"][0]["definition"]["title"] = "Loosened copy"
    refused(target, bad, r"templates\[0\]\.definition: differs from this install's")


def test_typing_a_note_past_the_limit_is_refused_by_field(services: Any) -> None:
    from datetime import date, datetime

    from kapnotes.domain.models import Client, Course

    client = services.clients.create(Client(code="KAP-901", full_name="Lumi Example"))
    course = services.courses.create(Course(client_id=int(client.id or 0), protocol="custom",
                                            start_date=date(2026, 3, 2)))
    session = services.notes.create_session(course_id=int(course.id or 0),
                                            kind=SessionKind.DOSING,
                                            starts_at=datetime(2026, 3, 3, 10, 0))
    sid = int(session.id or 0)
    with pytest.raises(ValidationError) as err:
        services.notes.save_fields(sid, {"narrative": "a" * (MAX_NOTE_CHARS + 1)})
    assert "too long" in err.value.message and "2,000,000" in err.value.message
    assert services.notes.note(sid).values.get("narrative") in (None, "")
    services.notes.save_fields(sid, {"narrative": "a" * MAX_NOTE_CHARS})
    assert len(services.notes.note(sid).values["narrative"]) == MAX_NOTE_CHARS
