"""File → Send for supervision… (Ctrl+Shift+R): choose signed notes, a course, or several
clients; de-identified unless "include identifying details" is ticked; encrypted to the
supervisor's key file when one is given, else to a generated passphrase that is shown once,
with a Copy button, to be sent by another channel (docs/REVIEW-FORMAT.md).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.container import Services
from kapnotes.services.review_keys import read_key_file
from kapnotes.services.review_requests import RequestResult, create_request
from kapnotes.ui.prompter import question_box
from kapnotes.ui.widgets.monitoring_style import error_label, show_message

NOTES, COURSE, CLIENTS = 0, 1, 2


def _checkable(parent: QWidget, name: str) -> QListWidget:
    box = QListWidget(parent)
    box.setAccessibleName(name)
    return box


def _add(box: QListWidget, text: str, value: int, checked: bool) -> None:
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, value)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    box.addItem(item)


def checked_values(box: QListWidget) -> list[int]:
    return [int(box.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(box.count())
            if box.item(i).checkState() == Qt.CheckState.Checked]


class SendForReviewDialog(QDialog):
    """`send(out)` writes the request; the passphrase dialog follows when there is one."""

    def __init__(self, services: Services, *, client_id: int | None = None,
                 course_id: int | None = None, session_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.client_id = client_id
        self.course_id = course_id
        self.request_result: RequestResult | None = None
        self.passphrase_dialog: PassphraseDialog | None = None
        self.setWindowTitle("Send for supervision")
        self.setObjectName("send_for_review")
        self.resize(620, 560)

        self.scope = QButtonGroup(self)
        self.notes_radio = QRadioButton("Chosen &notes of this client", self)
        self.course_radio = QRadioButton("The whole &course (summary and its signed notes)",
                                         self)
        self.clients_radio = QRadioButton("Se&veral clients (a supervision packet)", self)
        for index, radio in enumerate((self.notes_radio, self.course_radio,
                                       self.clients_radio)):
            self.scope.addButton(radio, index)
        self.notes_list = _checkable(self, "Signed notes to send")
        self.clients_list = _checkable(self, "Clients to send")
        self.course_label = QLabel("", self)
        self.course_label.setWordWrap(True)
        self.pages = QStackedWidget(self)
        for widget in (self.notes_list, self.course_label, self.clients_list):
            self.pages.addWidget(widget)
        self.scope.idToggled.connect(self._scope_toggled)
        self._fill(session_id)

        self.identified = QCheckBox("&Include identifying details (names, date of birth, "
                                    "contact details)", self)
        self.identified.setToolTip("Off by default: the supervisor reads client codes, ages "
                                   "and de-identified text.")
        self.key_edit = QLineEdit(self)
        self.key_edit.setAccessibleName("Supervisor key file")
        self.key_edit.setPlaceholderText("Optional: without it, a passphrase protects the file")
        key_button = QPushButton("&Browse…", self)
        key_button.clicked.connect(self._choose_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(key_button)
        self.key_info = QLabel("", self)
        self.key_info.setObjectName("key_info")
        self.key_edit.editingFinished.connect(self._show_key)
        form = QFormLayout()
        form.addRow("Supervisor's &key file:", key_row)
        form.addRow("", self.key_info)

        self.error = error_label(self, "Send error")
        cancel = QPushButton("Cancel", self)
        cancel.clicked.connect(self.reject)
        self.send_button = QPushButton("&Write request file…", self)
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(lambda: self.send())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>What to send</b>", self))
        for radio in (self.notes_radio, self.course_radio, self.clients_radio):
            layout.addWidget(radio)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.identified)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def _scope_toggled(self, index: int, on: bool) -> None:
        if on:
            self.pages.setCurrentIndex(index)

    def _fill(self, session_id: int | None) -> None:
        s = self.services
        signed = []
        if self.client_id is not None:
            courses = s.courses.for_client(self.client_id)
            if self.course_id is None and courses:
                self.course_id = courses[0].id
            if self.course_id is not None:
                signed = [n for n in s.notes.sessions_for_course(self.course_id) if n.signed]
            code = s.clients.get(self.client_id).code
            self.course_label.setText(f"The course summary of {code} and its {len(signed)} "
                                      "signed note(s).")
        for n in signed:
            _add(self.notes_list, f"{n.kind.value.capitalize()} · {n.starts_at:%d %b %Y}",
                 int(n.id or 0), session_id is None or n.id == session_id)
        if not signed:
            empty = QListWidgetItem("No signed notes: only a signed note can be reviewed.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.notes_list.addItem(empty)
        for c in s.clients.list(with_counts=False):
            _add(self.clients_list, c.code, c.id, c.id == self.client_id)
        has_client = self.client_id is not None
        self.notes_radio.setEnabled(has_client and bool(signed))
        self.course_radio.setEnabled(has_client and bool(signed))
        (self.notes_radio if session_id is not None and signed else
         self.course_radio if has_client and signed else self.clients_radio).setChecked(True)

    def _choose_key(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Supervisor's key file", "",
                                                "Key files (*.json *.kapkey);;All files (*)")
        if chosen:
            self.key_edit.setText(chosen)
            self._show_key()

    def _show_key(self) -> None:
        text = self.key_edit.text().strip()
        if not text:
            self.key_info.setText("")
            return
        try:
            key = read_key_file(Path(text), "Supervisor key file")
        except KapNotesError as exc:
            self.key_info.setText(exc.message)
            return
        self.key_info.setText(f"{key.profile.line()} — fingerprint {key.fingerprint}. "
                              "Compare it with your supervisor.")

    def send(self, out: Path | None = None) -> RequestResult | None:
        """Write the request (asking where when `out` is None); errors name the field."""
        try:
            scope = self.scope.checkedId()
            notes = checked_values(self.notes_list) if scope == NOTES else []
            clients = checked_values(self.clients_list) if scope == CLIENTS else []
            if scope == NOTES and not notes:
                raise KapNotesError("Notes: tick at least one signed note to send.")
            if scope == CLIENTS and not clients:
                raise KapNotesError("Clients: tick at least one client to send.")
            key_text = self.key_edit.text().strip()
            key = read_key_file(Path(key_text), "Supervisor key file") if key_text else None
            if out is None:
                chosen, _ = QFileDialog.getSaveFileName(
                    self, "Write the request file", "supervision-request.kapreview",
                    "Review files (*.kapreview)")
                if not chosen:
                    return None
                out = Path(chosen)
            one = clients[0] if len(clients) == 1 else None
            self.request_result = create_request(
                self.services, out, session_ids=notes,
                client_id=self.client_id if scope == COURSE else one,
                course_id=self.course_id if scope == COURSE else None,
                client_ids=clients if len(clients) > 1 else (), to_key=key,
                identified=self.identified.isChecked(), replace=True)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return None
        show_message(self.error, "")
        self.accept()
        if self.request_result.passphrase:
            self.passphrase_dialog = PassphraseDialog(self.request_result, self.parentWidget())
            self.passphrase_dialog.open()
        return self.request_result


class PassphraseDialog(QDialog):
    """The generated passphrase, shown once, with a Copy button."""

    def __init__(self, result: RequestResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Passphrase for the supervisor")
        self.setObjectName("review_passphrase")
        self.passphrase = result.passphrase or ""
        self.copied = False
        intro = QLabel(
            f"<b>{result.path.name}</b> was written ({len(result.notes)} note(s), "
            f"{'de-identified' if result.deidentified else 'with identifying details'}).<br>"
            "It opens only with this passphrase. <b>Send the passphrase by another channel "
            "than the file</b> (a phone call or a text message), never in the same e-mail. "
            "It is shown only now.", self)
        intro.setWordWrap(True)
        self.field = QLineEdit(self.passphrase, self)
        self.field.setReadOnly(True)
        self.field.setAccessibleName("Passphrase for the supervisor")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(font.pointSize() + 3)
        self.field.setFont(font)
        self.copy_button = QPushButton("&Copy", self)
        self.copy_button.clicked.connect(self.copy)
        done = QPushButton("I have noted it", self)
        done.setDefault(True)
        done.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.field, 1)
        row.addWidget(self.copy_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.passphrase)
        self.copy_button.setText("Copied")
        self.copied = True

    def reject(self) -> None:
        # Esc or the close box must not lose the passphrase unseen: the file opens only
        # with it. "I have noted it" (accept) always closes.
        if not self.copied:
            box, close = question_box(
                self, "Passphrase for the supervisor", "The passphrase is not shown again. "
                "Without it the supervisor cannot open the file. Close anyway?",
                yes="Close", no="Back to the passphrase", destructive=True)
            box.exec()
            if box.clickedButton() is not close:
                return
        super().reject()
