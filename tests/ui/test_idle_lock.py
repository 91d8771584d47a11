"""Idle lock and Lock now (Ctrl+L): the note is saved first, every client detail is hidden,
only the right passphrase brings the very same page back. Time is a controllable clock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kapnotes.domain.models import Client, Course
from kapnotes.services.lock_settings import idle_lock_minutes, set_idle_lock_minutes
from kapnotes.storage import audit
from kapnotes.storage.unlock_failures import counter_file_for
from kapnotes.ui.lock_screen import TITLE
from kapnotes.ui.main_window import STATE_KEY, MainWindow
from kapnotes.ui.window_lock import WindowLock
from kapnotes.ui.workspace import Workspace
from kapnotes.window_run import install_lock

LEFT = Qt.MouseButton.LeftButton
TYPED = "Spoke about the fictional garden again"


class Monotonic:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def locked_window(qtbot, services, settings, mono: Monotonic
                  ) -> tuple[MainWindow, Workspace, WindowLock]:
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    ws = Workspace(window, services, signer_name="Dr Test Clinician")
    lock = install_lock(window, ws.flush, clock=mono, poll_ms=10, hold_ms=60_000)
    window.show()
    qtbot.waitExposed(window)
    return window, ws, lock


def open_note(services, ws: Workspace) -> int:
    client = services.clients.create(Client(code="KAP-950", full_name="Sable Example"))
    course = services.courses.create(Course(client_id=client.id, protocol="custom",
                                            start_date=services.clock().date()))
    session_id = ws.new_session(course.id, "integration")
    assert session_id is not None
    return session_id


def test_no_input_for_the_set_minutes_saves_hides_and_unlocks_to_the_same_place(
    qtbot, services, settings, passphrase
) -> None:
    mono = Monotonic()
    window, ws, lock = locked_window(qtbot, services, settings, mono)
    session_id = open_note(services, ws)
    editor = ws.editor
    field = editor.form.editor("client_account").edit
    qtbot.keyClicks(field, TYPED)  # autosave still pending: the lock must save it
    bar = editor.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scrolled = bar.value()
    title = window.windowTitle()

    mono.advance(5 * 60 - 1)
    lock.idle.check()
    assert not lock.locked  # one second to go
    mono.advance(1)
    qtbot.waitUntil(lambda: lock.locked, timeout=2000)

    assert services.notes.note(session_id).values["client_account"] == TYPED
    assert window.current_page() is lock.screen
    assert not editor.isVisible() and not ws.client_list.isVisible()
    assert window.client_dock.isHidden()
    assert window.windowTitle() == TITLE
    assert not window.menuBar().isEnabled()
    assert not ws.search_action.isEnabled() and not window.lock_action.isEnabled()
    assert window.quit_action.isEnabled()
    assert "5 minutes" in lock.screen.reason_label.text()
    ws.search_action.trigger()  # a disabled action does nothing
    assert ws.search_dialog is None

    # A wrong passphrase is refused and counted (the log gets it at the next unlock).
    qtbot.keyClicks(lock.screen.passphrase_edit, "not the passphrase at all")
    qtbot.mouseClick(lock.screen.unlock_button, LEFT)
    assert lock.locked and window.current_page() is lock.screen
    assert "Wrong passphrase" in lock.screen.error_label.text()
    assert counter_file_for(services.vault.path).exists()

    lock.screen.passphrase_edit.setText(passphrase)
    qtbot.mouseClick(lock.screen.unlock_button, LEFT)
    assert not lock.locked
    assert window.current_page() is editor and ws.editor is editor
    assert editor.session_id == session_id
    assert bar.value() == scrolled
    assert window.client_dock.isVisible() and window.menuBar().isEnabled()
    assert window.windowTitle() == title
    assert ws.search_action.isEnabled() and window.lock_action.isEnabled()
    assert lock.screen.passphrase_edit.text() == ""
    assert window.centre.indexOf(lock.screen) < 0
    failed = [e for e in audit.entries(services.vault) if e.event == "vault.unlock_failed"]
    assert len(failed) == 1 and failed[0].detail.startswith("1 failed attempt,")
    assert failed[0].outcome == "refused"
    unlocked = [e for e in audit.entries(services.vault) if e.event == "vault.unlock"]
    assert unlocked[-1].detail == "window lock screen" and unlocked[-1].outcome == "ok"
    assert not counter_file_for(services.vault.path).exists()


def test_ctrl_l_and_the_menu_lock_at_once(qtbot, services, settings, passphrase) -> None:
    mono = Monotonic()
    window, ws, lock = locked_window(qtbot, services, settings, mono)
    open_note(services, ws)
    window.activateWindow()
    # The key must reach a widget of this window: a window shortcut does not fire for a
    # widget of another top-level (one left by an earlier test on this worker, say).
    qtbot.waitUntil(lambda: window.isActiveWindow() and QApplication.focusWidget() is not None
                    and QApplication.focusWidget().window() is window, timeout=5000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier)
    assert lock.locked and window.current_page() is lock.screen
    assert "Your notes were saved" in lock.screen.reason_label.text()
    assert QApplication.focusWidget() is lock.screen.passphrase_edit
    lock.screen.passphrase_edit.setText(passphrase)
    lock.screen.unlock()
    assert not lock.locked
    window.lock_action.trigger()
    assert lock.locked
    lock.lock()  # locking twice changes nothing
    assert lock.locked and window.client_dock.isHidden()


def test_ctrl_q_quits_from_the_lock_screen(qtbot, services, settings) -> None:
    # Quit is the one entry left on while locked, yet its shortcut lived only in the File
    # menu, and a disabled menu bar takes its menus' shortcuts with it: Ctrl+Q did nothing.
    window, _ws, lock = locked_window(qtbot, services, settings, Monotonic())
    lock.lock()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow()
                    and QApplication.focusWidget() is lock.screen.passphrase_edit, timeout=5000)
    qtbot.keyClick(lock.screen.passphrase_edit, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)


def test_input_resets_the_idle_timer_and_the_countdown_shows_near_the_end(
    qtbot, services, settings
) -> None:
    mono = Monotonic()
    window, ws, lock = locked_window(qtbot, services, settings, mono)
    mono.advance(4 * 60 - 1)
    lock.idle.check()
    assert lock.countdown_label.isHidden()  # the warning is for the last minute only
    mono.advance(19)
    lock.idle.check()
    assert lock.countdown_label.text() == "Locking in 42 s"
    assert not lock.countdown_label.isHidden()

    # Any key counts as input. Sent to the window, as the platform delivers keys (the
    # watcher filters top-level windows, not every widget).
    ws.client_list.setFocus()
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_Down)
    assert lock.idle.idle_seconds() == 0
    assert lock.countdown_label.isHidden()
    mono.advance(4 * 60 + 59)
    lock.idle.check()
    assert not lock.locked
    qtbot.mouseMove(window.centre)  # and so does the mouse
    mono.advance(4 * 60)
    lock.idle.check()
    assert not lock.locked
    mono.advance(60)
    qtbot.waitUntil(lambda: lock.locked, timeout=2000)
    assert lock.countdown_label.isHidden()


def test_typing_in_another_window_of_the_app_counts_as_input(qtbot, services,
                                                             settings) -> None:
    from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

    mono = Monotonic()
    window, _ws, lock = locked_window(qtbot, services, settings, mono)
    dialog = QDialog(window)  # e.g. Search all notes, opened after the watcher started
    edit = QLineEdit(dialog)
    QVBoxLayout(dialog).addWidget(edit)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWindow() is dialog.windowHandle(), timeout=2000)
    mono.advance(4 * 60 + 30)
    qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_R)
    assert edit.text() == "r"
    assert lock.idle.idle_seconds() == 0
    mono.advance(4 * 60 + 59)
    lock.idle.check()
    assert not lock.locked
    dialog.close()


def test_a_window_that_never_takes_focus_is_watched_from_the_next_poll(
        qtbot, services, settings) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QLabel

    mono = Monotonic()
    window, _ws, lock = locked_window(qtbot, services, settings, mono)
    popup = QLabel("A window that takes no focus", window, Qt.WindowType.ToolTip)
    popup.show()
    qtbot.waitExposed(popup)
    assert QApplication.focusWindow() is not popup.windowHandle()
    lock.idle.check()  # a poll: the new window is watched from here on
    mono.advance(4 * 60)
    qtbot.mouseMove(popup, QPoint(5, 5))
    assert lock.idle.idle_seconds() == 0
    popup.close()


def test_other_windows_are_hidden_while_locked_and_come_back(
    qtbot, services, settings, passphrase
) -> None:
    window, ws, lock = locked_window(qtbot, services, settings, Monotonic())
    search = ws.open_search()
    search.set_query("garden")
    audit_dialog = window.open_audit_log()
    assert search.isVisible() and audit_dialog.isVisible()
    assert audit_dialog.isModal() or audit_dialog.windowModality() != Qt.WindowModality.NonModal
    lock.lock()
    assert not search.isVisible() and not audit_dialog.isVisible()
    # The hidden window-modal dialog no longer blocks the lock screen's own input.
    qtbot.keyClicks(lock.screen.passphrase_edit, passphrase)
    assert lock.screen.passphrase_edit.text() == passphrase
    qtbot.mouseClick(lock.screen.unlock_button, LEFT)
    assert not lock.locked
    assert search.isVisible() and audit_dialog.isVisible()
    assert search.query_edit.text() == "garden"


def test_a_page_opened_while_locked_stays_covered(qtbot, services, settings,
                                                  passphrase) -> None:
    window, ws, lock = locked_window(qtbot, services, settings, Monotonic())
    client = services.clients.create(Client(code="KAP-951", full_name="Tarn Example"))
    lock.lock()
    ws.open_client(client.id)  # e.g. a signal arriving late
    assert window.current_page() is lock.screen and not ws.client_view.isVisible()
    lock.screen.passphrase_edit.setText(passphrase)
    lock.screen.unlock()
    assert window.current_page() is ws.client_view


def test_the_minutes_are_a_practice_setting(qtbot, services, settings) -> None:
    assert idle_lock_minutes(services.vault) == 5
    set_idle_lock_minutes(services.vault, 2)
    mono = Monotonic()
    _window, _ws, lock = locked_window(qtbot, services, settings, mono)
    assert lock.idle.minutes == 2
    mono.advance(2 * 60)
    qtbot.waitUntil(lambda: lock.locked, timeout=2000)
    assert "2 minutes" in lock.screen.reason_label.text()


def test_a_layout_saved_while_locked_keeps_the_dock(qtbot, services, settings) -> None:
    window, _ws, lock = locked_window(qtbot, services, settings, Monotonic())
    lock.lock()
    window.save_window_state()  # e.g. closing while locked
    assert settings.value(STATE_KEY) is None  # the hidden dock is not the layout to restore


def test_repeated_failures_on_the_lock_screen_slow_down(qtbot, services, settings) -> None:
    _window, _ws, lock = locked_window(qtbot, services, settings, Monotonic())
    lock.lock()
    screen = lock.screen
    screen._verify = _always_wrong  # no key derivation needed to test the delay
    for _ in range(3):
        screen.passphrase_edit.setText("guess")
        screen.unlock()
    assert screen.seconds_left == 5 and not screen.unlock_button.isEnabled()
    assert "Try again in 5 s" in screen.wait_label.text()
    assert lock.failures is not None and lock.failures.count == 3


def _always_wrong(_passphrase: str) -> None:
    from kapnotes.domain.errors import WrongPassphraseError

    raise WrongPassphraseError("Wrong passphrase: the vault was not opened.")


def test_the_lock_screen_is_built_at_the_first_lock_and_counts_earlier_failures(
        qtbot, services, settings, passphrase) -> None:
    """Not part of the window's first screen, so not built with it: the first lock (by the
    idle timer here) builds it, with the failures counted since (a locked screen's earlier
    wrong passphrases still slow the next ones), and unlocking works as before."""
    mono = Monotonic()
    window, _ws, lock = locked_window(qtbot, services, settings, mono)
    assert lock._screen is None
    assert lock.failures is not None
    lock.failures.note_failure()
    lock.failures.note_failure()
    mono.advance(5 * 60)
    lock.idle.check()
    qtbot.waitUntil(lambda: lock.locked, timeout=2000)
    screen = lock.screen
    assert window.current_page() is screen and screen.failures == 2
    screen._verify = _always_wrong
    screen.passphrase_edit.setText("guess")
    screen.unlock()
    assert screen.seconds_left == 5  # the third failure in a row, not the first
    screen._verify = lambda _passphrase: None
    for _ in range(5):
        screen.tick()
    screen.passphrase_edit.setText(passphrase)
    screen.unlock()
    assert not lock.locked and lock.screen is screen
