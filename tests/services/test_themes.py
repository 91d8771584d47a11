"""Theme vocabulary: mentions from notes, rename and merge (every mention kept), theme tables."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kapnotes.domain.errors import ConflictError
from kapnotes.domain.models import Client, Course, SessionKind


@pytest.fixture
def course_id(services: object) -> int:
    client = services.clients.create(Client(code="KAP-601", full_name="Alex Example"))
    return services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                          start_date=date(2026, 10, 1))).id


def integration(services: object, course_id: int, day: int, *themes: tuple[str, str]) -> int:
    sid = services.notes.create_session(course_id=course_id, kind=SessionKind.INTEGRATION,
                                        starts_at=datetime(2026, 10, day, 10, 0)).id
    if themes:
        save_themes(services, sid, *themes)
    return sid


def save_themes(services: object, session_id: int, *themes: tuple[str, str]) -> None:
    services.notes.save_fields(session_id, {"themes": [{"theme": t, "evidence": e}
                                                       for t, e in themes]})


def sign(services: object, session_id: int) -> None:
    risk = services.notes.template_for(services.notes.session(session_id)).field("risk_review")
    services.notes.save_fields(session_id, {"client_account": "Fictional account.",
                                            "risk_review": [risk.options[0].id]})
    services.notes.sign(session_id, signer="Dr Test")


def theme_values(services: object, session_id: int) -> list[str]:
    return [e["theme"] for e in services.notes.note(session_id).values["themes"]]


def test_names_resolve_case_insensitively_and_half_typed_names_do_not_stay(
    services: object, course_id: int
) -> None:
    grief = services.themes.find("grief")
    assert grief is not None and grief.pinned  # the starting vocabulary
    sid = integration(services, course_id, 10)
    for typed in ("Sel", "Self-kind", "Self-kindness"):  # autosave while typing a new theme
        save_themes(services, sid, ("GRIEF", "Cried about her father"), (typed, ""))
    first = services.themes.mentions_in(sid)[0]
    assert (first.theme_id, first.theme_name, first.written_as) == (grief.id, "grief", "GRIEF")
    assert "Self-kindness" in services.themes.known_themes()
    assert not {"Sel", "Self-kind"} & set(services.themes.known_themes())
    first_id = services.themes.find("self-kindness").id
    save_themes(services, sid, ("grief", "Cried about her father"), ("self-kindness", "x"))
    assert services.themes.find("Self-Kindness").id == first_id  # same theme, same id


def test_reordering_a_fields_themes_saves_and_keeps_each_theme(services: object,
                                                                course_id: int) -> None:
    """[A] → [B, A]: A's only mention moves from position 0 to 1. Rewriting position 0 first
    pruned A, and writing it at position 1 then failed its foreign key: the autosave failed."""
    sid = integration(services, course_id, 10, ("Tidal longing", "first words"))
    longing = services.themes.find("tidal longing")
    assert longing is not None and not longing.pinned  # pruned when its last mention goes
    save_themes(services, sid, ("Harbour lights", "new first"), ("Tidal longing", "first words"))
    assert theme_values(services, sid) == ["Harbour lights", "Tidal longing"]
    mentions = services.themes.mentions_in(sid)
    assert [(m.position, m.theme_name, m.evidence) for m in mentions] == [
        (0, "Harbour lights", "new first"), (1, "Tidal longing", "first words")]
    assert services.themes.find("tidal longing").id == longing.id  # never pruned on the way
    # Swapping, shrinking and emptying the field keep the vocabulary exact as well.
    save_themes(services, sid, ("Tidal longing", "b"), ("Harbour lights", "a"))
    assert [m.theme_name for m in services.themes.mentions_in(sid)] == [
        "Tidal longing", "Harbour lights"]
    save_themes(services, sid, ("Harbour lights", "a"))
    assert services.themes.find("tidal longing") is None  # its last mention went
    save_themes(services, sid)
    assert services.themes.mentions_in(sid) == [] and services.themes.find("harbour lights") is None


def test_merge_keeps_every_mention_and_notes_follow(services: object, course_id: int) -> None:
    signed = integration(services, course_id, 10, ("self compassion", "Spoke gently to herself"))
    sign(services, signed)
    draft = integration(services, course_id, 17, ("self-kindness", "Took a rest day"),
                        ("grief", "Anniversary"), ("self compassion", "Forgave a mistake"))
    target = services.themes.find("self-compassion")
    sources = [services.themes.find("self compassion").id, services.themes.find("self-kindness").id]
    before = len(services.themes.mentions_of(sources[0])) + len(services.themes.mentions_of(
        sources[1]))

    moved = services.themes.merge(sources, target.id)

    assert moved == before == 3
    mentions = services.themes.mentions_of(target.id)
    assert sorted(m.evidence for m in mentions) == ["Forgave a mistake", "Spoke gently to herself",
                                                    "Took a rest day"]
    assert services.themes.find("self compassion") is None
    assert services.themes.find("self-kindness") is None
    # The draft now says the merged name; the signed note keeps its words as written.
    assert theme_values(services, draft) == ["self-compassion", "grief", "self-compassion"]
    assert theme_values(services, signed) == ["self compassion"]
    signed_mention = services.themes.mentions_in(signed)[0]
    assert (signed_mention.theme_name, signed_mention.written_as) == ("self-compassion",
                                                                      "self compassion")
    # A later autosave of the draft does not bring the old themes back.
    save_themes(services, draft, *[(t, "e") for t in theme_values(services, draft)])
    assert services.themes.find("self-kindness") is None
    assert len(services.themes.mentions_of(target.id)) == 3


def test_rename_follows_in_drafts_and_refuses_a_clash(services: object, course_id: int) -> None:
    signed = integration(services, course_id, 10, ("body awareness", "Noticed her shoulders"))
    sign(services, signed)
    draft = integration(services, course_id, 17, ("Body Awareness", "Breathing"))
    theme = services.themes.find("body awareness")
    renamed = services.themes.rename(theme.id, "embodiment")
    assert (renamed.id, renamed.name) == (theme.id, "embodiment")
    assert theme_values(services, draft) == ["embodiment"]
    assert theme_values(services, signed) == ["body awareness"]
    assert {m.theme_name for m in services.themes.mentions_of(theme.id)} == {"embodiment"}
    assert services.notes.search("embodiment")  # the draft's search text follows too
    with pytest.raises(ConflictError, match="merge"):
        services.themes.rename(theme.id, "GRIEF")
    with pytest.raises(ConflictError, match="merge"):
        services.themes.delete(theme.id)


def test_vocabulary_add_and_delete(services: object) -> None:
    added = services.themes.add("  trust   in the process ")
    assert added.name == "trust in the process" and added.pinned
    with pytest.raises(ConflictError):
        services.themes.add("Trust in the Process")
    services.themes.delete(added.id)
    assert services.themes.find("trust in the process") is None


def test_signed_mentions_are_locked_but_may_change_theme(services: object, course_id: int) -> None:
    sid = integration(services, course_id, 10, ("meaning", "Talked about purpose"))
    sign(services, sid)
    with pytest.raises(ConflictError, match="locked"):
        services.vault.execute("UPDATE theme_mentions SET evidence = 'changed'")
    with pytest.raises(ConflictError, match="locked"):
        services.vault.execute(
            "INSERT INTO theme_mentions (theme_id, session_id, field_id, position, written_as)"
            " VALUES (1, ?, 'themes', 5, 'x')", (sid,))


def test_course_theme_table(services: object, course_id: int) -> None:
    first = integration(services, course_id, 10, ("grief", "Her father's chair"),
                        ("meaning", "Why she paints"))
    services.notes.create_session(course_id=course_id, kind=SessionKind.DOSING,
                                  starts_at=datetime(2026, 10, 14, 9, 0))
    second = integration(services, course_id, 15)
    third = integration(services, course_id, 24, ("Grief", "Visited the grave"),
                        ("relationships", "Called her brother"), ("grief", ""))
    table = services.themes.course_themes(course_id)
    assert [c.session_id for c in table.columns] == [first, second, third]
    by_name = {r.name: r for r in table.rows}
    assert [r.name for r in table.rows] == ["grief", "meaning", "relationships"]  # first seen
    grief = by_name["grief"]
    assert (grief.first_seen, grief.first_session_id) == (date(2026, 10, 10), first)
    assert (grief.mentions, grief.sessions) == (3, 2)
    assert (grief.latest_on, grief.latest_evidence) == (date(2026, 10, 24), "Visited the grave")
    assert table.cells[(grief.theme_id, third)] == ("Visited the grave", "")
    assert (grief.theme_id, second) not in table.cells


def test_practice_wide_frequency_counts_clients(services: object, course_id: int) -> None:
    integration(services, course_id, 10, ("grief", "a"), ("meaning", "b"))
    integration(services, course_id, 17, ("grief", "c"))
    other = services.clients.create(Client(code="KAP-602", full_name="Jo Example"))
    other_course = services.courses.create(Course(client_id=other.id, protocol="custom",
                                                  start_date=date(2026, 10, 1))).id
    integration(services, other_course, 12, ("grief", "d"))
    freq = {f.name: f for f in services.themes.frequency()}
    assert (freq["grief"].mentions, freq["grief"].sessions, freq["grief"].clients) == (3, 3, 2)
    assert freq["grief"].last_seen == date(2026, 10, 17)
    assert (freq["meaning"].mentions, freq["meaning"].clients) == (1, 1)
    assert freq["relationships"].mentions == 0  # in the vocabulary, not yet used
    assert services.themes.frequency()[0].name == "grief"  # most used first


def test_deleting_a_client_takes_its_mentions_and_unpinned_themes(
    services: object, course_id: int
) -> None:
    sid = integration(services, course_id, 10, ("A one-off theme", "x"), ("grief", "y"))
    intention = services.intentions.add(course_id, "Rest")
    services.notes.save_fields(sid, {"intentions_review": [
        {"intention_id": intention.id, "progress": 4, "note": ""}]})
    sign(services, sid)  # locked rows must not stop a deliberate deletion
    client_id = services.courses.get(course_id).client_id
    services.measures.enter(client_id=client_id, scale_id="gad7", taken_on=date(2026, 10, 10),
                            total=8)
    services.clients.delete(client_id, typed_code="KAP-601")
    assert services.vault.query_one("SELECT count(*) FROM intention_reviews")[0] == 0
    assert services.vault.query_one("SELECT count(*) FROM measures")[0] == 0
    assert services.themes.find("a one-off theme") is None
    assert services.themes.find("grief") is not None


def test_a_save_closes_gaps_in_mention_positions(services: object, course_id: int) -> None:
    from kapnotes.storage import themes as theme_repo

    sid = integration(services, course_id, 11, ("grief", "a"), ("meaning", "b"))
    with services.vault.transaction() as vault:  # as an older import could leave them: 0, 5
        vault.execute("UPDATE theme_mentions SET position = 5 WHERE session_id = ?"
                      " AND position = 1", (sid,))
        grief, meaning = services.themes.find("grief").id, services.themes.find("meaning").id
        theme_repo.replace_mentions(vault, sid, "themes", [(grief, "a", "grief"),
                                                            (meaning, "b", "meaning")])
    assert [(m.position, m.theme_name) for m in services.themes.mentions_in(sid)] == [
        (0, "grief"), (1, "meaning")]
