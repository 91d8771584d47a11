"""The page that covers the window while it is locked: the passphrase, and nothing else.

Unlocking checks the passphrase against the vault's key file (`data_key_for`), exactly as
opening would, but the SQLCipher connection stays open while locked. Trade-off, on purpose:
the data key stays in this process's memory while the screen is locked (someone able to read
another process's memory could take it), in exchange for keeping the vault's process lock and
the open note — closing and reopening would let a second copy of the app grab the vault in
between and cost a reopen (and integrity check) on every unlock. The screen protects against
the person walking up to the desk, not against malware running as the same user.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError, WrongPassphraseError
from kapnotes.services.vault_access import verify_passphrase
from kapnotes.ui.widgets.error_line import error_label, show_error
from kapnotes.ui.widgets.passphrase_fields import password_edit
from kapnotes.ui.widgets.retry_wait import Countdown, busy, default_delay, wait_label

Verifier = Callable[[str], object]  # raises WrongPassphraseError when wrong
TITLE = "KAP Notes — locked"


class LockScreen(QWidget):
    """Emits `unlocked()` for the right passphrase and `failed(count)` for each wrong one."""

    unlocked = Signal()
    failed = Signal(int)

    def __init__(self, vault_path: Path, *, verifier: Verifier | None = None,
                 delay_for: Callable[[int], int] = default_delay,
                 failures: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault_path = vault_path
        self._verify = verifier or (lambda pw: verify_passphrase(vault_path, pw))
        self._delay_for = delay_for
        self.failures = failures  # carried over from earlier attempts, so restarts don't help
        self._countdown = Countdown(self, self._show_wait)
        self.setObjectName("lock_screen")
        self.setAccessibleName("Locked")
        self._build()

    def _build(self) -> None:
        card = QFrame(self)
        card.setObjectName("lock_card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        # A fixed width lets the wrapped error line claim its height (with only a maximum
        # width, Qt sized the card before the error showed and clipped it).
        card.setFixedWidth(480)
        self.title_label = QLabel("KAP Notes is locked", card)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setAccessibleName("KAP Notes is locked")
        self.reason_label = QLabel("Your notes are hidden until you type your passphrase.", card)
        self.reason_label.setWordWrap(True)
        self.reason_label.setAccessibleName("Why it is locked")
        where = QLabel(f"Vault: {self.vault_path.name}", card)
        where.setToolTip(str(self.vault_path))
        where.setAccessibleName(f"Vault file {self.vault_path.name}")
        where.setEnabled(False)  # greyed: context, not a control
        self.passphrase_edit = password_edit(card, "Passphrase")
        self.passphrase_edit.setPlaceholderText("Passphrase")
        self.error_label = error_label(card)
        self.wait_label = wait_label(card)
        self.unlock_button = QPushButton("Unlock", card)
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.setAutoDefault(True)
        # Wide enough for the countdown text, so the field does not jump when it appears.
        metrics = self.unlock_button.fontMetrics()
        self.unlock_button.setMinimumWidth(metrics.horizontalAdvance("Unlock (300 s)") + 24)
        self.unlock_button.clicked.connect(self.unlock)
        self.passphrase_edit.returnPressed.connect(self.unlock)

        row = QHBoxLayout()
        row.addWidget(self.passphrase_edit, 1)
        row.addWidget(self.unlock_button)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.setSpacing(8)
        inner.addWidget(self.title_label)
        inner.addWidget(self.reason_label)
        inner.addWidget(where)
        inner.addSpacing(8)
        inner.addLayout(row)
        inner.addWidget(self.error_label)
        inner.addWidget(self.wait_label)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    # -- showing ---------------------------------------------------------------------------
    def prepare(self, reason: str) -> None:
        """Fresh for a new lock: empty field, the reason, focus in the field."""
        self.passphrase_edit.clear()
        show_error(self.error_label, "")
        self.reason_label.setText(reason)
        self._show_wait()

    def focus_passphrase(self) -> None:
        self.passphrase_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- unlocking -------------------------------------------------------------------------
    def unlock(self) -> None:
        if self.seconds_left > 0:
            return
        passphrase = self.passphrase_edit.text()
        if not passphrase:
            show_error(self.error_label, "Type your passphrase.")
            return
        try:
            with busy():
                self._verify(passphrase)
        except WrongPassphraseError:
            self._wrong()
            return
        except (KapNotesError, OSError) as exc:
            # The key file went missing or unreadable: say so, stay locked.
            message = exc.message if isinstance(exc, KapNotesError) else str(exc)
            show_error(self.error_label, message)
            return
        self.passphrase_edit.clear()
        show_error(self.error_label, "")
        self.unlocked.emit()

    def _wrong(self) -> None:
        self.failures += 1
        self.passphrase_edit.selectAll()
        show_error(self.error_label, "Wrong passphrase. Check Caps Lock and the keyboard layout.")
        self.failed.emit(self.failures)
        self.start_wait(self._delay_for(self.failures))

    # -- slow-down (same delays as the unlock dialog) --------------------------------------
    @property
    def seconds_left(self) -> int:
        return self._countdown.seconds_left

    def start_wait(self, seconds: int) -> None:
        self._countdown.start(seconds)

    def tick(self) -> None:
        """One second of the countdown (the timer calls it; tests call it directly)."""
        self._countdown.tick()

    def _show_wait(self) -> None:
        self._countdown.show(self.unlock_button, (self.wait_label,))
