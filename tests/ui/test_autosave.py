"""Autosave against a real vault: debounce, max latency, flush, real write faults, validation."""

from __future__ import annotations

from typing import Any

import pytest
from note_ui_helpers import all_types_template, make_course, new_session
from PySide6.QtCore import Qt

from kapnotes.storage import audit
from kapnotes.ui.session_editor import SessionEditor
from kapnotes.ui.widgets.autosave import NOT_SAVED, SAVED, UNSAVED, AutosaveController

FAST = {"debounce_ms": 60, "max_latency_ms": 400, "retry_ms": 100}


@pytest.fixture
def session_id(services: Any) -> int:
    return int(new_session(services, make_course(services)).id)


def stored(services: Any, session_id: int) -> dict[str, Any]:
    return services.notes.note(session_id).values


def editor_for(qtbot: Any, services: Any, session_id: int, **kw: Any) -> SessionEditor:
    editor = SessionEditor(services, session_id, **{**FAST, **kw})
    qtbot.addWidget(editor)
    return editor


def test_saves_after_a_pause(qtbot: Any, services: Any, session_id: int) -> None:
    saver = AutosaveController(services.notes, session_id, debounce_ms=50, max_latency_ms=5000)
    states: list[str] = []
    saver.state_changed.connect(states.append)
    saver.set_value("reasons", "Fictional reasons")
    assert saver.state == UNSAVED
    assert "reasons" not in stored(services, session_id)
    qtbot.waitUntil(lambda: saver.state == SAVED, timeout=2000)
    assert stored(services, session_id)["reasons"] == "Fictional reasons"
    assert states == [UNSAVED, "Saving…", SAVED]
    assert not saver.has_unsaved()


def test_autosave_persists_after_the_widget_is_gone(
    qtbot: Any, services: Any, session_id: int
) -> None:
    editor = SessionEditor(services, session_id, **FAST)
    editor.show()
    box = editor.form.editor("reasons").edit
    qtbot.keyClicks(box, "Wants to feel less stuck")
    qtbot.waitUntil(lambda: editor.state == SAVED, timeout=2000)
    editor.deleteLater()  # no flush, no close: only autosave can have stored it
    qtbot.wait(20)
    assert stored(services, session_id)["reasons"] == "Wants to feel less stuck"
    reopened = editor_for(qtbot, services, session_id)
    assert reopened.form.value("reasons") == "Wants to feel less stuck"


def test_max_latency_saves_while_typing_continues(
    qtbot: Any, services: Any, session_id: int
) -> None:
    # The pause rule alone would never fire: a key every 50 ms, debounce 300 ms.
    editor = editor_for(qtbot, services, session_id, debounce_ms=300, max_latency_ms=200)
    # Each save records how many keys had been typed by then (not the time: under load the
    # event loop runs late, and a wall-clock bound would fail a correct autosave).
    typed = 0
    saves: list[int] = []
    editor.autosave.saved.connect(lambda _ids: saves.append(typed))
    box = editor.form.editor("reasons").edit
    for _ in range(16):  # at least 800 ms of steady typing, four times the latency bound
        qtbot.keyClicks(box, "a")
        typed += 1
        qtbot.wait(50)
    assert saves, "nothing was saved while typing went on"
    assert saves[0] < 16  # saved well inside the typing burst, while keys kept coming
    partial = stored(services, session_id)["reasons"]
    assert partial and set(partial) == {"a"}
    assert editor.flush()
    assert stored(services, session_id)["reasons"] == "a" * 16
    # Several saves while typing, one audit entry: the stretch, naming the field, not the text.
    assert len(saves) >= 2
    edits = [e for e in audit.entries(services.vault) if e.event == "session.edit"]
    assert [(e.record_id, e.detail) for e in edits] == [(str(session_id), "fields: reasons")]


def test_flush_on_close(qtbot: Any, services: Any, session_id: int) -> None:
    editor = editor_for(qtbot, services, session_id, debounce_ms=60_000, max_latency_ms=60_000)
    editor.show()
    qtbot.keyClicks(editor.form.editor("goals").edit, "Sleep better")
    assert "goals" not in stored(services, session_id)
    editor.close()
    assert stored(services, session_id)["goals"] == "Sleep better"


def test_flush_is_explicit_and_reports_success(
    qtbot: Any, services: Any, session_id: int
) -> None:
    editor = editor_for(qtbot, services, session_id, debounce_ms=60_000, max_latency_ms=60_000)
    qtbot.keyClicks(editor.form.editor("fears").edit, "Losing control")
    assert editor.autosave.has_unsaved()
    states: list[str] = []
    editor.state_changed.connect(states.append)
    assert editor.flush() is True
    assert states == ["Saving…", SAVED]
    assert stored(services, session_id)["fears"] == "Losing control"


def test_focus_leaving_a_field_saves(qtbot: Any, services: Any, session_id: int) -> None:
    editor = editor_for(qtbot, services, session_id, debounce_ms=60_000, max_latency_ms=60_000)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    box = editor.form.editor("reasons").edit
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClicks(box, "Fictional")
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: stored(services, session_id).get("reasons") == "Fictional")


def _fill_disk(vault: Any) -> None:
    # SQLite's own page limit: every write that needs a page more fails with SQLITE_FULL,
    # exactly as on a full disk.
    pages = vault.query_one("PRAGMA page_count")[0]
    vault.conn.execute(f"PRAGMA max_page_count = {pages}")


def _free_disk(vault: Any) -> None:
    vault.conn.execute("PRAGMA max_page_count = 1073741823")


def _make_read_only(vault: Any) -> None:
    vault.conn.execute("PRAGMA query_only = ON")  # writes now fail with SQLITE_READONLY


def _make_writable(vault: Any) -> None:
    vault.conn.execute("PRAGMA query_only = OFF")


@pytest.mark.parametrize(("break_it", "fix_it", "words"), [
    (_fill_disk, _free_disk, "disk is full"),
    (_make_read_only, _make_writable, "read-only"),
])
def test_write_failure_keeps_text_and_recovers(
    qtbot: Any, services: Any, session_id: int, break_it: Any, fix_it: Any, words: str
) -> None:
    editor = editor_for(qtbot, services, session_id, retry_ms=150)
    states: list[str] = []
    editor.state_changed.connect(states.append)
    break_it(services.vault)
    text = "A long fictional account. " * 400  # needs new pages
    editor.form.set_value("reasons", "")
    editor.form.editor("reasons").edit.setPlainText(text)
    assert editor.flush() is False
    assert editor.state.startswith(NOT_SAVED) and words in editor.state
    assert "still in the editor" in editor.state
    assert editor.form.value("reasons") == text
    assert editor.autosave.pending() == {"reasons": text}
    assert "reasons" not in stored(services, session_id)
    fix_it(services.vault)
    # No keystroke needed: the retry timer saves it.
    qtbot.waitUntil(lambda: editor.state == SAVED, timeout=3000)
    assert stored(services, session_id)["reasons"] == text
    assert any(s.startswith(NOT_SAVED) for s in states) and states[-1] == SAVED


def test_failure_then_next_edit_saves(qtbot: Any, services: Any, session_id: int) -> None:
    editor = editor_for(qtbot, services, session_id, retry_ms=60_000)
    _make_read_only(services.vault)
    qtbot.keyClicks(editor.form.editor("goals").edit, "Calm")
    qtbot.waitUntil(lambda: editor.state.startswith(NOT_SAVED), timeout=2000)
    _make_writable(services.vault)
    qtbot.keyClicks(editor.form.editor("goals").edit, "er")
    qtbot.waitUntil(lambda: editor.state == SAVED, timeout=2000)
    assert stored(services, session_id)["goals"] == "Calmer"


def test_closed_vault_counts_as_a_write_failure(
    qtbot: Any, services: Any, session_id: int
) -> None:
    saver = AutosaveController(services.notes, session_id, debounce_ms=60_000,
                               max_latency_ms=60_000, retry_ms=60_000)
    services.vault.conn.close()  # the driver now raises ProgrammingError on every call
    saver.set_value("reasons", "Typed after the lock")
    assert saver.flush() is False
    assert saver.state.startswith(NOT_SAVED + "The vault could not be written")
    assert saver.pending() == {"reasons": "Typed after the lock"}


def test_one_bad_number_does_not_block_the_prose(
    qtbot: Any, services: Any
) -> None:
    all_types_template(services)
    course_id = make_course(services)
    sid = int(new_session(services, course_id, template_id="test-all-types").id)
    editor = editor_for(qtbot, services, sid)
    invalid: list[tuple[str, str]] = []
    editor.autosave.field_invalid.connect(lambda f, m: invalid.append((f, m)))
    editor.show()
    qtbot.keyClicks(editor.form.editor("dose").edit, "500")
    qtbot.keyClicks(editor.form.editor("story").edit, "Prose that must not be lost")
    editor.flush()
    values = stored(services, sid)
    assert values["story"] == "Prose that must not be lost"
    assert "dose" not in values
    assert invalid == [("dose", "Dose: must be at most 100 mg")]
    assert editor.state == NOT_SAVED + "Dose: must be at most 100 mg"
    assert editor.form.field_error("dose") == "Dose: must be at most 100 mg"
    assert editor.form.value("dose") == 500  # the text stays for the therapist to correct
    # Unchanged, it is not retried (no loop of failing writes); corrected, it saves.
    assert editor.flush() is False
    edit = editor.form.editor("dose").edit
    edit.clear()
    qtbot.keyClicks(edit, "56")
    assert editor.flush() is True
    assert stored(services, sid)["dose"] == 56
    assert editor.state == SAVED
    assert editor.form.field_error("dose") == ""


def test_a_note_signed_elsewhere_is_not_overwritten(
    qtbot: Any, services: Any, session_id: int
) -> None:
    services.notes.save_fields(session_id, {"reasons": "Done", "intentions": ["Rest"]})
    saver = AutosaveController(services.notes, session_id, debounce_ms=60_000,
                               max_latency_ms=60_000)
    services.notes.sign(session_id, signer="Dr Fictional")
    saver.set_value("reasons", "Late edit")
    assert saver.flush() is False
    assert "signed" in saver.state
    assert stored(services, session_id)["reasons"] == "Done"
    saver.set_value("reasons", "Another")  # refused at once, no write attempted
    assert saver.state.startswith(NOT_SAVED) and not saver.has_unsaved()


def test_a_paste_past_the_note_limit_is_refused_and_the_note_kept(
    qtbot: Any, services: Any, session_id: int
) -> None:
    """Issue 15: note text has a size limit (docs/TEMPLATES.md), enforced when typing too.
    A paste past it is refused with a message naming the field and the limit, never the
    text; what was saved before stays saved, and the refusal is not retried in a loop."""
    from PySide6.QtWidgets import QApplication

    from kapnotes.domain.template_values import MAX_NOTE_CHARS

    editor = editor_for(qtbot, services, session_id)
    editor.show()
    box = editor.form.editor("reasons").edit
    qtbot.keyClicks(box, "Wants to feel less stuck")
    assert editor.flush()
    box.moveCursor(box.textCursor().MoveOperation.End)
    QApplication.clipboard().setText(" Zq" * (MAX_NOTE_CHARS // 3 + 1))
    box.paste()  # what Ctrl+V does
    assert editor.flush() is False
    assert stored(services, session_id)["reasons"] == "Wants to feel less stuck"
    message = editor.form.field_error("reasons")
    assert "too long" in message and "2,000,000" in message and "Zq" not in message
    assert message.startswith(editor.form.editor("reasons").field.label)
    assert editor.flush() is False  # unchanged, not written again
    box.undo()  # Ctrl+Z takes the paste back; the note saves again
    assert editor.flush() is True
    assert stored(services, session_id)["reasons"] == "Wants to feel less stuck"


def test_in_a_solo_vault_a_field_rewritten_behind_the_editor_is_still_saved_over(
        qtbot: Any, services: Any, session_id: int) -> None:
    """The base an editor saves with only matters in a vault joined to a practice server
    (kapnotes/services/typed_aside.py): alone, typing is written as it always was."""
    saver = AutosaveController(services.notes, session_id, debounce_ms=60_000,
                               max_latency_ms=60_000, based_on=stored(services, session_id))
    services.notes.save_fields(session_id, {"reasons": "Fictional: written elsewhere"})
    saver.set_value("reasons", "Fictional: typed in the editor")
    assert saver.flush()
    assert stored(services, session_id)["reasons"] == "Fictional: typed in the editor"
    assert services.vault.query_one("SELECT count(*) FROM sync_conflicts")[0] == 0
