"""Portable JSON import: invalid files refused whole with the path of the first bad value,
duplicates refused unless merged or skipped, merge adds only what is missing, and a failure
half-way leaves the vault exactly as it was."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.basics import FakeClock
from helpers.vault_template import open_copy

from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import SessionKind
from kapnotes.domain.templates import FieldType
from kapnotes.services import portable_import
from kapnotes.services.portable_import import Decision
from kapnotes.storage import audit
from kapnotes.storage import portable_rows as rows
from tests.services.portable_data import export_text, load, vault_state


@pytest.fixture
def source(rich_services: Any) -> Any:
    return rich_services


@pytest.fixture(scope="module")
def rich_export(rich_demo_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The export of the rich demo vault, made once for the module: every copy of that vault
    exports these same bytes (export_text fixes `exported_at`), so the `source` of a test
    exports it too until the test changes its copy."""
    folder = tmp_path_factory.mktemp("rich-export")
    with open_copy(rich_demo_vault, folder / "rich.kapnotes", FakeClock(),
                   folder / "templates") as services:
        return export_text(services.vault)


@pytest.fixture
def doc(rich_export: str) -> dict[str, Any]:
    return load(rich_export)  # parsed anew: tests change their document


@pytest.fixture
def target(vault_template: Path, vault_path: Path, clock: Any, tmp_path: Path
           ) -> Iterator[Any]:
    """An empty vault (a copy of the process's template vault) to import into."""
    with open_copy(vault_template, vault_path, clock, tmp_path / "t") as services:
        yield services


def first_session(doc: dict[str, Any], kind: str, code: str = "KAP-001") -> dict[str, Any]:
    client = next(c for c in doc["clients"] if c["code"] == code)
    return next(s for s in client["courses"][0]["sessions"] if s["kind"] == kind)


def refused(services: Any, doc: object, match: str, **kwargs: Any) -> ValidationError:
    before = vault_state(services.vault)
    with pytest.raises((ValidationError, ConflictError), match=match) as err:
        portable_import.import_document(services, doc, **kwargs)
    assert vault_state(services.vault) == before  # nothing imported, not even an audit entry
    return err.value


def test_bad_json_is_refused_with_where_it_breaks(tmp_path: Path, target: Any) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "kapnotes-export",\n  "version": 1,,}', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"not valid JSON: .* line 2, column 16"):
        portable_import.read_document(bad)
    with pytest.raises(ValidationError, match="appears twice"):
        portable_import.parse_text(b'{"a": 1, "a": 2}')
    with pytest.raises(ValidationError, match="not UTF-8"):
        portable_import.parse_text(b"\xff\xfe{")


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d.update(format="something-else"), "^format: this is not a KAP Notes export"),
    (lambda d: d.update(version=2), "^version: 2 is newer than this KAP Notes reads"),
    (lambda d: first_session(d, "dosing")["vitals"][1].update(systolic=400),
     r"^clients\[0\]\.courses\[0\]\.sessions\[1\]\.vitals\[1\]\.systolic: 400 is outside 20–350"),
    (lambda d: first_session(d, "dosing")["vitals"][1].update(systolic=300),
     r"^clients\[0\]\.courses\[0\]\.sessions\[1\]\.vitals\[1\]\.systolic: Systolic blood "
     r"pressure 300 mmHg is outside the usual 50–260 mmHg"),
    (lambda d: first_session(d, "dosing")["vitals"][0].update(diastolic=150, systolic=140),
     r"sessions\[1\]\.vitals\[0\]\.diastolic: Diastolic \(150\) must be lower"),
    (lambda d: d["clients"][3].update(email="not-an-address"),
     r"^clients\[3\]\.email: is not an email address"),
    (lambda d: first_session(d, "preparation").update(modality="video"),
     r"sessions\[0\]\.modality: a text of 5 characters is not one of in_person, telehealth"),
    (lambda d: first_session(d, "preparation")["values"].update(supportive_touch="always"),
     r"sessions\[0\]\.values\.supportive_touch: "),
    (lambda d: first_session(d, "preparation")["values"].update(no_such_field="x"),
     r"sessions\[0\]\.values\.no_such_field: is not a field of preparation version"),
    (lambda d: d["clients"][0]["measures"][1].update(total=3),
     r"^clients\[0\]\.measures\[1\]\.total: 3 does not match the score of its answers"),
    (lambda d: first_session(d, "integration").update(linked_dosing=99),
     r"sessions\[\d+\]\.linked_dosing: 99 is not a session of this client"),
    (lambda d: first_session(d, "integration")["theme_mentions"][0].update(theme="nope"),
     r"theme_mentions\[0\]\.theme: a text of 4 characters is not in themes"),
    (lambda d: next(a for a in d["audit"] if a["key"] is not None).update(key=999),
     r"^audit\[\d+\]\.key: 999 is not a"),
    (lambda d: d["clients"][1].update(code=d["clients"][0]["code"].lower()),
     r"^clients\[1\]\.code: a text of 7 characters appears more than once"),
    (lambda d: d["clients"][4]["courses"][0].pop("sessions"),
     r"^clients\[4\]\.courses\[0\]\.sessions: is missing"),
])
def test_an_invalid_file_is_refused_whole(target: Any, doc: dict[str, Any], mutate: Any,
                                          message: str) -> None:
    bad = copy.deepcopy(doc)
    mutate(bad)
    refused(target, bad, message)
    assert target.clients.list(include_archived=True) == []


def test_a_bad_value_in_the_last_client_imports_none_of_the_earlier_ones(
        target: Any, doc: dict[str, Any]) -> None:
    doc["clients"][-1]["courses"][0]["planned_slots"][0]["kind"] = "maintenance"
    err = refused(target, doc, r"clients\[4\]\.courses\[0\]\.planned_slots\[0\]\.kind")
    assert "maintenance" not in err.message  # the field is named, the value never echoed
    assert "is not one of preparation, dosing, integration" in err.message


def test_duplicate_client_is_refused_without_merge(target: Any, doc: dict[str, Any]) -> None:
    portable_import.import_document(target, copy.deepcopy(doc))
    refused(target, doc, "client KAP-001 is already in this vault; nothing was imported")


def test_a_failure_while_writing_rolls_everything_back(target: Any, doc: dict[str, Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = rows.sign_imported

    def failing(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 20:  # well into the third client
            raise OSError("disk full (simulated)")
        real(*args, **kwargs)

    monkeypatch.setattr(rows, "sign_imported", failing)
    before = vault_state(target.vault)
    with pytest.raises(OSError):
        portable_import.import_document(target, doc)
    assert vault_state(target.vault) == before
    assert target.clients.list(include_archived=True) == []


def test_merge_adds_only_what_is_missing(source: Any, target: Any, doc: dict[str, Any]) -> None:
    portable_import.import_document(target, doc)
    # Later, in the source vault: a new session, an addendum on a signed note, a measure.
    client = source.clients.by_code("KAP-002")
    course = source.courses.for_client(client.id)[0]
    later = source.notes.create_session(
        course_id=course.id, kind=SessionKind.PREPARATION, starts_at=datetime(2026, 11, 19, 10))
    source.notes.save_fields(later.id, {"observations": "Settled; planning next steps."})
    signed = next(s for s in source.notes.sessions_for_course(course.id) if s.signed)
    source.notes.add_addendum(signed.id, "Correction: dose time 09:15.", author="Dr Demo")
    source.measures.enter(client_id=client.id, scale_id="phq9",
                          taken_on=datetime(2026, 11, 19).date(), total=9)
    # Meanwhile, in the target: a draft edited differently (a merge must not overwrite it).
    t_client = target.clients.by_code("KAP-001")
    t_course = target.courses.for_client(t_client.id)[0]
    draft = next(s for s in target.notes.sessions_for_course(t_course.id) if not s.signed)
    text_field = next(f.id for f in target.notes.template_for(draft).fields
                      if f.type is FieldType.LONG_TEXT)
    target.notes.save_fields(draft.id, {text_field: "Edited in this vault only."})
    kept_note = target.notes.note(draft.id).values

    newer = load(export_text(source.vault))
    refused(target, newer, "client KAP-001 is already in this vault")
    tally = portable_import.import_document(target, newer, merge=True)
    assert (tally.clients_added, tally.clients_merged) == (0, 5)
    assert (tally.courses, tally.sessions, tally.addenda, tally.measures) == (0, 1, 1, 1)
    assert tally.audit > 0  # the new session's and measure's entries, none repeated
    assert target.notes.note(draft.id).values == kept_note
    again = portable_import.import_document(target, newer, merge=True)
    assert (again.sessions, again.addenda, again.measures, again.audit) == (0, 0, 0, 0)
    t2 = target.clients.by_code("KAP-002")
    assert len(target.notes.sessions_for_course(target.courses.for_client(t2.id)[0].id)) == \
        len(source.notes.sessions_for_course(course.id))
    assert audit.first_broken_entry(target.vault) is None


def test_merge_into_a_copy_gives_back_the_source_export(source: Any, target: Any,
                                                        doc: dict[str, Any]) -> None:
    portable_import.import_document(target, doc)
    client = source.clients.by_code("KAP-003")
    course = source.courses.for_client(client.id)[0]
    source.notes.create_session(course_id=course.id, kind=SessionKind.INTEGRATION,
                                starts_at=datetime(2026, 11, 19, 16))
    portable_import.import_document(target, load(export_text(source.vault)), merge=True)
    assert export_text(target.vault) == export_text(source.vault)


def test_skip_leaves_that_client_alone_and_imports_the_rest(target: Any,
                                                            doc: dict[str, Any]) -> None:
    one = copy.deepcopy(doc)
    one["clients"] = [c for c in one["clients"] if c["code"] == "KAP-001"]
    one["audit"] = [e for e in one["audit"] if e["client"] == "KAP-001"]
    portable_import.import_document(target, one)
    before = export_text(target.vault, "KAP-001")
    preview = portable_import.preview(target, doc)
    assert preview.duplicates == ("KAP-001",) and preview.counts.clients == 5
    tally = portable_import.import_document(target, doc, decisions={"KAP-001": Decision.SKIP})
    assert (tally.clients_added, tally.clients_skipped) == (4, 1)
    assert export_text(target.vault, "KAP-001") == before


def test_a_different_template_under_the_same_version_is_refused(target: Any,
                                                                doc: dict[str, Any]) -> None:
    portable_import.import_document(target, copy.deepcopy(doc))
    changed = copy.deepcopy(doc)
    changed["clients"] = []
    changed["audit"] = []
    changed["templates"][0]["definition"]["title"] = "Renamed behind our back"
    refused(target, changed, r"^templates\[0\]\.definition: differs from this vault's")
