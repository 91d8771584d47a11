"""From an unlocked vault to a closed window: services, pages, idle lock, checks, backup.

Kept apart from `kapnotes.app` (which only needs enough to unlock) so that these modules load
on the main thread while the key is derived on a worker (`kapnotes.startup`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from kapnotes.domain.errors import KapNotesError
from kapnotes.policy import current_policy
from kapnotes.services.clinician import adopt_legacy_name, clinician_name
from kapnotes.services.container import build_services
from kapnotes.services.lock_settings import idle_lock_minutes
from kapnotes.services.settings_service import backup_retention
from kapnotes.services.vault_access import Vault, failures_for, verify_passphrase
from kapnotes.services.vault_backups import auto_backup as backup_if_due
from kapnotes.ui.background_checks import BackgroundChecks, CheckOutcome
from kapnotes.ui.change_signals import on_changes
from kapnotes.ui.clipboard_guard import HOLD_MS, ClipboardGuard
from kapnotes.ui.idle_lock import DEFAULT_POLL_MS, IdleWatcher, MonotonicClock
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.practice_menu import PracticeMenu
from kapnotes.ui.prompter import Prompter
from kapnotes.ui.restore_flow import describe, restorable_backups, restore_open_vault
from kapnotes.ui.settings import ui_settings
from kapnotes.ui.settings_menu import SettingsMenu
from kapnotes.ui.window_lock import WindowLock
from kapnotes.ui.workspace import Workspace


def auto_backup(vault: Vault) -> str:
    """The daily automatic backup; its failure is reported, never fatal."""
    return backup_if_due(vault, backup_retention(vault))


def restore_from_menu(window: MainWindow, prompter: Prompter) -> None:
    """File → Restore backup…: pick a backup, confirm with the passphrase, swap the vault."""
    backups = restorable_backups(window.vault.path)
    if not backups:
        prompter.info("Restore backup", "There are no backups of this vault yet.")
        return
    labels = [describe(b) for b in backups]
    choice, ok = QInputDialog.getItem(window, "Restore backup", "Replace the vault by the "
                                      "backup from:", labels, 0, False)
    if not ok:
        return
    passphrase, ok = QInputDialog.getText(window, "Restore backup", "Your passphrase:",
                                          QLineEdit.EchoMode.Password)
    if not ok or not passphrase:
        return
    backup = backups[labels.index(choice)]
    try:
        vault, error = restore_open_vault(window.vault, backup.path, passphrase)
    except KapNotesError as exc:
        prompter.error("Restore backup", exc.message)
        return
    window.replace_vault(vault)
    if error is not None:
        prompter.error("Restore backup", f"The backup was not restored: {error}")
    else:
        window.show_status(f"Restored the backup from {describe(backup)}.")


LEGACY_CLINICIAN_KEY = "clinician/name"  # where earlier versions kept the name (per user)


def start_workspace(window: MainWindow, prompter: Prompter) -> Workspace:
    """Services over the window's vault and the pages that use them."""
    services = build_services(window.vault)
    for problem in services.templates.problems:
        prompter.warn("Practice template skipped", problem)
    for left_out in services.protocols.problems:  # the built-in protocols are all still there
        prompter.warn("Practice protocol skipped", left_out.message)
    legacy = str(window.settings.value(LEGACY_CLINICIAN_KEY, "") or "")
    name = adopt_legacy_name(window.vault, legacy)
    return Workspace(window, services, signer_name=name)


def install_lock(window: MainWindow, flush: Callable[[], bool], *,
                 clock: MonotonicClock = time.monotonic, poll_ms: int = DEFAULT_POLL_MS,
                 hold_ms: int = HOLD_MS) -> WindowLock:
    """Idle lock (the practice's minutes), Ctrl+L, and the clipboard guard for one window."""
    idle = IdleWatcher(minutes=idle_lock_minutes(window.vault), clock=clock, poll_ms=poll_ms,
                       parent=window)
    idle.watch(window)
    guard = ClipboardGuard(hold_ms=hold_ms, parent=window)
    lock = WindowLock(window, flush=flush, idle=idle, clipboard=guard,
                      failures=failures_for(window.vault.path),
                      verifier=lambda pw: window_key_check(window, pw))
    window.vault_replaced.connect(lambda v: idle.set_minutes(idle_lock_minutes(v)))
    idle.start()
    return lock


def window_key_check(window: MainWindow, passphrase: str) -> None:
    """The lock screen's check: the key file of the vault the window has open now."""
    verify_passphrase(window.vault.path, passphrase)


def finish_lock(lock: WindowLock) -> None:
    """On close: our clipboard text goes, and failures at a locked screen reach the log."""
    if lock.idle is not None:
        lock.idle.stop()
    if lock.clipboard is not None:
        lock.clipboard.stop()
    if lock.failures is not None:
        try:
            lock.failures.record_and_clear(lock.window.vault)
        except KapNotesError:
            pass  # kept in the counter file for the next unlock


def follow_settings(window: MainWindow, workspace: Workspace, lock: WindowLock) -> None:
    """Whatever saves a setting (Settings…, the sign dialog's name), it takes effect at once:
    the workspace hears the services' change notification (kapnotes/ui/change_signals.py)."""
    on_changes(workspace.services, workspace,
               lambda changes: apply_settings(window, workspace, lock) if changes.settings
               else None)


def apply_settings(window: MainWindow, workspace: Workspace, lock: WindowLock) -> None:
    """After a setting was saved: the idle lock and the signing name take effect at once."""
    if lock.idle is not None:
        lock.idle.set_minutes(idle_lock_minutes(window.vault))
    name = clinician_name(window.vault)
    workspace.signer_name = name
    window.vault.actor.clinician = name


def run_window(app: QApplication, vault: Vault, prompter: Prompter, *,
               quit_after_ms: int | None = None) -> int:
    window = MainWindow(vault, settings=ui_settings())
    workspace = [start_workspace(window, prompter)]
    lock = install_lock(window, lambda: workspace[0].flush())

    def on_vault_replaced(_vault: Vault) -> None:
        workspace[0].teardown()
        workspace[0] = start_workspace(window, prompter)
        follow_settings(window, workspace[0], lock)
        workspace[0].prepare_first_open_soon()

    window.vault_replaced.connect(on_vault_replaced)
    PracticeMenu(window, workspace=lambda: workspace[0])  # before restore: it pauses syncs
    window.restore_requested.connect(lambda: restore_from_menu(window, prompter))
    SettingsMenu(window)
    follow_settings(window, workspace[0], lock)
    for problem in current_policy().problems:  # the practice must hear of a broken policy
        prompter.warn("Practice policy entry ignored", problem)
    checks = BackgroundChecks(window)
    found: list[CheckOutcome] = []
    checks.finished.connect(found.append)
    checks.finished.connect(lambda outcome: report_checks(window, prompter, outcome))
    window.show()
    workspace[0].prepare_first_open_soon()  # the client page, built while nobody waits
    # The whole-vault check and the daily backup run behind the open window.
    checks.start(vault, backup_retention(vault))
    checks.repeat(lambda: (window.vault, backup_retention(window.vault)))  # and once a day
    if quit_after_ms is not None:  # the bundle smoke test only (kapnotes/smoke.py)
        QTimer.singleShot(quit_after_ms, window.close)
    app.setQuitOnLastWindowClosed(True)
    code = app.exec()
    checks.stop_repeating()
    checks.wait()
    workspace[0].flush()
    finish_lock(lock)
    if not any(outcome.problems for outcome in found):  # never rotate out a good backup
        auto_backup(window.vault)  # and on close
    window.vault.close()
    return code


def report_checks(window: MainWindow, prompter: Prompter, outcome: CheckOutcome) -> None:
    """The background check's result: a backup note, or damage with the offer to restore."""
    if outcome.backup_note:
        window.show_status(outcome.backup_note)
    if outcome.problems:
        text = (f"The vault failed its integrity check ({outcome.problems[0]}). Notes may be "
                "damaged. Restore the newest good backup now? (The damaged vault is kept.)")
        if prompter.confirm("Vault damaged", text, yes="Choose a backup…", no="Not now"):
            restore_from_menu(window, prompter)


