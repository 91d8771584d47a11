"""Bad input everywhere the user types: each value is stored and read back exactly, or refused
with a ValidationError whose `field` names the field, and then nothing at all was written.

Arbitrary Unicode (with and without lone surrogates), control characters, SQL-looking text,
huge text. Example counts keep the file under a minute; `HYPOTHESIS_PROFILE=long` runs 20x as
many. Run with `-s` to see how many inputs each suite tried and refused.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from kapnotes.domain import passphrase as passphrase_rules
from kapnotes.domain.errors import (
    ConflictError,
    KapNotesError,
    ValidationError,
    VaultError,
    WrongPassphraseError,
)
from kapnotes.domain.models import Client, Course, Modality, SessionKind
from kapnotes.domain.templates import FieldType, TemplateField, load_template_file
from kapnotes.domain.vitals import VITALS_RANGES
from kapnotes.paths import resource_path
from kapnotes.services.container import Services, build_services
from kapnotes.storage import keyfile, lifecycle
from kapnotes.storage.vault import Vault

SCALE = 20 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 1
TALLY: Counter[str] = Counter()
SQL_LIKE = ("'); DROP TABLE clients; --", "\" OR 1=1 --", "Robert'); DELETE FROM sessions;--",
            "%' UNION SELECT * FROM audit_log --", "NULL", "\\x00", "'' ''")


def examples(n: int) -> Any:
    return settings(max_examples=n * SCALE, deadline=None, derandomize=SCALE == 1,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


# -- strategies ----------------------------------------------------------------------------
any_text = st.one_of(
    st.text(),  # any Unicode, no lone surrogates
    st.text(st.characters(exclude_categories=())),  # lone surrogates too
    st.text(st.characters(max_codepoint=0x7F)),  # ASCII with every control character
    st.sampled_from(SQL_LIKE),
    st.builds(lambda a, b: f"{a}{b}{a}", st.sampled_from(SQL_LIKE), st.text(max_size=5)),
)
plain_text = st.one_of(st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=80),
                       st.sampled_from(SQL_LIKE))
# Mostly text a person could type (so many values are stored), now and then anything at all.
field_text = st.one_of(plain_text, plain_text, plain_text, any_text)
anything = st.one_of(any_text, st.none(), st.booleans(), st.integers(),
                     st.floats(allow_nan=True), st.lists(any_text, max_size=3),
                     st.dictionaries(any_text, any_text, max_size=2), st.dates())
json_docs = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=20,
)


# -- one vault for the module ----------------------------------------------------------------
ALL_TYPES_TEMPLATE = {
    "id": "practice-every-type", "version": 1, "kind": "preparation",
    "title": "Every field type (test)",
    "fields": [
        {"id": "h", "type": "heading", "label": "A heading"},
        {"id": "short", "type": "short_text", "label": "Short"},
        {"id": "long", "type": "long_text", "label": "Long"},
        {"id": "one", "type": "single_choice", "label": "One",
         "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
        {"id": "many", "type": "multi_choice", "label": "Many",
         "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
        {"id": "ticks", "type": "checklist", "label": "Ticks",
         "options": [{"id": "x", "label": "X"}, {"id": "y", "label": "Y"}]},
        {"id": "scale", "type": "scale_0_10", "label": "Scale"},
        {"id": "number", "type": "number", "label": "Number", "unit": "mg", "min": 0,
         "max": 500},
        {"id": "time", "type": "time", "label": "Time"},
        {"id": "day", "type": "date", "label": "Day"},
        {"id": "list", "type": "repeating_list", "label": "List"},
        {"id": "review", "type": "intentions_review", "label": "Review"},
        {"id": "themes", "type": "themes", "label": "Themes"},
    ],
}


@dataclasses.dataclass
class World:
    vault: Vault
    services: Services
    client_id: int
    course_id: int
    sessions: dict[str, int]  # template id -> draft session id
    codes: Iterator[int]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("bad-input")
    (folder / "templates").mkdir()
    (folder / "templates" / "every-type.json").write_text(json.dumps(ALL_TYPES_TEMPLATE))
    vault = lifecycle.create_vault(folder / "vault.kapnotes", "meadow 31 lantern quietly").vault
    s = build_services(vault, practice_templates=folder / "templates")
    assert not s.templates.problems
    client = s.clients.create(Client(code="KAP-900", full_name="Ivy Example"))
    course = s.courses.create(Course(client_id=int(client.id or 0), protocol="custom",
                                     start_date=date(2026, 1, 5)))
    sessions = {}
    for template in s.templates.all():
        sessions[template.id] = int(s.notes.create_session(
            course_id=int(course.id or 0), kind=SessionKind(template.kind),
            starts_at=datetime(2026, 1, 6, 10), template_id=template.id).id or 0)
    yield World(vault, s, int(client.id or 0), int(course.id or 0), sessions,
                iter(range(1, 10**9)))
    vault.close()
    print("\nbad input: " + ", ".join(f"{k} {v:,}" for k, v in sorted(TALLY.items())))


def _counts(vault: Vault) -> dict[str, int]:
    tables = [r[0] for r in vault.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%'"
        " AND name NOT LIKE 'search_index%'")]
    return {t: int(vault.query_one(f'SELECT count(*) FROM "{t}"')[0]) for t in tables}


def stored_or_refused(suite: str, world: World, action: Callable[[], Any],
                      check_stored: Callable[[Any], None],
                      fields: set[str] | None = None,
                      snapshot: Callable[[], Any] | None = None) -> None:
    """Run `action`; stored → `check_stored(result)`; refused → a named field, and neither the
    row count of any table nor the `snapshot` of the record changed."""
    TALLY[f"{suite} tried"] += 1
    before = _counts(world.vault), snapshot() if snapshot else None
    try:
        result = action()
    except ValidationError as exc:
        TALLY[f"{suite} refused"] += 1
        assert exc.field.strip(), exc
        if fields is not None:
            assert exc.field in fields, exc
        assert (_counts(world.vault), snapshot() if snapshot else None) == before, exc
        return
    check_stored(result)


def _one_line(value: str) -> str:
    return value.strip()


# -- clients ---------------------------------------------------------------------------------
CLIENT_TEXT = ("full_name", "preferred_name", "address", "support_person",
               "support_relationship", "referring_clinician", "prescriber", "diagnosis",
               "background", "email", "phone", "support_phone")
MULTILINE = {"address", "diagnosis", "background"}
CLIENT_LABELS = {"Client code", "Full name", "Preferred name", "Date of birth", "Phone", "Email",
                 "Address", "Support person", "Relationship", "Support person phone",
                 "Referring clinician", "Prescriber", "Diagnosis",
                 "Adequate antidepressant trials", "Current medicines", "Background"}


def _client_matches(given_client: Client, stored: Client) -> None:
    for name in CLIENT_TEXT:
        typed = getattr(given_client, name)
        expected = typed if name in MULTILINE else _one_line(typed)
        assert getattr(stored, name) == expected, name
    assert stored.code == given_client.code.strip().upper()
    assert stored.date_of_birth == given_client.date_of_birth
    assert stored.antidepressant_trials == given_client.antidepressant_trials
    assert stored.medicines == tuple(m.strip() for m in given_client.medicines if m.strip())


client_fields = st.fixed_dictionaries(
    {name: field_text for name in CLIENT_TEXT if name not in ("email", "phone", "support_phone")}
    | {"email": st.one_of(st.just(""), st.from_regex(r"[a-z0-9]{1,10}@[a-z]{1,8}\.[a-z]{2,4}",
                                                     fullmatch=True), any_text),
       "phone": st.one_of(st.from_regex(r"\+?[0-9]{3,12}", fullmatch=True), any_text),
       "support_phone": st.one_of(st.just(""), any_text)},
    optional={"date_of_birth": st.one_of(st.dates(date(1930, 1, 1), date(2015, 1, 1)),
                                         st.dates()), "antidepressant_trials": st.integers(-5, 80),
              "medicines": st.lists(any_text, max_size=4).map(tuple),
              "code": st.one_of(any_text, st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{1,15}",
                                                       fullmatch=True))},
)


@examples(150)
@given(fields=client_fields)
def test_client_create_stores_exactly_or_names_the_field(world: World,
                                                         fields: dict[str, Any]) -> None:
    fields.setdefault("code", f"T-{next(world.codes)}")
    client = Client(**fields)
    if world.services.clients.by_code(str(client.code).strip()) is not None:
        with pytest.raises((ConflictError, ValidationError)):
            world.services.clients.create(client)
        return

    def stored(result: Client) -> None:
        _client_matches(client, world.services.clients.get(int(result.id or 0)))

    stored_or_refused("clients", world, lambda: world.services.clients.create(client), stored,
                      CLIENT_LABELS)


@examples(100)
@given(fields=client_fields)
def test_client_update_stores_exactly_or_changes_nothing(world: World,
                                                         fields: dict[str, Any]) -> None:
    fields["code"] = "KAP-900"
    client = Client(id=world.client_id, **fields)

    def stored(_: Client) -> None:
        _client_matches(client, world.services.clients.get(world.client_id))

    stored_or_refused("client updates", world, lambda: world.services.clients.update(client),
                      stored, CLIENT_LABELS,
                      snapshot=lambda: world.services.clients.get(world.client_id))


# -- courses and session details -------------------------------------------------------------
@examples(100)
@given(title=field_text, prescriber=field_text, reason=field_text,
       protocol=st.one_of(st.sampled_from(["esketamine", "iv_ketamine", "kap_sublingual_im",
                                           "custom"]), any_text),
       weeks=st.one_of(st.integers(1, 4), st.integers(-3, 9)),
       start=st.one_of(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.dates()))
def test_course_create_stores_exactly_or_names_the_field(
    world: World, title: str, prescriber: str, reason: str, protocol: str, weeks: int,
    start: date,
) -> None:
    course = Course(client_id=world.client_id, protocol=protocol, start_date=start, title=title,
                    prescriber=prescriber, status_reason=reason,
                    maintenance_interval_weeks=weeks)

    def stored(result: Course) -> None:
        back = world.services.courses.get(int(result.id or 0))
        assert (back.title, back.prescriber, back.status_reason) == (
            title.strip(), prescriber.strip(), reason)
        assert (back.protocol, back.start_date, back.maintenance_interval_weeks) == (
            protocol, start, weeks)

    stored_or_refused("courses", world, lambda: world.services.courses.create(course), stored)


def test_course_start_date_the_calendar_cannot_plan_from_is_refused_by_name(
    world: World,
) -> None:
    """Year 1 or 9999 once crashed plan generation with OverflowError (found by the long run)."""
    for start in (date(1, 1, 1), date(9999, 12, 31)):
        before = _counts(world.vault)
        with pytest.raises(ValidationError) as refused:
            world.services.courses.create(Course(client_id=world.client_id,
                                                 protocol="esketamine", start_date=start))
        assert refused.value.field == "Start date"
        assert _counts(world.vault) == before


@examples(100)
@given(clinician=field_text,
       duration=st.one_of(st.integers(0, 1440), st.integers(-10**6, 10**6)),
       starts=st.datetimes(),
       modality=st.sampled_from(Modality), kind=st.sampled_from(SessionKind))
def test_session_details_store_exactly_or_name_the_field(
    world: World, clinician: str, duration: int, starts: datetime, modality: Modality,
    kind: SessionKind,
) -> None:
    def stored(result: Any) -> None:
        back = world.services.notes.session(int(result.id or 0))
        assert back.clinician == clinician.strip()
        assert back.starts_at == starts.replace(second=0, microsecond=0)
        assert (back.duration_min, back.modality, back.kind) == (duration, modality, kind)

    stored_or_refused("session details", world, lambda: world.services.notes.create_session(
        course_id=world.course_id, kind=kind, starts_at=starts, duration_min=duration,
        clinician=clinician, modality=modality), stored, {"Clinician", "Duration"})


# -- note fields of every template field type ------------------------------------------------
def _shaped(f: TemplateField) -> st.SearchStrategy[Any]:
    """Values of the right shape for the type (so they often pass), mixed with anything."""
    option_ids = [o.id for o in f.options] or ["none"]
    shaped = {
        FieldType.SHORT_TEXT: any_text, FieldType.LONG_TEXT: any_text,
        FieldType.SINGLE_CHOICE: st.sampled_from(option_ids),
        FieldType.MULTI_CHOICE: st.lists(st.sampled_from(option_ids)),
        FieldType.CHECKLIST: st.lists(st.sampled_from(option_ids)),
        FieldType.SCALE_0_10: st.integers(-2, 12) | st.integers(-2, 12).map(str),
        FieldType.NUMBER: st.integers(-10, 600) | st.floats() | st.floats().map(str),
        FieldType.TIME: st.times().map(lambda t: t.strftime("%H:%M")) | any_text,
        FieldType.DATE: st.dates().map(date.isoformat) | any_text,
        FieldType.REPEATING_LIST: st.lists(any_text, max_size=4),
        FieldType.INTENTIONS_REVIEW: st.lists(st.fixed_dictionaries(
            {"intention_id": st.integers(-1, 5), "progress": st.none() | st.integers(-1, 11),
             "note": any_text}), max_size=3),
        FieldType.THEMES: st.lists(st.fixed_dictionaries(
            {"theme": any_text, "evidence": any_text}), max_size=3),
    }
    return st.one_of(shaped[f.type], anything)


def _fillable(world: World) -> list[tuple[str, TemplateField]]:
    return [(t.id, f) for t in world.services.templates.all() for f in t.fields
            if f.type is not FieldType.HEADING]


@examples(6)
@given(data=st.data())
def test_every_note_field_stores_exactly_or_names_the_field(world: World, data: Any) -> None:
    for template_id, f in _fillable(world):
        value = data.draw(_shaped(f), label=f"{template_id}.{f.id}")
        session_id = world.sessions[template_id]

        def stored(_: None, session_id: int = session_id, f: TemplateField = f,
                   value: Any = value) -> None:
            back = world.services.notes.note(session_id).values[f.id]
            if f.type in (FieldType.SHORT_TEXT, FieldType.LONG_TEXT):
                assert back == (value or "")  # what was typed, unchanged
            else:
                assert json.loads(json.dumps(back)) == back
                assert world.services.notes.template_for(
                    world.services.notes.session(session_id)).field(f.id) == f

        def save(session_id: int = session_id, f: TemplateField = f, value: Any = value) -> Any:
            return world.services.notes.save_fields(session_id, {f.id: value})

        stored_or_refused(f"note fields ({f.type.value})", world, save, stored, {f.label},
                          snapshot=lambda sid=session_id: world.services.notes.note(sid))


@examples(10)
@given(text=st.text(min_size=1), extra=any_text)
def test_one_save_with_a_bad_field_keeps_none_of_the_others(world: World, text: str,
                                                            extra: str) -> None:
    session_id = world.sessions["practice-every-type"]
    before = world.services.notes.note(session_id).values
    with pytest.raises(ValidationError) as refused:
        world.services.notes.save_fields(session_id, {"long": text, "short": extra,
                                                      "scale": "eleven"})
    assert refused.value.field == "Scale"
    assert world.services.notes.note(session_id).values == before


def test_a_one_megabyte_note_client_background_and_addendum_read_back_exactly(
    world: World,
) -> None:
    big = ("Zoë said: ‘the room felt warm’ — 日本語のメモ 🌿 \"'); DROP TABLE clients; --\n"
           * 20_000)[:1_000_000]
    session_id = world.sessions["dosing"]
    world.services.notes.save_fields(session_id, {"narrative": big})
    assert world.services.notes.note(session_id).values["narrative"] == big
    client = world.services.clients.create(Client(code="KAP-BIG", full_name="Ode Example",
                                                  background=big))
    assert world.services.clients.get(int(client.id or 0)).background == big
    signed = world.services.notes.create_session(course_id=world.course_id,
                                                 kind=SessionKind.PREPARATION,
                                                 starts_at=datetime(2026, 1, 7, 9))
    sid = int(signed.id or 0)
    world.services.notes.save_fields(sid, {"reasons": "r", "intentions": ["i"]})
    world.services.notes.sign(sid, signer="Dr Example")
    assert world.services.notes.add_addendum(sid, big, author="Dr Example").text == big


@examples(60)
@given(text=field_text, author=field_text)
def test_addendum_stores_exactly_or_names_the_field(world: World, text: str,
                                                    author: str) -> None:
    sid = world.sessions.get("signed")
    if sid is None:
        sid = int(world.services.notes.create_session(
            course_id=world.course_id, kind=SessionKind.PREPARATION,
            starts_at=datetime(2026, 1, 8, 9)).id or 0)
        world.services.notes.save_fields(sid, {"reasons": "r", "intentions": ["i"]})
        world.services.notes.sign(sid, signer="Dr Example")
        world.sessions["signed"] = sid

    def stored(result: Any) -> None:
        assert (result.text, result.author) == (text, author.strip())

    stored_or_refused("addenda", world, lambda: world.services.notes.add_addendum(
        sid, text, author=author), stored, {"Addendum", "Author"})


# -- monitoring record and vitals (another engineer's service; input rules checked here) ----
@examples(60)
@given(changes=st.dictionaries(st.sampled_from(["dose_mg", "weight_kg", "medication", "route",
                                                 "ready_to_leave_minutes", "interventions"]),
                               anything, min_size=1, max_size=3))
def test_monitoring_record_stores_or_names_the_field(world: World,
                                                     changes: dict[str, Any]) -> None:
    sid = world.sessions["dosing"]

    def stored(result: Any) -> None:
        assert result == world.services.monitoring.details(sid)

    stored_or_refused("monitoring record", world,
                      lambda: world.services.monitoring.update_record(sid, changes), stored,
                      snapshot=lambda: world.services.monitoring.details(sid))


@examples(60)
@given(values=st.one_of(
    st.fixed_dictionaries({"systolic": st.integers(50, 260), "diastolic": st.integers(30, 160)},
                          optional={"heart_rate": st.integers(30, 220),
                                    "spo2": st.integers(50, 100)}),
    st.dictionaries(st.one_of(st.sampled_from(list(VITALS_RANGES)), st.just("resp_rate")),
                    st.one_of(st.integers(0, 300), anything), max_size=5),
))
def test_vitals_reading_stores_or_names_the_field(world: World, values: dict[str, Any]) -> None:
    sid = world.sessions["dosing"]
    stored_or_refused("vitals", world, lambda: world.services.monitoring.add_reading(
        sid, "extra", values, at=datetime(2026, 1, 6, 10, 30)), lambda r: None)


# -- passphrases and key files ---------------------------------------------------------------
@examples(300)
@given(typed=any_text, again=st.booleans())
def test_new_passphrase_rules_refuse_by_field_or_accept(typed: str, again: bool) -> None:
    TALLY["passphrase rules tried"] += 1
    passphrase_rules.strength_hint(typed)  # the live hint never fails
    try:
        passphrase_rules.check_new_passphrase(typed, typed if again else typed + "x")
    except ValidationError as exc:
        TALLY["passphrase rules refused"] += 1
        assert exc.field == "Passphrase"
        return
    assert again and len(typed) >= passphrase_rules.MIN_LENGTH


@pytest.fixture(scope="module")
def sealed() -> keyfile.KeyFile:
    return keyfile.create_key_file("orchard 7 lantern quietly")[0]


@examples(8)
@given(typed=any_text)
@example(typed="abcdefghij\ud800")  # a broken paste: once a UnicodeEncodeError crash
def test_any_typed_passphrase_unlocks_its_own_key_file_and_no_other(
    sealed: keyfile.KeyFile, typed: str,
) -> None:
    TALLY["key file passphrases tried"] += 1
    try:
        passphrase_rules.check_new_passphrase(typed, typed)
    except ValidationError:
        TALLY["key file passphrases refused"] += 1
        with pytest.raises(WrongPassphraseError):
            sealed.unlock(passphrase=typed)  # a wrong one is just wrong, whatever it holds
        return
    kf, data_key, _ = keyfile.create_key_file(typed, with_recovery=False)
    assert keyfile.KeyFile.from_bytes(kf.to_bytes(), Path("k")).unlock(passphrase=typed) == (
        data_key)
    with pytest.raises(WrongPassphraseError):
        sealed.unlock(passphrase=typed)


@examples(100)
@given(raw=st.one_of(st.binary(max_size=300), json_docs.map(lambda d: json.dumps(d).encode())))
def test_foreign_key_file_is_refused_with_its_name(raw: bytes) -> None:
    TALLY["key files tried"] += 1
    with pytest.raises(VaultError, match=r"vault\.kapnotes\.keys"):
        keyfile.KeyFile.from_bytes(raw, Path("vault.kapnotes.keys"))
    TALLY["key files refused"] += 1


@examples(100)
@given(typed=any_text)
def test_recovery_key_typing_is_refused_plainly_or_normalised(sealed: keyfile.KeyFile,
                                                              typed: str) -> None:
    try:
        keyfile.normalise_recovery_key(typed)
    except KapNotesError:
        return


# -- template files --------------------------------------------------------------------------
BUILTIN_DOC = json.loads((resource_path("templates") / "dosing.json").read_text("utf-8"))


def _mutated(doc: Any, path: list[int], new: Any) -> Any:
    """The document with one node (chosen by `path`) replaced by `new`."""
    if not path or not isinstance(doc, dict | list) or not doc:
        return new
    keys = list(doc) if isinstance(doc, dict) else list(range(len(doc)))
    key = keys[path[0] % len(keys)]
    copy = dict(doc) if isinstance(doc, dict) else list(doc)
    copy[key] = _mutated(doc[key], path[1:], new)  # type: ignore[index]
    return copy


template_docs = st.one_of(
    json_docs,
    st.builds(_mutated, st.just(BUILTIN_DOC), st.lists(st.integers(0, 50), max_size=4),
              json_docs),
)


@examples(200)
@given(doc=template_docs)
def test_template_file_loads_or_is_refused_naming_the_file(tmp_path_factory: Any,
                                                           doc: Any) -> None:
    TALLY["template files tried"] += 1
    path = tmp_path_factory.mktemp("tpl") / "practice.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8", errors="surrogatepass")
    try:
        template = load_template_file(path)
    except ValidationError as exc:
        TALLY["template files refused"] += 1
        assert exc.field.startswith("practice.json"), exc  # the file, then the field if any
        return
    assert template.id and template.fields


@examples(60)
@given(raw=st.binary(max_size=400))
def test_template_file_of_random_bytes_is_refused_naming_the_file(tmp_path_factory: Any,
                                                                  raw: bytes) -> None:
    assume(raw.strip())
    path = tmp_path_factory.mktemp("tpl") / "practice.json"
    path.write_bytes(raw)
    TALLY["template files tried"] += 1
    with pytest.raises(ValidationError) as refused:
        load_template_file(path)
    TALLY["template files refused"] += 1
    assert refused.value.field == "practice.json"
