"""Typing a theme offers existing ones; the picked one is the vault's theme, not a new one."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.ui.widgets.theme_completer import ThemeLineEdit, attach_theme_completer


def test_type_gri_pick_grief_and_the_mention_uses_the_existing_theme(qtbot: object,
                                                                     services: object) -> None:
    client = services.clients.create(Client(code="KAP-901", full_name="Mo Example"))
    course = services.courses.create(Course(client_id=client.id, protocol="custom",
                                            start_date=date(2026, 11, 1))).id
    sid = services.notes.create_session(course_id=course, kind=SessionKind.INTEGRATION,
                                        starts_at=datetime(2026, 11, 19, 10, 0)).id
    grief = services.themes.find("grief")

    edit = ThemeLineEdit(services.themes.known_themes)
    qtbot.addWidget(edit)
    edit.show()
    edit.activateWindow()
    qtbot.waitActive(edit)
    edit.setFocus()  # QLineEdit wires its completer up on focus-in, as for a real user
    qtbot.waitUntil(edit.hasFocus, timeout=1000)
    qtbot.keyClicks(edit, "GRI")
    popup = edit.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=1000)
    offered = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert offered == ["grief"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert edit.text() == "grief"

    services.notes.save_fields(sid, {"themes": [{"theme": edit.text(),
                                                 "evidence": "Spoke of her mother"}]})
    [mention] = services.themes.mentions_in(sid)
    assert mention.theme_id == grief.id
    assert services.themes.known_themes().count("grief") == 1


def test_contains_match_and_refresh_on_focus(qtbot: object, services: object) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    completer = attach_theme_completer(edit, services.themes.known_themes)
    completer.setCompletionPrefix("COMP")
    assert completer.currentCompletion() == "self-compassion"  # matched inside the name
    services.themes.add("Companionship")
    completer.refresh()
    completer.setCompletionPrefix("comp")
    found = [completer.completionModel().index(r, 0).data()
             for r in range(completer.completionModel().rowCount())]
    assert found == ["Companionship", "self-compassion"]


def test_focus_on_a_closed_vault_keeps_the_last_themes(qtbot: object, services: object) -> None:
    """A focus-in after the vault closed (window locked or closed) must not raise into Qt."""
    edit = ThemeLineEdit(services.themes.known_themes)
    qtbot.addWidget(edit)
    edit.show()
    model = edit.completer().model()
    before = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "grief" in before
    services.vault.conn.close()
    edit.activateWindow()
    edit.setFocus()  # pytest-qt fails the test on an exception in the event filter
    qtbot.waitUntil(edit.hasFocus, timeout=1000)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == before
