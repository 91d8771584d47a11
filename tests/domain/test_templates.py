"""Note templates: built-ins, the strict loader, value rules, versions, export rows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapnotes.domain.errors import ConflictError, NotFoundError, ValidationError
from kapnotes.domain.templates import (
    FieldOption,
    FieldType,
    Template,
    TemplateField,
    TemplateLibrary,
    load_template_file,
    missing_required,
    parse_template,
    render_rows,
    search_text,
    template_to_data,
    validate_value,
    validate_values,
)

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "resources" / "templates"


def practice_template(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "practice-prep",
        "version": 1,
        "kind": "preparation",
        "title": "Practice preparation",
        "fields": [
            {"id": "h_main", "type": "heading", "label": "Main"},
            {"id": "goals", "type": "long_text", "label": "Goals", "required": True},
            {"id": "mood", "type": "scale_0_10", "label": "Mood today"},
            {"id": "process", "type": "long_text", "label": "Process notes", "private": True},
        ],
    }
    data.update(overrides)
    return data


def write(folder: Path, name: str, data: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def field(ftype: FieldType, **kw: Any) -> TemplateField:
    return TemplateField(id=kw.pop("id", "f"), type=ftype, label=kw.pop("label", "Field"), **kw)


def choices(ftype: FieldType) -> TemplateField:
    opts = (FieldOption("yes", "Yes"), FieldOption("no", "No"), FieldOption("maybe", "Maybe"))
    return field(ftype, label="Pick", options=opts)


# --- built-ins -------------------------------------------------------------------------------


def test_builtins_load_one_per_kind() -> None:
    library = TemplateLibrary.load(BUILTIN_DIR)
    assert library.problems == ()
    for kind in ("preparation", "dosing", "integration"):
        template = library.latest(kind)
        assert (template.id, template.version, template.kind) == (kind, 1, kind)
        assert template.is_builtin
        private = [f for f in template.fields if f.private]
        assert [f.type for f in private] == [FieldType.LONG_TEXT]


def test_builtin_preparation_has_the_course_content() -> None:
    prep = TemplateLibrary.load(BUILTIN_DIR).latest("preparation")
    intentions = prep.field("intentions")
    assert intentions is not None and intentions.type is FieldType.REPEATING_LIST
    assert intentions.required
    consent = prep.field("consent")
    assert consent is not None
    assert {"risks", "dissociation", "blood_pressure", "no_driving", "confidentiality"} <= {
        o.id for o in consent.options
    }
    assert prep.field("supportive_touch") is not None
    assert prep.field("safety_plan") is not None


def test_builtin_integration_binds_course_data() -> None:
    integ = TemplateLibrary.load(BUILTIN_DIR).latest("integration")
    types = {f.id: f.type for f in integ.fields}
    assert types["intentions_review"] is FieldType.INTENTIONS_REVIEW
    assert types["themes"] is FieldType.THEMES
    approach = integ.field("approach")
    assert approach is not None
    assert [o.id for o in approach.options] == [
        "cognitive",
        "somatic",
        "transpersonal",
        "relational",
        "other",
    ]


def test_template_round_trips_through_data() -> None:
    for template in TemplateLibrary.load(BUILTIN_DIR).all():
        again = parse_template(template_to_data(template), "copy.json", source="builtin")
        assert again == template


# --- broken practice files -------------------------------------------------------------------


def bad_field(**kw: Any) -> dict[str, Any]:
    return practice_template(fields=[{"id": "goals", "type": "long_text", "label": "Goals", **kw}])


BROKEN = [
    (bad_field(type="essay"), "field 'goals': type 'essay' is not a known field type"),
    (practice_template(fields=[{"id": "goals", "type": "long_text"}]), "'label' is missing"),
    (
        practice_template(
            fields=[
                {"id": "goals", "type": "long_text", "label": "Goals"},
                {"id": "goals", "type": "short_text", "label": "Goals again"},
            ]
        ),
        "field 'goals': the same field id is used twice",
    ),
    (bad_field(type="single_choice"), "field 'goals': a single_choice field needs 'options'"),
    (bad_field(type="checklist", options=[]), "field 'goals': a checklist field needs 'options'"),
    (bad_field(type="checklist", options=["a", "a"]), "option 'a' appears twice"),
    (bad_field(options=["a"]), "'options' only apply to choice"),
    (bad_field(type="number", min=5, max=1), "'min' (5) is greater than 'max' (1)"),
    (bad_field(unit="mg"), "'unit' only applies to number fields"),
    (bad_field(required="yes"), "field 'goals': 'required' must be true or false"),
    (bad_field(type="heading", required=True), "a heading cannot be required"),
    (bad_field(requried=True), "field 'goals': unknown key 'requried'"),
    (practice_template(fields=[{"id": "Goals!", "type": "long_text", "label": "G"}]), "'Goals!'"),
    (practice_template(fields=[{"type": "long_text", "label": "G"}]), "field #1: the field has no"),
    (practice_template(version=0), "'version' must be a positive whole number"),
    (practice_template(version="2"), "'version' must be a positive whole number"),
    (practice_template(version=True), "'version' must be a positive whole number"),
    (practice_template(kind="screening"), "'kind' must be one of"),
    (practice_template(id="Practice Prep"), "template id 'Practice Prep'"),
    (practice_template(title=""), "'title' is missing"),
    (practice_template(fields=[]), "'fields' must be a non-empty list"),
    (practice_template(fields=[{"id": "h", "type": "heading", "label": "H"}]), "only headings"),
    ([1, 2], "must hold one JSON object"),
]


@pytest.mark.parametrize(("data", "expected"), BROKEN)
def test_broken_practice_file_is_named_and_builtins_still_work(
    tmp_path: Path, data: object, expected: str
) -> None:
    practice = tmp_path / "templates"
    write(practice, "practice-prep.json", data)
    library = TemplateLibrary.load(BUILTIN_DIR, practice)
    assert len(library.problems) == 1
    message = library.problems[0]
    assert message.startswith("practice-prep.json")
    assert expected in message
    assert [t.id for t in library.for_kind("preparation")] == ["preparation"]
    assert library.latest("dosing").id == "dosing"


def test_unknown_type_message_names_file_and_field() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_template(bad_field(type="essay"), "practice-prep.json")
    assert str(caught.value) == (
        "practice-prep.json, field 'goals': type 'essay' is not a known field type"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"id": "x", "version": 1,, }', "not valid JSON (line 1"),
        ('{"id": "a", "id": "b"}', "the key 'id' appears twice"),
        ('{"version": NaN}', "NaN is not a valid JSON number"),
        # The number and nesting bounds every imported file gets (bounded_input).
        ('{"version": 9223372036854775808}', "has a whole number too large to store"),
        ('{"version": 1e999}', "has a number too large to store"),
        ('{"version": ' + "1" * 41 + "}", "has a number with more than 40 digits"),
        ('{"fields": ' + "[" * 65 + "]" * 65 + "}", "is nested more than 64 levels deep"),
    ],
)
def test_unparseable_practice_file_is_reported(tmp_path: Path, text: str, expected: str) -> None:
    write(tmp_path, "broken.json", text)
    library = TemplateLibrary.load(BUILTIN_DIR, tmp_path)
    assert len(library.problems) == 1
    assert library.problems[0].startswith("broken.json: ")
    assert expected in library.problems[0]
    assert len(library.all()) == 3


def test_non_utf8_and_bom_files(tmp_path: Path) -> None:
    (tmp_path / "latin1.json").write_bytes('{"title": "Séance"}'.encode("latin-1"))
    bom = json.dumps(practice_template()).encode("utf-8-sig")
    (tmp_path / "windows.json").write_bytes(bom)
    library = TemplateLibrary.load(BUILTIN_DIR, tmp_path)
    assert library.problems == ("latin1.json: is not UTF-8 text",)
    assert library.get("practice-prep", 1).source == str(tmp_path / "windows.json")


def test_other_files_and_missing_folder_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, "notes.txt", "not a template")
    write(tmp_path, ".hidden.json", "{")
    assert TemplateLibrary.load(BUILTIN_DIR, tmp_path).problems == ()
    assert TemplateLibrary.load(BUILTIN_DIR, tmp_path / "absent").problems == ()


def test_practice_template_may_not_reuse_a_builtin_id(tmp_path: Path) -> None:
    write(tmp_path, "my-prep.json", practice_template(id="preparation", version=2))
    library = TemplateLibrary.load(BUILTIN_DIR, tmp_path)
    assert library.problems == (
        "my-prep.json: the id 'preparation' belongs to a built-in template; "
        "give your template its own id (for example 'practice-preparation')",
    )
    assert library.newest("preparation").is_builtin


def test_practice_template_is_offered_after_the_builtin(tmp_path: Path) -> None:
    write(tmp_path, "practice-prep.json", practice_template())
    library = TemplateLibrary.load(BUILTIN_DIR, tmp_path)
    assert [t.id for t in library.for_kind("preparation")] == ["preparation", "practice-prep"]
    assert library.latest("preparation").id == "preparation"
    with pytest.raises(ValueError):
        library.for_kind("screening")


# --- versions --------------------------------------------------------------------------------


def test_every_version_is_kept_and_retrievable(tmp_path: Path) -> None:
    old = practice_template()
    new = practice_template(version=2)
    new["fields"] = [*new["fields"], {"id": "extra", "type": "short_text", "label": "Extra"}]
    write(tmp_path, "practice-prep.json", old)
    write(tmp_path, "practice-prep.v2.json", new)
    library = TemplateLibrary.load(BUILTIN_DIR, tmp_path)
    assert library.problems == ()
    assert [t.version for t in library.versions("practice-prep")] == [1, 2]
    assert library.get("practice-prep", 1).field("extra") is None
    assert library.get("practice-prep", 2).field("extra") is not None
    assert [t.version for t in library.for_kind("preparation") if not t.is_builtin] == [2]
    with pytest.raises(NotFoundError, match="version 3 is not installed"):
        library.get("practice-prep", 3)
    assert library.find("practice-prep", 3) is None


def test_same_version_defined_twice_differently_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.json", practice_template())
    write(tmp_path, "b.json", practice_template(title="Changed without a new version"))
    write(tmp_path, "c.json", practice_template())  # an identical copy is harmless
    library = TemplateLibrary.load(BUILTIN_DIR, tmp_path)
    assert library.problems == (
        "b.json: template 'practice-prep' version 1 is already defined differently in a.json; "
        "give the changed template a new version number",
    )
    assert library.get("practice-prep", 1).title == "Practice preparation"


def test_new_version_must_keep_its_kind(tmp_path: Path) -> None:
    write(tmp_path, "a.json", practice_template())
    write(tmp_path, "b.json", practice_template(version=2, kind="dosing"))
    problems = TemplateLibrary.load(BUILTIN_DIR, tmp_path).problems
    assert problems == (
        "b.json: template 'practice-prep' is a preparation template in a.json; "
        "a new version must keep its kind",
    )


def test_snapshot_from_vault_can_be_added_back(tmp_path: Path) -> None:
    # A practice edited its file in place; the vault's copy of version 1 keeps old notes whole.
    snapshot = parse_template(practice_template(), "vault")
    write(tmp_path, "practice-prep.json", practice_template(version=2))
    library = TemplateLibrary.load(BUILTIN_DIR, tmp_path)
    library.add(snapshot)
    library.add(snapshot)
    assert library.get("practice-prep", 1) == snapshot
    with pytest.raises(ConflictError):
        library.add(parse_template(practice_template(title="Other"), "vault"))


# --- values ----------------------------------------------------------------------------------

GOOD: list[tuple[TemplateField, object, object]] = [
    (field(FieldType.SHORT_TEXT), "Calm", "Calm"),
    (field(FieldType.LONG_TEXT), "Line 1\nLine 2", "Line 1\nLine 2"),
    (field(FieldType.LONG_TEXT), None, ""),
    (field(FieldType.HEADING), None, None),
    (choices(FieldType.SINGLE_CHOICE), "no", "no"),
    (choices(FieldType.SINGLE_CHOICE), "", None),
    (choices(FieldType.MULTI_CHOICE), ["maybe", "yes", "maybe"], ["yes", "maybe"]),
    (choices(FieldType.CHECKLIST), ("no",), ["no"]),
    (choices(FieldType.CHECKLIST), None, []),
    (field(FieldType.SCALE_0_10), 0, 0),
    (field(FieldType.SCALE_0_10), "10", 10),
    (field(FieldType.SCALE_0_10), 7.0, 7),
    (field(FieldType.SCALE_0_10), None, None),
    (field(FieldType.NUMBER, unit="mg", min=0, max=84), 56, 56),
    (field(FieldType.NUMBER, unit="mg", min=0, max=84), " 28.5 ", 28.5),
    (field(FieldType.NUMBER), -3, -3),
    (field(FieldType.TIME), "9:05", "09:05"),
    (field(FieldType.TIME), "23:59", "23:59"),
    (field(FieldType.TIME), dt.time(14, 30, 12), "14:30"),
    (field(FieldType.DATE), "2025-02-28", "2025-02-28"),
    (field(FieldType.DATE), dt.date(2024, 2, 29), "2024-02-29"),
    (field(FieldType.REPEATING_LIST), ["Rest more", "  ", "Call my sister"], None),
    (
        field(FieldType.INTENTIONS_REVIEW),
        [{"intention_id": 4, "progress": "6"}, {"intention_id": 9, "progress": None, "note": "x"}],
        [
            {"intention_id": 4, "progress": 6, "note": ""},
            {"intention_id": 9, "progress": None, "note": "x"},
        ],
    ),
    (
        field(FieldType.THEMES),
        [{"theme": " Grief ", "evidence": "Spoke of the farm"}, {"theme": "", "evidence": ""}],
        [{"theme": "Grief", "evidence": "Spoke of the farm"}],
    ),
]


@pytest.mark.parametrize(("tfield", "value", "expected"), GOOD)
def test_good_values_normalise(tfield: TemplateField, value: object, expected: object) -> None:
    if expected is None and tfield.type is FieldType.REPEATING_LIST:
        expected = ["Rest more", "Call my sister"]
    assert validate_value(tfield, value) == expected


BAD: list[tuple[TemplateField, object, str]] = [
    (field(FieldType.SHORT_TEXT), 5, "must be text"),
    (field(FieldType.LONG_TEXT), "bad \ud800 surrogate", "cannot be stored"),
    (field(FieldType.HEADING), "text", "a heading holds no value"),
    (choices(FieldType.SINGLE_CHOICE), "perhaps", "7 characters is not one of the choices"),
    (choices(FieldType.SINGLE_CHOICE), ["yes"], "is not one of the choices"),
    (choices(FieldType.MULTI_CHOICE), "yes", "must be a list of choices"),
    (choices(FieldType.CHECKLIST), ["yes", "never"], "5 characters is not one of the choices"),
    (field(FieldType.SCALE_0_10), 11, "whole number from 0 to 10"),
    (field(FieldType.SCALE_0_10), -1, "whole number from 0 to 10"),
    (field(FieldType.SCALE_0_10), 6.5, "whole number from 0 to 10"),
    (field(FieldType.SCALE_0_10), True, "whole number from 0 to 10"),
    (field(FieldType.NUMBER, unit="mg", min=0, max=84), 85, "must be at most 84 mg"),
    (field(FieldType.NUMBER, unit="mg", min=28, max=84), "14", "must be at least 28 mg"),
    (field(FieldType.NUMBER), "ten", "a text of 3 characters is not a number"),
    (field(FieldType.NUMBER), "1_000", "is not a number"),
    (field(FieldType.NUMBER), float("nan"), "finite"),
    (field(FieldType.NUMBER), False, "is not a number"),
    (field(FieldType.TIME), "24:00", "HH:MM"),
    (field(FieldType.TIME), "9.30", "HH:MM"),
    (field(FieldType.TIME), 930, "HH:MM"),
    (field(FieldType.DATE), "2025-02-30", "YYYY-MM-DD"),
    (field(FieldType.DATE), "20250228", "YYYY-MM-DD"),
    (field(FieldType.DATE), "28/02/2025", "YYYY-MM-DD"),
    (field(FieldType.DATE), dt.datetime(2025, 1, 1, 9, 0), "YYYY-MM-DD"),
    (field(FieldType.REPEATING_LIST), "one intention", "must be a list"),
    (field(FieldType.REPEATING_LIST), ["ok", 3], "entry 2 must be text"),
    (field(FieldType.INTENTIONS_REVIEW), [{"intention_id": 0}], "item 1 has no valid"),
    (field(FieldType.INTENTIONS_REVIEW), [{"intention_id": "4"}], "item 1 has no valid"),
    (
        field(FieldType.INTENTIONS_REVIEW),
        [{"intention_id": 4, "progress": 12}],
        "item 1: progress must be a whole number",
    ),
    (
        field(FieldType.INTENTIONS_REVIEW),
        [{"intention_id": 4}, {"intention_id": 4}],
        "item 2 repeats intention 4",
    ),
    (field(FieldType.INTENTIONS_REVIEW), [{"intention_id": 4, "mood": 3}], "must hold only"),
    (field(FieldType.THEMES), [{"theme": "", "evidence": "cried"}], "the theme is missing"),
    (field(FieldType.THEMES), [{"theme": "Grief", "evidence": 3}], "must be text"),
    (field(FieldType.THEMES), {"theme": "Grief"}, "must be a list of themes"),
]


@pytest.mark.parametrize(("tfield", "value", "expected"), BAD)
def test_bad_values_are_refused_naming_the_label(
    tfield: TemplateField, value: object, expected: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_value(tfield, value)
    assert caught.value.field == tfield.label
    assert str(caught.value).startswith(f"{tfield.label}: ")
    assert expected in caught.value.reason


def test_every_field_type_is_covered_by_good_and_bad_cases() -> None:
    assert {f.type for f, _, _ in GOOD} == set(FieldType)
    assert {f.type for f, _, _ in BAD} == set(FieldType)


def test_validate_values_fills_gaps_and_refuses_unknown_keys() -> None:
    template = parse_template(practice_template(), "practice-prep.json")
    assert validate_values(template, {"mood": "4"}) == {"goals": "", "mood": 4, "process": ""}
    with pytest.raises(ValidationError, match="'h_main' is not a field"):
        validate_values(template, {"h_main": "x"})
    with pytest.raises(ValidationError, match="'colour' is not a field"):
        validate_values(template, {"colour": "blue"})


@given(st.text())
def test_text_round_trips_unchanged(text: str) -> None:
    for ftype in (FieldType.SHORT_TEXT, FieldType.LONG_TEXT):
        assert validate_value(field(ftype), text) == text


@given(st.lists(st.text().filter(str.strip)), st.text())
def test_list_entries_and_evidence_round_trip(entries: list[str], evidence: str) -> None:
    assert validate_value(field(FieldType.REPEATING_LIST), entries) == entries
    themes = [{"theme": "Grief", "evidence": evidence}]
    assert validate_value(field(FieldType.THEMES), themes) == themes


# --- required, rows, search text -------------------------------------------------------------


def test_missing_required_names_the_labels() -> None:
    prep = TemplateLibrary.load(BUILTIN_DIR).latest("preparation")
    assert missing_required(prep, {}) == ["Reasons for treatment", "Intentions"]
    assert missing_required(prep, {"reasons": "   ", "intentions": ["", " "]}) == [
        "Reasons for treatment",
        "Intentions",
    ]
    filled = {"reasons": "Low mood for years", "intentions": ["Feel more at ease with others"]}
    assert missing_required(prep, filled) == []


def test_untouched_intentions_review_counts_as_missing() -> None:
    review = field(
        FieldType.INTENTIONS_REVIEW, id="review", label="Intentions revisited", required=True
    )
    template = Template("t", 1, "integration", "T", (review,))
    untouched = {"review": [{"intention_id": 1, "progress": None, "note": ""}]}
    assert missing_required(template, untouched) == ["Intentions revisited"]
    touched = {"review": [{"intention_id": 1, "progress": 3, "note": ""}]}
    assert missing_required(template, touched) == []


INTEGRATION_VALUES = {
    "client_account": "Felt held by the music; later, a memory of the beach house.",
    "intentions_review": [{"intention_id": 7, "progress": 6, "note": "Less guarded at work"}],
    "themes": [{"theme": "Grief", "evidence": "Spoke of her late aunt"}],
    "approach": ["somatic", "cognitive"],
    "risk_review": ["suicidal_ideation", "safety_plan"],
    "process_notes": "I felt protective; bring to supervision.",
}


def test_render_rows_keep_template_order_and_hide_private() -> None:
    integ = TemplateLibrary.load(BUILTIN_DIR).latest("integration")
    rows = render_rows(integ, INTEGRATION_VALUES, intention_labels={7: "Trust others more"})
    assert [r.label for r in rows] == [f.label for f in integ.fields if not f.private]
    by_label = {r.label: r for r in rows}
    assert by_label["Approach used"].text == "Cognitive, Somatic"
    assert by_label["Intentions revisited"].text == (
        "Trust others more — progress 6/10: Less guarded at work"
    )
    assert by_label["Emerging themes"].text == "Grief — Spoke of her late aunt"
    assert by_label["Risk reviewed"].text.splitlines()[:2] == [
        "☑ Suicidal ideation",
        "☐ Self-harm",
    ]
    assert by_label["Risk review"] == ("Risk review", "", True, False)
    assert by_label["Insights"].text == ""
    assert not any("protective" in r.text for r in rows)

    with_private = render_rows(integ, INTEGRATION_VALUES, include_private=True)
    assert with_private[-1] == (
        "Process notes",
        "I felt protective; bring to supervision.",
        False,
        True,
    )
    assert "Intention #7 — progress 6/10" in with_private[1].text


def test_old_version_note_prints_as_written(tmp_path: Path) -> None:
    old = practice_template(
        fields=[
            {"id": "dose", "type": "number", "label": "Dose", "unit": "mg"},
            {"id": "feel", "type": "single_choice", "label": "Felt", "options": ["Calm", "Tense"]},
        ]
    )
    new = practice_template(
        version=2,
        fields=[
            {
                "id": "feel",
                "type": "single_choice",
                "label": "Felt",
                "options": ["Settled", "Tense"],
            },
        ],
    )
    write(tmp_path, "v1.json", old)
    write(tmp_path, "v2.json", new)
    library = TemplateLibrary.load(BUILTIN_DIR, tmp_path)
    note = {"template_id": "practice-prep", "template_version": 1}
    values = {"dose": 56.0, "feel": "Calm"}
    template = library.get(note["template_id"], note["template_version"])
    assert render_rows(template, values) == [
        ("Dose", "56 mg", False, False),
        ("Felt", "Calm", False, False),
    ]


def test_render_never_fails_on_a_value_that_no_longer_validates() -> None:
    template = parse_template(practice_template(), "p.json")
    rows = render_rows(template, {"mood": 42})
    assert ("Mood today", "42", False, False) in rows


def test_search_text_per_field() -> None:
    # What the notes service indexes for each field (kapnotes/services/notes.py): written
    # values only, no labels, a checklist's ticked options only.
    integ = TemplateLibrary.load(BUILTIN_DIR).latest("integration")
    indexed = {f.id: search_text(f, INTEGRATION_VALUES.get(f.id),
                                 {7: "Trust others more"}) for f in integ.fields}
    text = "\n".join(indexed.values())
    assert text.lstrip().startswith("Felt held by the music")
    assert "Trust others more — progress 6/10: Less guarded at work" in text.splitlines()
    assert "Suicidal ideation" in text.splitlines() and "Self-harm" not in text
    assert "Client's account" not in text  # labels would make every note match
    assert "protective" in text  # private notes are the therapist's own: searchable


def test_load_template_file_reports_unreadable_size(tmp_path: Path) -> None:
    big = write(tmp_path, "huge.json", " " * 1_000_001)
    with pytest.raises(ValidationError, match="too large"):
        load_template_file(big)
