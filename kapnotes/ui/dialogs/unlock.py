"""Later runs: unlock the vault with the passphrase, or reset it with the recovery key.

Repeated wrong attempts slow down (`kapnotes.ui.widgets.retry_wait`): from the third failure
on, the buttons stay disabled for a growing number of seconds, shown as a countdown. The delay
function is injectable for tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError, WrongPassphraseError
from kapnotes.services.vault_access import reset_passphrase_with_recovery, unlock_vault
from kapnotes.ui.review_entry import point_at, review_request_link
from kapnotes.ui.widgets.error_line import error_label, show_error
from kapnotes.ui.widgets.passphrase_fields import NewPassphraseFields, password_edit
from kapnotes.ui.widgets.retry_wait import Countdown, busy, default_delay, wait_label

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent  # its class builds QEvent's enums: not at import

    from kapnotes.services.vault_access import Vault

Opener = Callable[[str], "Vault"]
Resetter = Callable[[str, str], None]
LINK_STYLE = "QPushButton { color: palette(link); text-decoration: underline; border: none; }"
# The links get their hand cursor this long after the dialog is first shown: touching PySide's
# `Qt` namespace builds all its enums, time the dialog need not take before it is on screen.
LINK_CURSOR_DELAY_MS = 300


class UnlockDialog(QDialog):
    """Emits `unlocked(Vault)` on success, `open_failed(error)` for non-passphrase errors."""

    unlocked = Signal(object)
    open_failed = Signal(object)

    def __init__(
        self,
        vault_path: Path,
        *,
        opener: Opener | None = None,
        resetter: Resetter | None = None,
        delay_for: Callable[[int], int] = default_delay,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.vault_path = vault_path
        self._opener = opener or (lambda passphrase: unlock_vault(vault_path,
                                                                  passphrase=passphrase))
        self._resetter = resetter or (lambda key, new: reset_passphrase_with_recovery(
            vault_path, recovery_key=key, new=new))
        self._delay_for = delay_for
        self.failures = 0
        self._links_pointing = False
        self._countdown = Countdown(self, self._show_wait)
        self.setWindowTitle("Unlock KAP Notes")
        self.setAccessibleName("Unlock vault")

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_unlock_page())
        self.pages.addWidget(self._build_recovery_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.setMinimumWidth(500)
        self.passphrase_edit.setFocus()

    # -- pages -----------------------------------------------------------------------------
    def _build_unlock_page(self) -> QWidget:
        page = QWidget(self)
        title = QLabel("<h2>Unlock your notes</h2>", page)
        title.setAccessibleName("Unlock your notes")
        where = QLabel(f"Vault: {self.vault_path.name}", page)
        where.setToolTip(str(self.vault_path))
        where.setAccessibleName(f"Vault file {self.vault_path}")
        self.passphrase_edit = password_edit(page, "Passphrase")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Passphrase:", self.passphrase_edit)
        self.error_label = error_label(page)
        self.wait_label = wait_label(page)
        self.forgot_button = QPushButton("Forgot passphrase? Use the recovery key", page)
        self.forgot_button.setFlat(True)
        self.forgot_button.setStyleSheet(LINK_STYLE)
        self.forgot_button.setAccessibleName("Forgot passphrase? Use the recovery key")
        self.quit_button = QPushButton("Quit", page)
        self.quit_button.setAccessibleName("Quit")
        self.unlock_button = QPushButton("Unlock", page)
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        self.forgot_button.clicked.connect(self.show_recovery)
        self.quit_button.clicked.connect(self.reject)
        self.unlock_button.clicked.connect(self.unlock)
        self.passphrase_edit.returnPressed.connect(self.unlock)

        buttons = QHBoxLayout()
        buttons.addWidget(self.forgot_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(where)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.wait_label)
        self.review_link = review_request_link(page, pointing=False)
        link_row = QHBoxLayout()  # left-aligned at its own width, as the link it is
        link_row.addWidget(self.review_link)
        link_row.addStretch(1)
        layout.addLayout(link_row)
        layout.addLayout(buttons)
        return page

    def _build_recovery_page(self) -> QWidget:
        page = QWidget(self)
        title = QLabel("<h2>Reset the passphrase</h2>", page)
        title.setAccessibleName("Reset the passphrase")
        intro = QLabel("Type the recovery key you stored when the vault was created, then "
                       "choose a new passphrase. No notes are lost.", page)
        intro.setWordWrap(True)
        intro.setAccessibleName(intro.text())
        self.recovery_edit = password_edit(page, "Recovery key")
        self.recovery_edit.setEchoMode(self.recovery_edit.EchoMode.Normal)  # read off paper
        self.recovery_edit.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Recovery key:", self.recovery_edit)
        self.new_fields = NewPassphraseFields(page, form)
        self.recovery_error_label = error_label(page)
        self.recovery_wait_label = wait_label(page)
        self.back_button = QPushButton("Back", page)
        self.back_button.setAccessibleName("Back to passphrase")
        self.reset_button = QPushButton("Reset and unlock", page)
        self.reset_button.setAccessibleName("Reset passphrase and unlock")
        self.back_button.clicked.connect(self.show_passphrase)
        self.reset_button.clicked.connect(self.reset_with_recovery_key)

        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.recovery_error_label)
        layout.addStretch(1)
        layout.addWidget(self.recovery_wait_label)
        layout.addLayout(buttons)
        return page

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._links_pointing:
            self._links_pointing = True
            QTimer.singleShot(LINK_CURSOR_DELAY_MS, self.point_links)

    def point_links(self) -> None:
        point_at(self.forgot_button, self.review_link)

    def show_recovery(self) -> None:
        self.pages.setCurrentIndex(1)
        self.recovery_edit.setFocus()

    def show_passphrase(self) -> None:
        self.pages.setCurrentIndex(0)
        self.passphrase_edit.setFocus()

    # -- actions ---------------------------------------------------------------------------
    def unlock(self) -> None:
        if self.seconds_left > 0:
            return
        passphrase = self.passphrase_edit.text()
        if not passphrase:
            show_error(self.error_label, "Type your passphrase.")
            return
        self._try_open(passphrase, self.error_label)

    def reset_with_recovery_key(self) -> None:
        """Recovery key + new passphrase: rewrap the key file, then unlock with the new one."""
        if self.seconds_left > 0:
            return
        key = self.recovery_edit.text().strip()
        if not key:
            show_error(self.recovery_error_label, "Type the recovery key.")
            return
        try:
            new = self.new_fields.checked_passphrase()
        except KapNotesError as exc:
            show_error(self.recovery_error_label, exc.message)
            return
        try:
            with busy():
                self._resetter(key, new)
        except WrongPassphraseError as exc:
            self._wrong(exc, self.recovery_error_label)
            return
        except KapNotesError as exc:
            self._failed(exc, self.recovery_error_label)
            return
        self.recovery_edit.clear()
        self.new_fields.clear()
        self._try_open(new, self.recovery_error_label)

    def _try_open(self, passphrase: str, errors: QLabel) -> None:
        try:
            with busy():
                vault = self._opener(passphrase)
        except WrongPassphraseError as exc:
            self._wrong(exc, errors)
            return
        except KapNotesError as exc:
            self._failed(exc, errors)
            return
        except OSError as exc:
            self._failed(exc, errors, f"The vault could not be opened: {exc.strerror or exc}")
            return
        self.passphrase_edit.clear()
        show_error(errors, "")
        self.unlocked.emit(vault)
        self.accept()

    def _wrong(self, exc: WrongPassphraseError, errors: QLabel) -> None:
        self.failures += 1
        self.passphrase_edit.selectAll()
        show_error(errors, f"{exc.message} Check Caps Lock and the keyboard layout.")
        self.start_wait(self._delay_for(self.failures))

    def _failed(self, exc: Exception, errors: QLabel, text: str | None = None) -> None:
        show_error(errors, text or str(exc))
        self.open_failed.emit(exc)

    # -- slow-down -------------------------------------------------------------------------
    @property
    def seconds_left(self) -> int:
        return self._countdown.seconds_left

    def start_wait(self, seconds: int) -> None:
        self._countdown.start(seconds)

    def tick(self) -> None:
        """One second of the countdown (the timer calls it; tests call it directly)."""
        self._countdown.tick()

    def _show_wait(self) -> None:
        self._countdown.show(self.unlock_button, (self.wait_label, self.recovery_wait_label),
                             other_buttons=(self.reset_button,))
