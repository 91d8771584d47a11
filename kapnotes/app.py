"""GUI start-up: find the vault, create or unlock it, then hand it to the window.

The steps are separate functions taking a `Prompter`, so each refusal (vault in use, too new,
damaged) is tested without modal dialogs; `run_gui` strings them together. Only what unlocking
needs is imported here: the window's modules (`kapnotes.window_run`) load while the key is
derived (`kapnotes.startup`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kapnotes.ui import pyside_early  # noqa: F401  (first: see its docstring)

# isort: split
from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from kapnotes import __version__
from kapnotes.domain.errors import (
    KapNotesError,
    VaultDamagedError,
    VaultLockedByOtherProcess,
    VaultTooNewError,
)
from kapnotes.paths import APP_AUTHOR, APP_NAME, default_vault_path, resource_path
from kapnotes.services import vault_access
from kapnotes.services.vault_access import (
    FailedUnlocks,
    counting_failures,
    is_network_path,
    record_unlock,
    reset_passphrase_with_recovery,
    unlock_vault,
)
from kapnotes.startup import preload_window_modules, unlock_overlapped
from kapnotes.ui import pyside_import_check
from kapnotes.ui.prompter import MessageBoxPrompter, Prompter
from kapnotes.ui.serial_fills import keep_fills_on_the_gui_thread

if TYPE_CHECKING:  # loaded after the unlock dialog is painted (kapnotes.services.vault_access)
    from kapnotes.services.vault_access import CreatedVault, Vault

EXIT_OK = 0
EXIT_ERROR = 1
SMOKE_ENV = "KAPNOTES_SMOKE_EXIT_MS"
PRELOAD_DELAY_MS = 300


class StartupAbort(KapNotesError):
    """Start-up stops here (the user was told why); `exit_code` is the process's exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def application() -> QApplication:
    """The QApplication, named so QSettings and the OS know it; works offscreen too."""
    pyside_import_check.install()  # before the dialogs' and the window's modules load
    keep_fills_on_the_gui_thread()  # before Qt's first paint asks for its fill threads
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
    try:
        vault_access.ensure_not_in_use(path)
    except VaultLockedByOtherProcess as exc:
        prompter.error("Vault already open", exc.message)
        raise StartupAbort(exc.message) from exc


def warn_if_network(path: Path, prompter: Prompter) -> None:
    """A vault on a network share can lose notes (its write-ahead log needs a local disk)."""
    if not is_network_path(path):
        return
    text = (f"The vault {path} is on a network share. KAP Notes needs a local disk to keep "
            "every saved note safe; on a share, notes can be lost or the vault damaged. Move "
            "it to a local folder (and back it up to the share instead).")
    if not prompter.confirm("Vault on a network share", text, yes="Open anyway", no="Quit",
                            destructive=True):
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
        from kapnotes.ui.restore_flow import restore_newest_good  # only a damaged vault

        if restore_newest_good(path, passphrase, prompter, exc.message) is None:
            raise StartupAbort(exc.message) from exc
    return unlock_vault(path, passphrase=passphrase)


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


def audit_unlock(vault: Vault, failures: FailedUnlocks, *, reset_by_recovery: bool) -> None:
    """Now that the vault can be written: the failed attempts before this unlock, and a
    passphrase reset with the recovery key (made while the vault was still closed)."""
    record_unlock(vault, failures, detail="window", reset_by_recovery=reset_by_recovery)


def unlock_interactively(path: Path, prompter: Prompter) -> Vault | None:
    from kapnotes.ui.dialogs.unlock import UnlockDialog

    opened: list[Vault] = []
    aborted: list[StartupAbort] = []
    failures = vault_access.failures_for(path)
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
    # Load the window's modules while the passphrase is typed, not after Enter; after the
    # dialog's first paint, so it does not appear later for it.
    QTimer.singleShot(PRELOAD_DELAY_MS, preload_window_modules)
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
    from kapnotes.window_run import run_window  # loaded already, while the key was derived

    return run_window(app, opened, prompter)
