"""Session notes: templates, autosave writes, signing, addenda, search — real vault."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kapnotes.domain.clinical_rules import RuleFinding, Severity
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import MATCH_END, MATCH_START, Client, Course, Modality, SessionKind
from kapnotes.domain.templates import render_rows
from kapnotes.services.container import build_services
from kapnotes.storage import audit, lifecycle


@pytest.fixture
def course_id(services: object) -> int:
    client = services.clients.create(Client(code="KAP-301", full_name="Noor Example"))
    return services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                          start_date=date(2026, 11, 2))).id


def new_session(services: object, course_id: int, kind: SessionKind, **kw: object) -> object:
    return services.notes.create_session(course_id=course_id, kind=kind,
                                         starts_at=datetime(2026, 11, 2, 9, 30), **kw)


@pytest.mark.parametrize("kind", list(SessionKind))
def test_each_kind_uses_its_template_and_round_trips(
    services: object, course_id: int, kind: SessionKind
) -> None:
    session = new_session(services, course_id, kind, duration_min=90, clinician="Dr Test",
                          modality=Modality.TELEHEALTH)
    stored = services.notes.session(session.id)
    assert stored == session
    assert (stored.kind, stored.template_id, stored.template_version) == (kind, kind.value, 1)
    assert (stored.duration_min, stored.modality) == (90, Modality.TELEHEALTH)
    template = services.notes.template_for(stored)
    text_field = next(f for f in template.fields if f.type.value == "long_text")
    services.notes.save_fields(session.id, {text_field.id: "Line one\n<b>&amp; not markup"})
    assert services.notes.note(session.id).values == {text_field.id: "Line one\n<b>&amp; not "
                                                                     "markup"}


def test_integration_links_only_to_a_dosing_session_of_the_course(
    services: object, course_id: int
) -> None:
    prep = new_session(services, course_id, SessionKind.PREPARATION)
    dose = new_session(services, course_id, SessionKind.DOSING)
    with pytest.raises(ValidationError, match="Linked dosing session"):
        new_session(services, course_id, SessionKind.INTEGRATION, linked_dosing_id=prep.id)
    integ = new_session(services, course_id, SessionKind.INTEGRATION, linked_dosing_id=dose.id)
    assert services.notes.session(integ.id).linked_dosing_id == dose.id


def test_a_bad_value_is_refused_and_nothing_of_the_batch_is_written(
    services: object, course_id: int
) -> None:
    session = new_session(services, course_id, SessionKind.INTEGRATION)
    with pytest.raises(ValidationError) as err:
        services.notes.save_fields(session.id, {"insights": "kept?",
                                                "approach": ["hypnosis"]})
    assert "Approach" in str(err.value)
    assert services.notes.note(session.id).values == {}


@pytest.mark.parametrize("moment", [datetime(2026, 11, 20, 9, 0),  # naive: local wall time
                                    datetime(2026, 11, 20, 9, 0, tzinfo=UTC)])
def test_the_signature_is_stamped_with_the_injected_clock(
    services: object, course_id: int, clock: object, moment: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock.now = moment  # a fixed clock, far from the real time of the test run
    session = new_session(services, course_id, SessionKind.PREPARATION)
    services.notes.save_fields(session.id, {"reasons": "Fictional", "intentions": ["Rest"]})
    with monkeypatch.context() as local:  # a wall clock 13 hours from UTC
        local.setenv("TZ", "Pacific/Auckland")
        time.tzset()
        try:
            services.notes.sign(session.id, signer="Dr Test")
            instant = moment.astimezone()  # a naive clock reads local wall time
        finally:
            local.undo()
            time.tzset()
    assert services.notes.session(session.id).signed_at == instant
    stored = services.vault.query_one("SELECT signed_at FROM sessions WHERE id = ?",
                                      (session.id,))[0]
    assert stored == instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if moment.tzinfo is None:
        assert stored == "2026-11-19T20:00:00Z"  # 09:00 in Auckland (NZDT, +13)


def test_signing_names_missing_fields_then_locks(services: object, course_id: int) -> None:
    session = new_session(services, course_id, SessionKind.PREPARATION)
    services.notes.save_fields(session.id, {"reasons": "Low mood for years"})
    with pytest.raises(ValidationError, match="Intentions"):
        services.notes.sign(session.id, signer="Dr Test")
    assert not services.notes.session(session.id).signed
    services.notes.save_fields(session.id, {"intentions": ["Be gentle with myself"]})
    signed = services.notes.sign(session.id, signer="Dr Test")
    assert signed.signed and signed.signed_by == "Dr Test"
    with pytest.raises(ConflictError, match="signed"):
        services.notes.save_fields(session.id, {"reasons": "changed"})
    # The vault itself refuses a change that slips past the service.
    with pytest.raises(ConflictError, match="locked"):
        services.vault.execute(
            "UPDATE session_fields SET value = '\"x\"' WHERE session_id = ?", (session.id,))
    assert services.notes.note(session.id).values["reasons"] == "Low mood for years"
    assert audit.entries(services.vault)[-1].event == "session.sign"


def test_sign_checks_require_a_written_reason(services: object, course_id: int) -> None:
    session = new_session(services, course_id, SessionKind.PREPARATION)
    services.notes.save_fields(session.id, {"reasons": "r", "intentions": ["i"]})
    services.notes.sign_checks.append(lambda s, now: [RuleFinding(
        "demo", Severity.OVERRIDE, "monitoring under 2 hours", "a test")])
    with pytest.raises(ValidationError, match="monitoring under 2 hours"):
        services.notes.sign(session.id, signer="Dr Test")
    signed = services.notes.sign(session.id, signer="Dr Test", reason="Client left AMA")
    assert signed.sign_reason == "Client left AMA"


def test_addenda_only_on_signed_notes_and_the_original_stays(
    services: object, course_id: int
) -> None:
    session = new_session(services, course_id, SessionKind.PREPARATION)
    services.notes.save_fields(session.id, {"reasons": "Original text", "intentions": ["i"]})
    with pytest.raises(ConflictError):
        services.notes.add_addendum(session.id, "too early", author="Dr Test")
    services.notes.sign(session.id, signer="Dr Test")
    services.notes.add_addendum(session.id, "Correction: dose was 56 mg.", author="Dr Test")
    note = services.notes.note(session.id)
    assert note.values["reasons"] == "Original text"
    assert [a.text for a in note.addenda] == ["Correction: dose was 56 mg."]
    with pytest.raises(ConflictError, match="cannot be changed"):
        services.vault.execute("UPDATE addenda SET text = 'edited'")


def test_search_finds_typed_text_words_phrases_and_clients(
    services: object, course_id: int
) -> None:
    session = new_session(services, course_id, SessionKind.INTEGRATION)
    services.notes.save_fields(session.id, {"insights": "Felt held by the music; grief eased."})
    hits = services.notes.search("grief")
    assert [(h.client_code, h.session_id, h.ref) for h in hits] == [("KAP-301", session.id,
                                                                     "insights")]
    assert f"{MATCH_START}grief{MATCH_END}" in hits[0].snippet
    assert services.notes.search('"held by the music"')[0].session_id == session.id
    assert services.notes.search('"music held"') == []
    assert services.notes.search("Noor")[0].session_id is None
    assert services.notes.search('") OR * NEAR(') == []  # FTS syntax never reaches the user
    services.notes.save_fields(session.id, {"insights": "Replaced text"})
    assert services.notes.search("grief") == []


def test_old_template_version_note_still_opens_and_prints_as_written(
    vault_path: Path, passphrase: str, tmp_path: Path, clock: object
) -> None:
    practice = tmp_path / "practice-templates"
    practice.mkdir()
    v1 = {"id": "practice-brief", "version": 1, "kind": "integration", "title": "Brief",
          "fields": [{"id": "summary", "type": "long_text", "label": "Summary"}]}
    (practice / "brief.json").write_text(json.dumps(v1), encoding="utf-8")
    created = lifecycle.create_vault(vault_path, passphrase)
    services = build_services(created.vault, clock=clock, practice_templates=practice)
    client = services.clients.create(Client(code="KAP-302", full_name="Old Template"))
    course = services.courses.create(Course(client_id=client.id, protocol="custom",
                                            start_date=date(2026, 11, 2)))
    session = services.notes.create_session(course_id=course.id, kind=SessionKind.INTEGRATION,
                                            starts_at=datetime(2026, 11, 3, 9),
                                            template_id="practice-brief")
    services.notes.save_fields(session.id, {"summary": "Written under v1"})
    created.vault.close()

    # The practice replaces the file with v2 and later deletes it altogether.
    v2 = dict(v1, version=2, fields=[{"id": "summary", "type": "long_text", "label": "Gist"},
                                     {"id": "extra", "type": "short_text", "label": "Extra"}])
    (practice / "brief.json").write_text(json.dumps(v2), encoding="utf-8")
    (practice / "brief.json").unlink()
    vault = lifecycle.unlock_vault(vault_path, passphrase=passphrase)
    try:
        services = build_services(vault, clock=clock, practice_templates=practice)
        note = services.notes.note(session.id)
        template = services.notes.template_for(note.session)
        assert template.version == 1
        rows = render_rows(template, note.values)
        assert [(r.label, r.text) for r in rows] == [("Summary", "Written under v1")]
    finally:
        vault.close()


def test_broken_practice_template_is_reported_and_builtins_still_work(
    open_vault: object, clock: object, tmp_path: Path
) -> None:
    practice = tmp_path / "tpl"
    practice.mkdir()
    (practice / "bad.json").write_text(json.dumps(
        {"id": "bad", "version": 1, "kind": "dosing", "title": "Bad",
         "fields": [{"id": "x", "type": "essay", "label": "X"}]}), encoding="utf-8")
    services = build_services(open_vault, clock=clock, practice_templates=practice)
    assert any("bad.json" in p and "'x'" in p for p in services.templates.problems)
    assert services.templates.latest("dosing").id == "dosing"


def test_search_keeps_the_newest_notes_when_there_are_more_matches_than_the_limit(
    services: object, course_id: int
) -> None:
    sessions = [new_session(services, course_id, SessionKind.INTEGRATION) for _ in range(3)]
    for s in sessions:
        services.notes.save_fields(s.id, {"insights": "grief again"})
    services.notes.save_fields(sessions[0].id, {"insights": "grief, edited later"})
    hits = services.notes.search("grief", limit=2)
    assert {h.session_id for h in hits} == {sessions[1].id, sessions[2].id}
