"""File → Import review reply…: who signed the reply and with which key, then the import.

First reply from a supervisor: their key's fingerprint is shown and the therapist is asked to
compare it (in person, by phone) before pinning it. A changed key: the refusal is shown and
there is nothing to press but Close. The import itself (kapnotes/services/review_import.py)
repeats every check and writes everything in one transaction.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.container import Services
from kapnotes.services.review_files import read_file
from kapnotes.services.review_import import REPLY_LABEL, ImportResult, import_reply
from kapnotes.services.review_preview import KeyState, ReplyPreview, preview_reply, summary_line
from kapnotes.ui.widgets.monitoring_style import error_label, show_message


class ImportReplyDialog(QDialog):
    """Shows the preview of one reply file; `import_now()` imports it."""

    imported = Signal(object)  # ImportResult

    def __init__(self, services: Services, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.path = path
        self.data = b""
        self.preview: ReplyPreview | None = None
        self.import_result: ImportResult | None = None
        self.setWindowTitle("Import review reply")
        self.setObjectName("import_review_reply")
        self.setMinimumWidth(560)
        self.info = QLabel("", self)
        self.info.setObjectName("reply_info")
        self.info.setWordWrap(True)
        self.error = error_label(self, "Import error")
        self.close_button = QPushButton("Close", self)
        self.close_button.clicked.connect(self.reject)
        self.import_button = QPushButton("&Import", self)
        self.import_button.setObjectName("import_reply")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(lambda: self.import_now())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._load()

    def _load(self) -> None:
        try:
            self.data = read_file(self.path, REPLY_LABEL)
            self.preview = preview_reply(self.services.vault, self.data)
        except KapNotesError as exc:
            self._refuse(exc.message)
            return
        p = self.preview
        who = escape(p.supervisor.line())
        lines = [f"<b>Reply from:</b> {who}",
                 f"<b>Key fingerprint:</b> <tt style='font-size:13pt'>{p.fingerprint}</tt>"]
        counts = (f"{p.verdicts} verdict(s), {p.comments} comment(s), {p.cosigned} co-signed "
                  f"note(s){', a supervision session' if p.has_session else ''}.")
        if p.key_state is KeyState.CHANGED:
            self._refuse(f"{p.supervisor.name}'s key has changed: pinned {p.pinned_fingerprint}, "
                         f"this reply {p.fingerprint}. Confirm with the supervisor in person; "
                         "the reply cannot be imported.")
            self.info.setText("<br>".join(lines))
            return
        if p.key_state is KeyState.NEW and p.one_off_key:
            lines.append("<b>First reply with this one-off key.</b> Importing records it as "
                         "itself, never as the supervisor's own key.")
        elif p.key_state is KeyState.NEW:
            lines.append("<b>First reply from this supervisor.</b> Compare the fingerprint "
                         "above with the one they read to you (in person or by phone). "
                         "Importing pins this key: later replies must carry the same one.")
        if p.key_state is KeyState.NEW:
            self.import_button.setText("&Pin key and import")
        else:
            lines.append(f"The key matches the one pinned on {escape(p.pinned_at[:10])}.")
        if p.one_off_key:
            lines.append("<i>Signed with a one-off key (the supervisor had no vault open): "
                         "it proves only that it was written by someone who could read the "
                         "request.</i>")
        lines.append(counts)
        self.info.setText("<br>".join(lines))

    def _refuse(self, message: str) -> None:
        show_message(self.error, message)
        self.import_button.setEnabled(False)
        self.import_button.hide()

    def import_now(self) -> ImportResult | None:
        if self.preview is None or self.preview.key_state is KeyState.CHANGED:
            return None
        try:
            result = import_reply(self.services.vault, self.data, clock=self.services.clock)
        except KapNotesError as exc:
            self._refuse(exc.message)
            return None
        self.import_result = result
        if result.already_imported:
            self.info.setText("This reply was imported before; nothing changed.")
        else:
            self.info.setText(f"Imported from {escape(result.supervisor.name)}: "
                              f"{escape(summary_line(result.content))}.")
        self.import_button.hide()
        self.close_button.setText("Done")
        self.close_button.setDefault(True)
        self.imported.emit(result)
        return result


def choose_and_import(services: Services, parent: QWidget | None,
                      path: Path | None = None) -> ImportReplyDialog | None:
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(parent, "Import review reply", "",
                                                "Review files (*.kapreview);;All files (*)")
        if not chosen:
            return None
        path = Path(chosen)
    dialog = ImportReplyDialog(services, path, parent)
    dialog.open()
    return dialog
