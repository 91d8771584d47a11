"""Revealing a note field (a search hit, a note reopened by a sync) at a modest window size
must not scroll the page sideways: the labels and the title stay in view."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kapnotes.domain.models import SessionKind
from tests.ui.test_workspace import client_with_course, make_workspace


def test_revealing_a_field_keeps_the_page_scrolled_to_its_left_edge(
        qtbot: Any, services: Any, settings: Any, clock: Any) -> None:
    clock.now = datetime(2026, 11, 20, 9, 0)
    window, ws = make_workspace(qtbot, services, settings)
    window.resize(1100, 750)
    _client, course = client_with_course(services, "KAP-910", "Wren Example", "kap_sublingual_im")
    session = services.notes.create_session(course_id=course.id, kind=SessionKind.INTEGRATION,
                                           starts_at=datetime(2026, 11, 20, 9, 30))
    ws.open_session(session.id)
    editor = ws.editor
    assert editor is not None
    qtbot.waitExposed(editor)
    last_field = editor.template.fields[-1].id
    hbar = editor.scroll_area.horizontalScrollBar()

    assert editor.reveal_field(last_field)
    qtbot.wait(50)

    assert editor.scroll_area.verticalScrollBar().value() > 0  # it did scroll down to the field
    assert hbar.value() == 0
    window.grab().save("/tmp/s20g/reveal_field_1100x750.png")
