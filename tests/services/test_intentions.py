"""Course intentions from preparation notes, their reviews, revisions and the progress grid."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kapnotes.domain.course_items import IntentionStatus
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import Client, Course, SessionKind


@pytest.fixture
def course_id(services: object) -> int:
    client = services.clients.create(Client(code="KAP-501", full_name="Robin Example"))
    return services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                          start_date=date(2026, 10, 1))).id


def session(services: object, course_id: int, kind: SessionKind, day: int,
            month: int = 10) -> int:
    return services.notes.create_session(course_id=course_id, kind=kind,
                                         starts_at=datetime(2026, month, day, 10, 0)).id


def texts(services: object, course_id: int) -> list[tuple[str, str]]:
    return [(i.text, i.status.value) for i in services.intentions.for_course(course_id)]


def sign_integration(services: object, session_id: int) -> None:
    template = services.notes.template_for(services.notes.session(session_id))
    risk = template.field("risk_review")
    services.notes.save_fields(session_id, {"client_account": "Fictional account.",
                                            "risk_review": [risk.options[0].id]})
    services.notes.sign(session_id, signer="Dr Test")


def review(services: object, session_id: int, *entries: tuple[int, int | None, str]) -> None:
    services.notes.save_fields(session_id, {"intentions_review": [
        {"intention_id": i, "progress": p, "note": n} for i, p, n in entries]})


def test_progress_across_sessions(services: object, course_id: int) -> None:
    prep = session(services, course_id, SessionKind.PREPARATION, 2)
    services.notes.save_fields(prep, {"intentions": ["Be kinder to myself",
                                                     "Reconnect with my sister"]})
    kind, sister = services.intentions.active(course_id)
    assert (kind.text, kind.set_on, kind.source_session_id) == ("Be kinder to myself",
                                                               date(2026, 10, 2), prep)
    assert services.intentions.intention_rows(course_id) == [
        (kind.id, "Be kinder to myself"), (sister.id, "Reconnect with my sister")]
    session(services, course_id, SessionKind.DOSING, 9)
    first = session(services, course_id, SessionKind.INTEGRATION, 10)
    review(services, first, (kind.id, 3, "Noticed the inner critic"), (sister.id, None, ""))
    second = session(services, course_id, SessionKind.INTEGRATION, 17)
    review(services, second, (kind.id, 6, ""), (sister.id, 4, "Sent a message"))

    matrix = services.intentions.progress_matrix(course_id)
    assert [c.session_id for c in matrix.columns] == [prep, first, second]  # dosing left out
    assert [r.intention.id for r in matrix.rows] == [kind.id, sister.id]
    assert matrix.cell(kind.id, first).progress == 3
    assert matrix.cell(kind.id, first).note == "Noticed the inner critic"
    assert matrix.cell(sister.id, first) is None  # the untouched pre-filled row is no review
    assert matrix.cell(sister.id, second).progress == 4
    assert matrix.progress_series(kind.id) == [(date(2026, 10, 10), 3), (date(2026, 10, 17), 6)]

    review(services, second, (kind.id, 7, ""))  # the sister row removed from the note
    matrix = services.intentions.progress_matrix(course_id)
    assert matrix.cell(kind.id, second).progress == 7
    assert matrix.cell(sister.id, second) is None


def test_typing_edits_in_place_and_a_used_intention_gets_a_revision(
    services: object, course_id: int
) -> None:
    prep = session(services, course_id, SessionKind.PREPARATION, 2)
    for partial in ("Sle", "Sleep thro", "Sleep through the night"):  # autosave while typing
        services.notes.save_fields(prep, {"intentions": ["Be kinder to myself", partial]})
    assert texts(services, course_id) == [("Be kinder to myself", "active"),
                                          ("Sleep through the night", "active")]
    kind = services.intentions.active(course_id)[0]
    integ = session(services, course_id, SessionKind.INTEGRATION, 10)
    review(services, integ, (kind.id, 5, ""))

    services.notes.save_fields(prep, {"intentions": ["Be kinder to myself, daily",
                                                     "Sleep through the night"]})
    services.notes.save_fields(prep, {"intentions": ["Be kinder to myself, every day",
                                                     "Sleep through the night"]})
    rows = services.intentions.for_course(course_id)
    assert [(i.text, i.status.value) for i in rows] == [
        ("Be kinder to myself", "revised"),
        ("Be kinder to myself, every day", "active"),  # one revision, edited while typed
        ("Sleep through the night", "active"),
    ]
    assert rows[1].revised_from == kind.id
    matrix = services.intentions.progress_matrix(course_id)
    assert [(r.intention.text, r.depth) for r in matrix.rows][:2] == [
        ("Be kinder to myself", 0), ("Be kinder to myself, every day", 1)]
    assert matrix.cell(kind.id, integ).progress == 5  # the review stays with the original
    # The reviewing session still labels its row although the intention is no longer active.
    assert (kind.id, "Be kinder to myself") in services.intentions.intention_rows(course_id,
                                                                                  integ)
    assert (kind.id, "Be kinder to myself") not in services.intentions.intention_rows(course_id)

    # Typed back to the original words: the unused revision goes, the original is active.
    services.notes.save_fields(prep, {"intentions": ["Be kinder to myself",
                                                     "Sleep through the night"]})
    assert texts(services, course_id) == [("Be kinder to myself", "active"),
                                          ("Sleep through the night", "active")]


def test_removing_an_entry_deletes_only_what_nothing_uses(services: object, course_id: int) -> None:
    prep = session(services, course_id, SessionKind.PREPARATION, 2)
    services.notes.save_fields(prep, {"intentions": ["One", "Two", "Three"]})
    _one, two, _three = services.intentions.active(course_id)
    integ = session(services, course_id, SessionKind.INTEGRATION, 10)
    review(services, integ, (two.id, 2, "Started"))
    services.notes.save_fields(prep, {"intentions": ["Three", "One"]})  # reorder, drop "Two"
    assert sorted(texts(services, course_id)) == [("One", "active"), ("Three", "active"),
                                                  ("Two", "active")]  # "Two" was reviewed
    services.notes.save_fields(prep, {"intentions": ["Three"]})
    assert sorted(t for t, _ in texts(services, course_id)) == ["Three", "Two"]  # "One" unused


def test_a_later_preparation_restating_an_intention_does_not_duplicate_it(
    services: object, course_id: int
) -> None:
    first = session(services, course_id, SessionKind.PREPARATION, 2)
    services.notes.save_fields(first, {"intentions": ["Feel safe in my body"]})
    second = session(services, course_id, SessionKind.PREPARATION, 5)
    services.notes.save_fields(second, {"intentions": ["feel safe in my  body", "Rest more"]})
    assert [t for t, _ in texts(services, course_id)] == ["Feel safe in my body", "Rest more"]


def test_discarding_a_draft_preparation_keeps_reviewed_intentions(
    services: object, course_id: int
) -> None:
    prep = session(services, course_id, SessionKind.PREPARATION, 2)
    services.notes.save_fields(prep, {"intentions": ["Kept", "Dropped"]})
    kept = services.intentions.active(course_id)[0]
    integ = session(services, course_id, SessionKind.INTEGRATION, 10)
    review(services, integ, (kept.id, 4, ""))
    services.notes.delete_draft(prep)
    rows = services.intentions.for_course(course_id)
    assert [(i.text, i.source_session_id) for i in rows] == [("Kept", None)]


def test_status_and_revision_from_the_course_view(services: object, course_id: int) -> None:
    added = services.intentions.add(course_id, "Walk every morning", on=date(2026, 10, 3))
    newer = services.intentions.revise(added.id, "Walk three mornings a week")
    assert services.intentions.get(added.id).status is IntentionStatus.REVISED
    assert newer.revised_from == added.id and newer.status is IntentionStatus.ACTIVE
    with pytest.raises(ConflictError):
        services.intentions.set_status(added.id, IntentionStatus.ACHIEVED)
    with pytest.raises(ValidationError):
        services.intentions.set_status(newer.id, IntentionStatus.REVISED)
    done = services.intentions.set_status(newer.id, IntentionStatus.ACHIEVED)
    assert done.status is IntentionStatus.ACHIEVED and done.status_changed_at is not None
    assert services.intentions.active(course_id) == []
    assert services.intentions.labels(course_id)[added.id] == "Walk every morning"


def test_reviews_are_refused_for_another_course_and_locked_once_signed(
    services: object, course_id: int
) -> None:
    other_client = services.clients.create(Client(code="KAP-502", full_name="Sam Example"))
    other = services.courses.create(Course(client_id=other_client.id, protocol="custom",
                                           start_date=date(2026, 10, 1))).id
    foreign = services.intentions.add(other, "Someone else's")
    integ = session(services, course_id, SessionKind.INTEGRATION, 10)
    with pytest.raises(ValidationError, match="another course"):
        review(services, integ, (foreign.id, 5, ""))
    assert services.notes.note(integ).values == {}  # nothing of the save was kept

    own = services.intentions.add(course_id, "Mine")
    review(services, integ, (own.id, 5, "note"))
    sign_integration(services, integ)
    with pytest.raises(ConflictError, match="locked"):
        services.vault.execute("UPDATE intention_reviews SET progress = 1")
