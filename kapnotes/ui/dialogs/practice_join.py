"""File → Practice → Join practice server…: the connection string and the one-time enrolment
code the practice administrator gave, as `kapnotes practice join` takes them
(kapnotes/services/practice_link.py). The server is reached on a worker thread over a second
connection to the vault, so a slow or unreachable server never freezes the window."""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError, ValidationError
from kapnotes.services import practice_link
from kapnotes.services.vault_access import Vault
from kapnotes.ui.widgets.error_line import error_label, show_error, with_subject

# The service names the command-line options; the dialog names its own fields.
FIELD_LABELS = {"--dsn": "Connection string", "--code": "Enrolment code",
                "--name": "Login name"}


class _JoinThread(QThread):
    done = Signal(str, str)  # login, error message ("" when joined)

    def __init__(self, vault: Vault, dsn: str, code: str, login: str | None) -> None:
        super().__init__()
        self._vault, self._dsn, self._code, self._login = vault, dsn, code, login

    def run(self) -> None:
        try:
            sibling = self._vault.sibling()
        except KapNotesError as exc:
            self.done.emit("", exc.message)
            return
        try:
            self.done.emit(practice_link.join(sibling, self._dsn, self._code, self._login), "")
        except ValidationError as exc:
            self.done.emit("", with_subject(exc, FIELD_LABELS))
        except KapNotesError as exc:
            self.done.emit("", exc.message)
        except Exception as exc:  # reported in the dialog, never raised into Qt's threads
            self.done.emit("", f"Joining failed unexpectedly ({type(exc).__name__}).")
        finally:
            sibling.close()


class JoinPracticeDialog(QDialog):
    """Emits `joined(login)` once the server took the code and the vault keeps the link."""

    joined = Signal(str)

    def __init__(self, vault: Vault, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self._thread: _JoinThread | None = None
        self.setWindowTitle("Join practice server")
        self.setAccessibleName("Join practice server")
        intro = QLabel("Share this vault's records with your practice's server. Your practice "
                       "administrator gives you the connection string and a one-time "
                       "enrolment code. Everything stays in this vault too, and you keep "
                       "working when the network is down.", self)
        intro.setWordWrap(True)
        intro.setAccessibleName(intro.text())
        self.dsn_edit = _line(self, "Connection string",
                              "host=… port=… dbname=… sslmode=verify-full")
        self.login_edit = _line(self, "Login name", "optional: the user= in the connection "
                                "string")
        self.code_edit = _line(self, "Enrolment code", "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Connection string:", self.dsn_edit)
        form.addRow("&Login name:", self.login_edit)
        form.addRow("&Enrolment code:", self.code_edit)
        self.error_label = error_label(self)
        self.progress_label = QLabel("", self)
        self.progress_label.setAccessibleName("Progress")
        self.progress_label.setVisible(False)

        self.cancel_button = QPushButton("Cancel", self)
        self.join_button = QPushButton("&Join", self)
        self.join_button.setAccessibleName("Join")
        self.join_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        self.join_button.clicked.connect(self.join)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.join_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
        self.dsn_edit.setFocus()

    def join(self) -> None:
        if self.busy:
            return
        dsn, code = self.dsn_edit.text().strip(), self.code_edit.text().strip()
        if not dsn:
            self._refuse("Connection string: paste the one your practice administrator gave.",
                         self.dsn_edit)
            return
        if not code:
            self._refuse("Enrolment code: type the one-time code your practice administrator "
                         "gave.", self.code_edit)
            return
        show_error(self.error_label, "")
        self._set_busy(True)
        self._thread = _JoinThread(self.vault, dsn, code, self.login_edit.text().strip() or None)
        self._thread.done.connect(self._finished)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def wait(self, timeout_ms: int = 60_000) -> bool:
        return self._thread.wait(timeout_ms) if self._thread is not None else True

    def _finished(self, login: str, error: str) -> None:
        if self._thread is not None:
            self._thread.wait()
            self._thread = None
        self._set_busy(False)
        if error:
            self._refuse(error, self.code_edit if "code" in error else self.dsn_edit)
            return
        self.code_edit.clear()
        self.joined.emit(login)
        self.accept()

    def reject(self) -> None:
        if self.busy:  # the server is being told: closing now would hide the outcome
            return
        super().reject()

    def _refuse(self, message: str, field: QLineEdit) -> None:
        show_error(self.error_label, message[:1].upper() + message[1:])
        field.setFocus()
        field.selectAll()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.dsn_edit, self.login_edit, self.code_edit, self.join_button,
                       self.cancel_button):
            widget.setEnabled(not busy)
        self.progress_label.setText("Joining the practice server…" if busy else "")
        self.progress_label.setVisible(busy)


def _line(parent: QWidget, name: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(2000)  # the service bounds them too; nothing longer is a real one
    return edit
