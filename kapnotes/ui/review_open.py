"""File → Open review request…, from the main window or from the start-up dialog when the
supervisor has no vault: choose the file, give the passphrase (or let the open vault's key
open it), and the review window shows it. A refused file says why in one line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.clock import Clock, system_clock
from kapnotes.services.review_files import needs_passphrase, read_file
from kapnotes.services.review_keys import vault_identity
from kapnotes.services.review_replies import REQUEST_LABEL, OpenedRequest, open_request
from kapnotes.services.vault_access import Vault
from kapnotes.ui.review_window import ReviewWindow

# Asks for the passphrase: (parent, why it asks again or "") -> passphrase, or None to stop.
AskPassphrase = Callable[[QWidget | None, str], str | None]
MAX_TRIES = 5


def ask_passphrase(parent: QWidget | None, problem: str) -> str | None:
    text = "The passphrase the therapist gave you (by phone or message):"
    if problem:
        text = f"{problem}\n\n{text}"
    value, ok = QInputDialog.getText(parent, "Open review request", text,
                                     QLineEdit.EchoMode.Password)
    return value if ok and value else None


def read_request(path: Path, *, vault: Vault | None, ask: AskPassphrase,
                 parent: QWidget | None = None) -> OpenedRequest | None:
    """The opened request, None when the supervisor gave up; KapNotesError when refused."""
    data = read_file(path, REQUEST_LABEL)
    if not needs_passphrase(data, REQUEST_LABEL):
        return open_request(data, identity=vault_identity(vault) if vault else None)
    problem = ""
    for _ in range(MAX_TRIES):
        passphrase = ask(parent, problem)
        if passphrase is None:
            return None
        try:
            return open_request(data, passphrase=passphrase.strip())
        except KapNotesError as exc:
            if "passphrase" not in exc.message:
                raise
            problem = exc.message
    raise KapNotesError(f"{REQUEST_LABEL}: too many wrong passphrases; ask the therapist "
                        "for it again.")


def open_review_request(parent: QWidget | None, *, vault: Vault | None = None,
                        path: Path | None = None, ask: AskPassphrase = ask_passphrase,
                        show_error: Callable[[str], None] | None = None,
                        clock: Clock = system_clock) -> ReviewWindow | None:
    """Open a request file in a review window (shown, modeless); None if not opened."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(parent, "Open review request", "",
                                                "Review files (*.kapreview);;All files (*)")
        if not chosen:
            return None
        path = Path(chosen)
    try:
        request = read_request(path, vault=vault, ask=ask, parent=parent)
    except KapNotesError as exc:
        if show_error is not None:
            show_error(exc.message)
        else:
            QMessageBox.warning(parent, "Open review request", exc.message)
        return None
    if request is None:
        return None
    window = ReviewWindow(request, vault=vault, parent=parent, clock=clock)
    window.show()
    return window
