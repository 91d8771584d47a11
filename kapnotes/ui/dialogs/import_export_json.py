"""File → "Export all data (JSON)…" and "Import data (JSON)…", with a progress dialog.

The work runs on the GUI thread one client at a time, the progress dialog kept live with
processEvents between clients (a demo-sized vault takes well under a second; a large one a few
seconds). The progress dialog is window-modal, so nothing else can write to the vault while
an import's transaction is open; Cancel during an import rolls the whole import back.

A client code already in the vault is asked about (Merge / Skip this client / Cancel) before
anything is written. File pickers, the question and the closing message are attributes, so
tests (and another front end) can replace them without any modal loop.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

from kapnotes.domain.dates import plural
from kapnotes.domain.errors import KapNotesError
from kapnotes.lazy import lazy_module
from kapnotes.services.clock import aware
from kapnotes.services.container import Services

if TYPE_CHECKING:
    from kapnotes.services import portable_export, portable_import
    from kapnotes.services.portable_import import Decision
else:  # loaded when the therapist first imports or exports JSON, not at start-up
    portable_export = lazy_module("kapnotes.services.portable_export")
    portable_import = lazy_module("kapnotes.services.portable_import")

PLAINTEXT_NOTE = ("The file is plaintext health information: it is not encrypted. Keep it on "
                  "encrypted storage only, and delete it when it has served its purpose.")


class _Cancelled(Exception):
    """Raised from the progress callback: rolls an import back, stops an export unwritten."""


def ask_duplicate(parent: QWidget, code: str) -> Decision | None:
    """Merge, skip, or None to cancel the whole import."""
    box = QMessageBox(QMessageBox.Icon.Question, "Client already in this vault",
                      f"A client with code {code} is already in this vault.", parent=parent)
    box.setObjectName("duplicate_question")
    box.setInformativeText(
        "Merge adds only the courses, sessions, addenda and measures this vault lacks; "
        "nothing already here is changed. Skip leaves this client as it is.")
    merge = box.addButton("Merge", QMessageBox.ButtonRole.AcceptRole)
    skip = box.addButton("Skip this client", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(merge)
    box.exec()
    clicked = box.clickedButton()
    if clicked is merge:
        return portable_import.Decision.MERGE
    if clicked is skip:
        return portable_import.Decision.SKIP
    return None


class PortableDataActions(QObject):
    """The two File-menu actions and what they do; `imported` fires after an import."""

    imported = Signal()
    message_shown = Signal(str, str)  # title, text (for tests and the status bar)

    def __init__(self, services: Services, parent: QWidget) -> None:
        super().__init__(parent)
        self.services = services
        self.parent_widget = parent
        self.export_action = QAction("Export all data (&JSON)…", parent)
        self.export_action.setObjectName("export_json")
        self.export_action.triggered.connect(lambda: self.export_all())
        self.import_action = QAction("&Import data (JSON)…", parent)
        self.import_action.setObjectName("import_json")
        self.import_action.triggered.connect(lambda: self.import_from())
        self.choose_save_path: Callable[[], Path | None] = self._save_path
        self.choose_open_path: Callable[[], Path | None] = self._open_path
        self.ask: Callable[[str], Decision | None] = lambda code: ask_duplicate(parent, code)
        self.progress: QProgressDialog | None = None

    # -- export ----------------------------------------------------------------------------
    def export_all(self, path: Path | None = None) -> portable_export.ExportResult | None:
        path = path or self.choose_save_path()
        if path is None:
            return None
        try:
            with self._progress("Exporting every client…"):
                # The save dialog asked before replacing a file; the output guard still
                # refuses the vault, its files and its backups folder.
                result = portable_export.export_to_file(
                    self.services.vault, path, now=aware(self.services.clock()),
                    progress=self._step, replace=True)
        except _Cancelled:
            self.show("Export cancelled", "Nothing was written.")
            return None
        except (KapNotesError, OSError) as exc:
            self.show("Export failed", f"Nothing was written: {_reason(exc)}")
            return None
        c = result.counts
        self.show("Export finished", (
            f"Exported {plural(c.clients, 'client')}, {plural(c.sessions, 'session')}, "
            f"{plural(c.measures, 'measure')} and {plural(c.audit, 'audit entry', 'audit entries')}"
            f" to {path}.\n\n{PLAINTEXT_NOTE}"))
        return result

    # -- import ----------------------------------------------------------------------------
    def import_from(self, path: Path | None = None) -> portable_import.Tally | None:
        path = path or self.choose_open_path()
        if path is None:
            return None
        try:
            doc = portable_import.read_document(path)
            preview = portable_import.preview(self.services, doc)
        except KapNotesError as exc:
            self.show("Import refused", f"Nothing was imported. {exc.message}")
            return None
        decisions: dict[str, Decision] = {}
        for code in preview.duplicates:
            decision = self.ask(code)
            if decision is None:
                self.show("Import cancelled", "Nothing was imported.")
                return None
            decisions[code] = decision
        try:
            with self._progress(f"Importing {plural(preview.counts.clients, 'client')}…"):
                tally = portable_import.import_document(self.services, doc,
                                                        decisions=decisions, progress=self._step)
        except _Cancelled:
            self.show("Import cancelled", "Nothing was imported.")
            return None
        except (KapNotesError, OSError) as exc:
            self.show("Import failed", f"Nothing was imported: {_reason(exc)}")
            return None
        lines = [f"{plural(tally.clients_added, 'client')} added, {tally.clients_merged} merged, "
                 f"{tally.clients_skipped} skipped.",
                 f"Added {plural(tally.courses, 'course')}, {plural(tally.sessions, 'session')}, "
                 f"{plural(tally.addenda, 'addendum', 'addenda')}, "
                 f"{plural(tally.measures, 'measure')} and "
                 f"{plural(tally.audit, 'audit entry', 'audit entries')}."]
        if tally.sessions_kept:
            lines.append(f"{plural(tally.sessions_kept, 'session')} already here kept as they "
                         "were.")
        self.show("Import finished", "\n".join(lines))
        self.imported.emit()
        return tally

    # -- pieces ----------------------------------------------------------------------------
    def _progress(self, label: str) -> _ProgressScope:
        return _ProgressScope(self, label)

    def _step(self, done: int, total: int) -> None:
        dialog = self.progress
        if dialog is None:
            return
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)
        QApplication.processEvents()
        if dialog.wasCanceled():
            raise _Cancelled

    def show(self, title: str, text: str) -> None:
        """A window-modal message that does not block the caller (no nested event loop)."""
        self.message_shown.emit(title, text)
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          parent=self.parent_widget)
        box.setObjectName("portable_summary")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _save_path(self) -> Path | None:
        name = f"kapnotes-export-{date.today().isoformat()}.json"
        chosen, _ = QFileDialog.getSaveFileName(
            self.parent_widget, "Export all data (JSON) — plaintext, not encrypted",
            str(Path.home() / name), "JSON (*.json)")
        return Path(chosen) if chosen else None

    def _open_path(self) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(
            self.parent_widget, "Import data (JSON)", str(Path.home()), "JSON (*.json)")
        return Path(chosen) if chosen else None


class _ProgressScope:
    """Shows a window-modal progress dialog for the duration of a `with` block."""

    def __init__(self, owner: PortableDataActions, label: str) -> None:
        self.owner = owner
        self.label = label

    def __enter__(self) -> QProgressDialog:
        dialog = QProgressDialog(self.label, "Cancel", 0, 1, self.owner.parent_widget)
        dialog.setObjectName("portable_progress")
        dialog.setWindowTitle("KAP Notes")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setValue(0)
        self.owner.progress = dialog
        QApplication.processEvents()
        return dialog

    def __exit__(self, *exc: Any) -> None:
        dialog = self.owner.progress
        self.owner.progress = None
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KapNotesError):
        return exc.message
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return type(exc).__name__
