"""Signing a note and adding an addendum: two small dialogs that emit what was entered.

They never sign or store anything themselves: the session editor calls the services and
shows any refusal back in the dialog (`show_error`), so tests drive them without `exec()`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.ui.widgets.error_line import error_label, show_error


def _bullets(items: Sequence[str]) -> str:
    return "\n".join(f"•  {item}" for item in items)


class SignDialog(QDialog):
    """Sign and lock: refuses while required fields are empty; blockers need a written reason."""

    sign_requested = Signal(str, str)  # signer, reason

    def __init__(self, *, signer: str, missing: Sequence[str], blockers: Sequence[str],
                 refusals: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign note")
        self.setMinimumWidth(480)
        # Refusals (a clinical rule that blocks, e.g. an IV dose with no weight) stop signing
        # like empty required fields do: no reason makes them acceptable.
        self.missing = list(missing) + list(refusals)
        self.blockers = list(blockers)
        column = QVBoxLayout(self)
        column.setSpacing(12)

        if self.missing:
            intro = ("Fill in these required fields before signing:" if missing
                     else "Fix the record before signing:")
        else:
            intro = ("Signing locks this note. Later changes can only be added as dated "
                     "addenda; the original stays as it is.")
        self.intro_label = QLabel(intro, self)
        self.intro_label.setWordWrap(True)
        column.addWidget(self.intro_label)
        self.missing_label = QLabel(_bullets(self.missing), self)
        self.missing_label.setAccessibleName("Required fields still empty")
        self.missing_label.setStyleSheet("font-weight: 600;")
        self.missing_label.setVisible(bool(self.missing))
        column.addWidget(self.missing_label)

        form = QFormLayout()
        self.signer_edit = QLineEdit(signer, self)
        self.signer_edit.setAccessibleName("Signed by")
        form.addRow("Signed by:", self.signer_edit)
        self.blockers_label = QLabel(
            "A written reason is needed to sign now:\n" + _bullets(self.blockers), self)
        self.blockers_label.setWordWrap(True)
        self.blockers_label.setAccessibleName("Why a reason is needed")
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setAccessibleName("Reason for signing")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(90)
        form.addRow(self.blockers_label)
        form.addRow("Reason:", self.reason_edit)
        for widget in (self.blockers_label, self.reason_edit, form.labelForField(self.reason_edit)):
            if widget is not None:
                widget.setVisible(bool(self.blockers))
        column.addLayout(form)
        self.error_label = error_label(self)
        column.addWidget(self.error_label)

        buttons = QDialogButtonBox(self)
        self.sign_button = QPushButton("Sign and lock", self)
        self.sign_button.setAccessibleName("Sign and lock")
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.sign_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        if self.missing:
            self.cancel_button.setText("Close")  # nothing to cancel: signing is not possible
            self.sign_button.hide()
        self.sign_button.clicked.connect(self._sign)
        column.addWidget(buttons)
        for widget in (self.signer_edit, self.reason_edit):
            widget.setEnabled(not self.missing)
        self.signer_edit.textChanged.connect(self._update)
        self.reason_edit.textChanged.connect(self._update)
        self._update()
        (self.cancel_button if self.missing else self.signer_edit).setFocus(
            Qt.FocusReason.OtherFocusReason)

    def _update(self) -> None:
        ok = not self.missing and bool(self.signer_edit.text().strip())
        if self.blockers:
            ok = ok and bool(self.reason_edit.toPlainText().strip())
        self.sign_button.setEnabled(ok)
        self.sign_button.setDefault(ok)

    def _sign(self) -> None:
        if self.sign_button.isEnabled():
            self.sign_requested.emit(self.signer_edit.text().strip(),
                                     self.reason_edit.toPlainText().strip())

    def show_error(self, message: str) -> None:
        show_error(self.error_label, message)


class AddendumDialog(QDialog):
    """A dated addendum to a signed note: who adds it and what it says."""

    submitted = Signal(str, str)  # text, author

    def __init__(self, *, author: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add addendum")
        self.setMinimumWidth(520)
        column = QVBoxLayout(self)
        column.setSpacing(12)
        intro = QLabel("The addendum is dated now and shown beneath the signed note, "
                       "which stays unchanged.", self)
        intro.setWordWrap(True)
        column.addWidget(intro)
        form = QFormLayout()
        self.author_edit = QLineEdit(author, self)
        self.author_edit.setAccessibleName("Author")
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setAccessibleName("Addendum text")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(140)
        form.addRow("Author:", self.author_edit)
        form.addRow("Addendum:", self.text_edit)
        column.addLayout(form)
        self.error_label = error_label(self)
        column.addWidget(self.error_label)
        buttons = QDialogButtonBox(self)
        self.add_button = QPushButton("Add addendum", self)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        self.add_button.clicked.connect(self._submit)
        column.addWidget(buttons)
        self.text_edit.textChanged.connect(self._update)
        self.author_edit.textChanged.connect(self._update)
        self._update()
        self.text_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update(self) -> None:
        self.add_button.setEnabled(bool(self.text_edit.toPlainText().strip())
                                   and bool(self.author_edit.text().strip()))

    def _submit(self) -> None:
        if self.add_button.isEnabled():
            self.submitted.emit(self.text_edit.toPlainText(), self.author_edit.text().strip())

    def show_error(self, message: str) -> None:
        show_error(self.error_label, message)
