"""GUI start-up: find the vault, create or unlock it, show the main window, back up, close.

The steps are separate functions taking a `Prompter`, so each refusal (vault in use, too new,
damaged) is tested without modal dialogs; `run_gui` strings them together.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit

from kapnotes import __version__
from kapnotes.domain.errors import (
    KapNotesError,
    VaultDamagedError,
    VaultLockedByOtherProcess,
    VaultTooNewError,
    WrongPassphraseError,
)
from kapnotes.paths import APP_AUTHOR, APP_NAME, default_vault_path, resource_path
from kapnotes.policy import current_policy
from kapnotes.services.lock_settings import idle_lock_minutes
from kapnotes.services.settings_service import backup_retention
from kapnotes.startup import WINDOW_MODULES, unlock_overlapped
from kapnotes.storage import audit
from kapnotes.storage.backups import auto_backup_if_due
from kapnotes.storage.lifecycle import (
    CreatedVault,
    data_key_for,
    is_network_path,
    reset_passphrase_with_recovery,
    unlock_vault,
)
from kapnotes.storage.process_lock import VaultProcessLock
from kapnotes.storage.unlock_failures import FailedUnlocks
from kapnotes.storage.vault import Vault
from kapnotes.ui.background_checks import BackgroundChecks, CheckOutcome
from kapnotes.ui.clipboard_guard import HOLD_MS, ClipboardGuard
from kapnotes.ui.dialogs.unlock import UnlockDialog
from kapnotes.ui.idle_lock import DEFAULT_POLL_MS, IdleWatcher, MonotonicClock
from kapnotes.ui.prompter import MessageBoxPrompter, Prompter
from kapnotes.ui.restore_flow import (
    describe,
    restorable_backups,
    restore_newest_good,
    restore_open_vault,
)
from kapnotes.ui.settings import ui_settings
from kapnotes.ui.window_lock import WindowLock

if TYPE_CHECKING:
    from kapnotes.ui.main_window import MainWindow
    from kapnotes.ui.workspace import Workspace

def __getattr__(name: str) -> Any:
    """`kapnotes.app.MainWindow` and friends still resolve, imported on first use."""
    if name in WINDOW_MODULES:
        return getattr(importlib.import_module(WINDOW_MODULES[name]), name)
    raise AttributeError(name)

EXIT_OK = 0
EXIT_ERROR = 1
SMOKE_ENV = "KAPNOTES_SMOKE_EXIT_MS"


class StartupAbort(KapNotesError):
    """Start-up stops here (the user was told why); `exit_code` is the process's exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def application() -> QApplication:
    """The QApplication, named so QSettings and the OS know it; works offscreen too."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("KAP Notes")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("kapnotes")  # Wayland matches the window to kapnotes.desktop
    icon = resource_path("icons", "kapnotes-256.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def resolve_vault_path(vault: str | None) -> Path:
    return Path(vault).expanduser() if vault else default_vault_path()


def ensure_not_in_use(path: Path, prompter: Prompter) -> None:
    """One process per vault: refuse before asking for a passphrase, and write nothing."""
    if not path.parent.is_dir():
        return  # no vault there yet; create_vault takes the lock itself
    lock = VaultProcessLock(path)
    try:
        lock.acquire()
    except VaultLockedByOtherProcess as exc:
        prompter.error("Vault already open", exc.message)
        raise StartupAbort(exc.message) from exc
    lock.release()


def warn_if_network(path: Path, prompter: Prompter) -> None:
    """A vault on a network share can lose notes (its write-ahead log needs a local disk)."""
    if not is_network_path(path):
        return
    text = (f"The vault {path} is on a network share. KAP Notes needs a local disk to keep "
            "every saved note safe; on a share, notes can be lost or the vault damaged. Move "
            "it to a local folder (and back it up to the share instead).")
    if not prompter.confirm("Vault on a network share", text, yes="Open anyway", no="Quit"):
        raise StartupAbort("Vault on a network share; not opened.", EXIT_OK)


def open_with_passphrase(path: Path, passphrase: str, prompter: Prompter, *,
                         deep_check: bool = True) -> Vault:
    """Unlock; a damaged vault is offered a restore. Wrong passphrases propagate to the dialog.

    `deep_check=False` leaves the whole-file check to `BackgroundChecks` after the window is
    shown (the GUI's way: seconds saved at every unlock of a large vault).
    """
    try:
        return unlock_overlapped(path, passphrase, deep_check=deep_check)
    except (VaultLockedByOtherProcess, VaultTooNewError) as exc:
        title = "Vault already open" if isinstance(exc, VaultLockedByOtherProcess) \
            else "Vault from a newer KAP Notes"
        prompter.error(title, exc.message)
        raise StartupAbort(exc.message) from exc
    except VaultDamagedError as exc:
        if restore_newest_good(path, passphrase, prompter, exc.message) is None:
            raise StartupAbort(exc.message) from exc
    return unlock_vault(path, passphrase=passphrase)


def auto_backup(vault: Vault) -> str:
    """The daily automatic backup; its failure is reported, never fatal."""
    try:
        taken = auto_backup_if_due(vault, policy=backup_retention(vault))
    except (KapNotesError, OSError) as exc:
        return f"Automatic backup failed: {exc}"
    return f"Backup saved: {taken.name}" if taken else ""


def create_interactively(path: Path) -> Vault | None:
    """First run: passphrase twice, then the recovery key, which must be stored."""
    # Imported here: only the first run needs them (~16 ms of every other start-up).
    from kapnotes.ui.dialogs.create_vault import CreateVaultDialog
    from kapnotes.ui.dialogs.recovery_key import RecoveryKeyDialog

    created: list[CreatedVault] = []
    dialog = CreateVaultDialog(path)
    dialog.created.connect(created.append)
    if dialog.exec() != QDialog.DialogCode.Accepted or not created:
        return None
    RecoveryKeyDialog(created[0].recovery_key, path).exec()
    return created[0].vault


def counting_failures(failures: FailedUnlocks, call: Callable[..., Vault | None]
                      ) -> Callable[..., Vault | None]:
    """`call`, with every wrong passphrase or recovery key counted for the audit log."""

    def counted(*args: str) -> Vault | None:
        try:
            return call(*args)
        except WrongPassphraseError:
            failures.note_failure()
            raise

    return counted


def audit_unlock(vault: Vault, failures: FailedUnlocks, *, reset_by_recovery: bool) -> None:
    """Now that the vault can be written: the failed attempts before this unlock, and a
    passphrase reset with the recovery key (made while the vault was still closed)."""
    try:
        failures.record_and_clear(vault)
        if reset_by_recovery:
            audit.record(vault, "vault.passphrase_change", record_type="vault",
                         detail="via recovery key")
    except KapNotesError:
        pass  # a read-only vault still opens; the count stays for the next unlock


def unlock_interactively(path: Path, prompter: Prompter) -> Vault | None:
    opened: list[Vault] = []
    aborted: list[StartupAbort] = []
    failures = FailedUnlocks.for_vault(path)
    reset: list[bool] = []

    def resetter(key: str, new: str) -> None:
        reset_passphrase_with_recovery(path, recovery_key=key, new=new)
        reset.append(True)

    def opener(passphrase: str) -> Vault:
        return open_with_passphrase(path, passphrase, prompter, deep_check=False)

    dialog = UnlockDialog(path, opener=counting_failures(failures, opener),
                          resetter=counting_failures(failures, resetter))
    dialog.failures = failures.count  # quitting and restarting does not reset the slow-down
    dialog.unlocked.connect(opened.append)

    def on_failed(exc: object) -> None:
        if isinstance(exc, StartupAbort):
            aborted.append(exc)
            dialog.reject()

    dialog.open_failed.connect(on_failed)
    dialog.exec()
    if aborted:
        raise aborted[0]
    if not opened:
        return None
    audit_unlock(opened[0], failures, reset_by_recovery=bool(reset))
    return opened[0]


def open_vault_interactively(path: Path, prompter: Prompter) -> Vault | None:
    ensure_not_in_use(path, prompter)
    warn_if_network(path, prompter)
    if path.exists():
        return unlock_interactively(path, prompter)
    return create_interactively(path)


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


CLINICIAN_KEY = "clinician/name"


def start_workspace(window: MainWindow, prompter: Prompter) -> Workspace:
    """Services over the window's vault and the pages that use them."""
    from kapnotes.services.container import build_services
    from kapnotes.ui.workspace import Workspace

    services = build_services(window.vault)
    for problem in services.templates.problems:
        prompter.warn("Practice template skipped", problem)
    name = str(window.settings.value(CLINICIAN_KEY, "") or "")
    return Workspace(window, services, signer_name=name)


def install_lock(window: MainWindow, flush: Callable[[], bool], *,
                 clock: MonotonicClock = time.monotonic, poll_ms: int = DEFAULT_POLL_MS,
                 hold_ms: int = HOLD_MS) -> WindowLock:
    """Idle lock (the practice's minutes), Ctrl+L, and the clipboard guard for one window."""
    idle = IdleWatcher(minutes=idle_lock_minutes(window.vault), clock=clock, poll_ms=poll_ms,
                       parent=window)
    guard = ClipboardGuard(hold_ms=hold_ms, parent=window)
    lock = WindowLock(window, flush=flush, idle=idle, clipboard=guard,
                      failures=FailedUnlocks.for_vault(window.vault.path),
                      verifier=lambda pw: window_key_check(window, pw))
    window.vault_replaced.connect(lambda v: idle.set_minutes(idle_lock_minutes(v)))
    idle.start()
    return lock


def window_key_check(window: MainWindow, passphrase: str) -> object:
    """The lock screen's check: the key file of the vault the window has open now."""
    return data_key_for(window.vault.path, passphrase=passphrase)


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


def apply_settings(window: MainWindow, workspace: Workspace, lock: WindowLock) -> None:
    """After Settings… was saved: the idle lock and the signing name take effect at once."""
    if lock.idle is not None:
        lock.idle.set_minutes(idle_lock_minutes(window.vault))
    name = str(window.settings.value(CLINICIAN_KEY, "") or "")
    workspace.signer_name = name
    window.vault.actor.clinician = name


def run_window(app: QApplication, vault: Vault, prompter: Prompter, *,
               quit_after_ms: int | None = None) -> int:
    from kapnotes.ui.main_window import MainWindow
    from kapnotes.ui.settings_menu import SettingsMenu

    window = MainWindow(vault, settings=ui_settings())
    workspace = [start_workspace(window, prompter)]
    lock = install_lock(window, lambda: workspace[0].flush())

    def on_vault_replaced(_vault: Vault) -> None:
        workspace[0].teardown()
        workspace[0] = start_workspace(window, prompter)

    window.vault_replaced.connect(on_vault_replaced)
    window.restore_requested.connect(lambda: restore_from_menu(window, prompter))
    SettingsMenu(window).saved.connect(lambda: apply_settings(window, workspace[0], lock))
    for problem in current_policy().problems:  # the practice must hear of a broken policy
        prompter.warn("Practice policy entry ignored", problem)
    checks = BackgroundChecks(window)
    found: list[CheckOutcome] = []
    checks.finished.connect(found.append)
    checks.finished.connect(lambda outcome: report_checks(window, prompter, outcome))
    window.show()
    # The whole-vault check and the daily backup run behind the open window.
    checks.start(vault, backup_retention(vault))
    if quit_after_ms is not None:  # the bundle smoke test only (kapnotes/smoke.py)
        QTimer.singleShot(quit_after_ms, window.close)
    app.setQuitOnLastWindowClosed(True)
    code = app.exec()
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


def run_gui(vault: str | None = None) -> int:
    """The GUI entry point from the CLI; returns the process exit code."""
    app = application()
    app.setQuitOnLastWindowClosed(False)  # closing the unlock dialog must not end exec()
    prompter = MessageBoxPrompter()
    path = resolve_vault_path(vault)
    if os.environ.get(SMOKE_ENV):
        from kapnotes.smoke import run_smoke  # a build check, never a normal start

        return run_smoke(app, path)
    try:
        opened = open_vault_interactively(path, prompter)
    except StartupAbort as abort:
        return abort.exit_code
    if opened is None:
        return EXIT_OK
    return run_window(app, opened, prompter)
