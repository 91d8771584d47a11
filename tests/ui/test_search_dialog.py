"""Search across notes and clients: grouped by client, empty and no-result states, open_hit."""

from __future__ import annotations

from datetime import date, datetime

from kapnotes.domain.models import MATCH_END, MATCH_START, Client, Course, SessionKind
from kapnotes.ui.dialogs.search_dialog import (
    EMPTY_TEXT,
    SEARCH_SHORTCUT,
    SearchDialog,
    snippet_html,
)


def client_with_note(services, code: str, name: str, text: str) -> tuple[int, int]:
    client = services.clients.create(Client(code=code, full_name=name))
    course = services.courses.create(Course(client_id=client.id,
                                            protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 27)))
    session = services.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                            starts_at=datetime(2026, 11, 20, 10, 0))
    services.notes.save_fields(session.id, {"reasons": text})
    return int(client.id), int(session.id)


def make_dialog(qtbot, services) -> SearchDialog:
    dlg = SearchDialog(services)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def test_empty_state_and_no_results(qtbot, services):
    dlg = make_dialog(qtbot, services)
    assert dlg.status_label.text() == EMPTY_TEXT
    assert dlg.stack.currentIndex() == 0
    dlg.set_query("lighthouse")
    assert dlg.status_label.text() == "No results for “lighthouse”."
    assert dlg.results.topLevelItemCount() == 0
    dlg.set_query("   ")
    assert dlg.status_label.text() == EMPTY_TEXT
    assert SEARCH_SHORTCUT == "Ctrl+Shift+F"


def test_results_grouped_by_client_and_open_hit(qtbot, services):
    ada, ada_session = client_with_note(services, "KAP-001", "Ada Example",
                                        "Felt calmer walking near the ocean")
    bram, _ = client_with_note(services, "KAP-002", "Bram Fictional",
                               "Ocean swims help; wants fewer panic episodes")
    client_with_note(services, "KAP-003", "Cleo Testperson", "Nothing relevant here")
    dlg = make_dialog(qtbot, services)
    qtbot.keyClicks(dlg.query_edit, "ocea")  # prefix match, typed: searched after a pause
    qtbot.waitUntil(lambda: dlg.results.topLevelItemCount() == 2, timeout=2000)
    groups = [dlg.results.topLevelItem(i) for i in range(2)]
    assert [g.text(0) for g in groups] == ["KAP-001 · Ada Example", "KAP-002 · Bram Fictional"]
    assert [g.text(1) for g in groups] == ["1 hit", "1 hit"]
    hit = groups[0].child(0)
    assert hit.text(0) == "◇ Preparation · Fri 20 Nov 2026, 10:00"
    # The template's label, not the field id, and the matched word kept.
    assert hit.text(1).startswith("Reasons for treatment: ")
    assert "ocean" in hit.text(1)
    assert "2 results for 2 clients" in dlg.status_label.text()
    with qtbot.waitSignal(dlg.open_hit, timeout=1000) as sig:
        dlg.results.itemActivated.emit(hit, 0)
    assert sig.args == [ada, ada_session, "reasons"]
    # Activating a client row opens the client.
    with qtbot.waitSignal(dlg.open_hit, timeout=1000) as sig:
        dlg.results.itemActivated.emit(groups[1], 0)
    assert sig.args == [bram, None, ""]


def test_client_record_hits_carry_no_session(qtbot, services):
    services.clients.create(Client(code="KAP-009", full_name="Dara Madeup"))
    dlg = make_dialog(qtbot, services)
    dlg.set_query("madeup")
    group = dlg.results.topLevelItem(0)
    hit = group.child(0)
    assert hit.text(0) == "Client record"
    with qtbot.waitSignal(dlg.open_hit, timeout=1000) as sig:
        dlg.results.itemActivated.emit(hit, 0)
    assert sig.args[1] is None and sig.args[2] == ""


def test_snippet_markup_is_escaped_before_bolding():
    marked = f"a <b>x</b> [not a hit] {MATCH_START}ocean{MATCH_END} & co"
    assert snippet_html(marked) == (
        "a &lt;b&gt;x&lt;/b&gt; [not a hit] <b>ocean</b> &amp; co")


def _many_notes(services, word: str, n: int) -> None:
    client = services.clients.create(Client(code="KAP-050", full_name="Esme Invented"))
    course = services.courses.create(Course(client_id=client.id,
                                            protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 27)))
    for i in range(n):
        session = services.notes.create_session(
            course_id=course.id, kind=SessionKind.PREPARATION,
            starts_at=datetime(2026, 10, 1 + i % 28, 9 + i // 28, 0))
        services.notes.save_fields(session.id, {"reasons": f"{word} walk number {i}"})


def test_many_results_fill_in_batches_between_keystrokes(qtbot, services):
    from kapnotes.ui.dialogs.search_dialog import FILL_BATCH

    _many_notes(services, "harbour", FILL_BATCH * 2 + 5)
    dlg = make_dialog(qtbot, services)
    dlg.set_query("harbour")
    group = dlg.results.topLevelItem(0)
    # The first batch is there at once (the visible part of the list); the status already
    # counts every result.
    assert group.childCount() == FILL_BATCH and dlg.filling
    assert dlg.status_label.text().startswith(f"{FILL_BATCH * 2 + 5} results for 1 client")
    qtbot.waitUntil(lambda: not dlg.filling, timeout=5000)
    assert group.childCount() == FILL_BATCH * 2 + 5
    assert group.text(1) == f"{FILL_BATCH * 2 + 5} hits"


def test_typing_drops_the_results_still_being_filled(qtbot, services):
    from kapnotes.ui.dialogs.search_dialog import FILL_BATCH

    _many_notes(services, "harbour", FILL_BATCH * 3)
    dlg = make_dialog(qtbot, services)
    dlg.set_query("harbour")
    assert dlg.results.topLevelItem(0).childCount() == FILL_BATCH
    qtbot.keyClicks(dlg.query_edit, "x")  # "harbourx": the old rows must not grow any more
    qtbot.wait(50)
    assert dlg.results.topLevelItem(0).childCount() == FILL_BATCH
    qtbot.waitUntil(lambda: dlg.status_label.text() == "No results for “harbourx”.",
                    timeout=3000)


def test_a_short_last_word_matches_whole_words_only(services):
    """A one- or two-letter prefix would merge every indexed word starting with it."""
    from kapnotes.storage.search import fts_query

    assert fts_query("oc") == '"oc"'
    assert fts_query("calm oce") == '"calm" AND "oce"*'
    client_with_note(services, "KAP-011", "Finn Madeup", "Ocean air")
    assert services.notes.search("oc") == []
    assert services.notes.search("oce")
