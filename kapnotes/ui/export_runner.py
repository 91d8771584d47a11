"""PDF exports from the window: ask for options, build the report on the GUI thread (it reads
the vault, quickly), render it on a worker thread with a cancellable progress dialog, record
the audit entry back on the GUI thread, then open the file.

The worker only touches the copied report data and the output folder, never the vault, so the
"one connection per thread" rule holds. Nothing here logs clinical content.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QProgressDialog, QWidget

from kapnotes.domain.errors import KapNotesError
from kapnotes.lazy import lazy_module
from kapnotes.services.container import Services
from kapnotes.ui.main_window import MainWindow

if TYPE_CHECKING:
    from kapnotes.services import exports
    from kapnotes.ui.dialogs import export_dialog, redaction_review
    from kapnotes.ui.dialogs.export_dialog import ExportChoice, ExportDialog
    from kapnotes.ui.dialogs.export_packet_dialog import ExportPacketDialog
else:  # the export stack loads when an export is first asked for, not at start-up
    exports = lazy_module("kapnotes.services.exports")
    # The dialogs load with the first export too (they import the PDF's password rules).
    export_dialog = lazy_module("kapnotes.ui.dialogs.export_dialog")
    redaction_review = lazy_module("kapnotes.ui.dialogs.redaction_review")

Opener = Callable[[Path], object]
_Shown = TypeVar("_Shown", "ExportDialog", "ExportPacketDialog")
STEPS = 1000  # progress bar resolution
POLL_MS = 100


def open_with_system(path: Path) -> object:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class _Worker(QObject):
    # Progress is a plain attribute the GUI polls, not a signal: PySide6 6.12 on Python 3.11
    # loses a reference to True on every Python-side `emit()`, and a render reports progress
    # thousands of times, enough to crash the interpreter. Only the outcome is emitted, once.
    done = Signal(str)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, job: exports.ExportJob, path: Path, password: str | None,
                 stop: threading.Event) -> None:
        super().__init__()
        self.job, self.path, self.password, self.stop = job, path, password, stop
        self.fraction = 0.0  # written by the worker thread, read by the GUI's timer

    def _progress(self, fraction: float) -> None:
        self.fraction = fraction

    @Slot()
    def run(self) -> None:
        try:
            # The export dialog asked before replacing an existing file; the output guard
            # still refuses the vault, its files and its backups folder.
            written = exports.render_to_file(self.job, self.path, password=self.password,
                                             progress=self._progress,
                                             cancelled=self.stop.is_set, replace=True)
        except exports.ExportCancelled:
            self.cancelled.emit()
        except KapNotesError as exc:
            self.failed.emit(exc.message)
        except OSError as exc:
            self.failed.emit(f"The PDF could not be written: {exc.strerror or exc}.")
        except Exception as exc:  # never a traceback with data in it; the type only
            self.failed.emit(f"The PDF could not be made ({type(exc).__name__}).")
        else:
            self.done.emit(str(written))
        finally:
            self.password = None


class ExportRunner(QObject):
    """Renders one job off the GUI thread; emits `finished(path)`, `failed(message)` or
    `cancelled()` once. `opener` opens the result (tests pass a recorder)."""

    finished = Signal(str)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, services: Services, job: exports.ExportJob, choice: ExportChoice, *,
                 opener: Opener = open_with_system, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.job, self.opener = services, job, opener
        self.path = choice.path
        self.stop = threading.Event()
        self.progress = QProgressDialog("Making the PDF…", "Cancel", 0, STEPS, parent)
        self.progress.setWindowTitle("Export PDF")
        self.progress.setAccessibleName("Export progress")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)
        # Not `self.thread`: that would hide QObject.thread() for every caller.
        self.worker_thread = QThread(self)
        self.worker = _Worker(job, choice.path, choice.password, self.stop)
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.run)
        self.worker_thread.finished.connect(self.worker.deleteLater)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self.highest = 0
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        self.running = False

    def start(self) -> None:
        self.running = True
        self.progress.setValue(0)
        self.progress.show()
        self.timer.start()
        self.worker_thread.start()

    def cancel(self) -> None:
        self.stop.set()
        self.progress.setLabelText("Cancelling…")

    def wait(self, ms: int = 30000) -> bool:
        return self.worker_thread.wait(ms)

    def _poll(self) -> None:
        value = int(self.worker.fraction * STEPS)
        if value > self.highest:
            self.highest = value
            self.progress.setValue(value)

    def _finish(self) -> None:
        self._poll()
        self.timer.stop()
        self.running = False
        self.progress.close()
        self.worker_thread.quit()
        self.worker_thread.wait()

    def _done(self, path: str) -> None:
        self._finish()
        try:
            exports.record_export(self.services, self.job, Path(path))
        except KapNotesError as exc:  # the file exists, but say the log was not written
            self.failed.emit(f"The PDF was saved but not recorded in the audit log: "
                             f"{exc.message}")
            return
        self.opener(Path(path))
        self.finished.emit(path)

    def _failed(self, message: str) -> None:
        self._finish()
        self.failed.emit(message)

    def _cancelled(self) -> None:
        self._finish()
        self.cancelled.emit()


Review = Callable[[tuple[str, ...]], bool]


class ExportController(QObject):
    """The window's export commands: session note, course summary, supervision packet."""

    def __init__(self, services: Services, parent: QWidget, *,
                 status: Callable[[str], object] = lambda _text: None,
                 opener: Opener = open_with_system, folder: Path | None = None,
                 review: Review | None = None) -> None:
        super().__init__(parent)
        self.services, self.parent_widget, self.status = services, parent, status
        self.opener, self.folder = opener, folder
        # Shown the places de-identification replaced before a de-identified PDF is saved;
        # False cancels. The window passes the message box; None skips the review.
        self.review = review
        self.dialog: ExportDialog | ExportPacketDialog | None = None
        self.runner: ExportRunner | None = None

    def export_session(self, session_id: int) -> ExportDialog:
        name = exports.suggested_name_for(self.services, "session", session_id=session_id)
        dialog = export_dialog.ExportDialog(kind="session", suggested_name=name,
                                            folder=self.folder, parent=self.parent_widget)
        dialog.export_requested.connect(lambda c: self._run(
            c, lambda o: exports.build_session_report(self.services, session_id, o)))
        return self._show(dialog)

    def export_course(self, client_id: int, course_id: int | None = None) -> ExportDialog:
        name = exports.suggested_name_for(self.services, "course", client_ids=[client_id])
        dialog = export_dialog.ExportDialog(kind="course", suggested_name=name,
                                            folder=self.folder, parent=self.parent_widget)
        dialog.export_requested.connect(lambda c: self._run(
            c, lambda o: exports.build_course_report(self.services, client_id, o,
                                                     course_id=course_id)))
        return self._show(dialog)

    def export_packet(self) -> ExportPacketDialog:
        # Its module imports the export stack: loaded when a packet is first asked for.
        from kapnotes.ui.dialogs.export_packet_dialog import ExportPacketDialog

        clients = exports.active_clients(self.services)
        name = exports.suggested_name_for(self.services, "packet",
                                          client_ids=[int(c.id or 0) for c, who in clients
                                                      if who.mine])
        dialog = ExportPacketDialog(
            clients, suggested_name=name, folder=self.folder, parent=self.parent_widget,
            name_for=lambda ids: exports.suggested_name_for(self.services, "packet",
                                                            client_ids=ids))
        clinician = self.services.vault.actor.clinician
        dialog.export_requested.connect(lambda ids, c: self._run(
            c, lambda o: exports.build_packet_report(self.services, ids, o,
                                                     clinician=clinician)))
        return self._show(dialog)

    def _show(self, dialog: _Shown) -> _Shown:
        dialog.options.vault_path = self.services.vault.path
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # A closed dialog is deleted on the next event-loop turn: forget it then, or the next
        # export would touch a deleted C++ object and silently do nothing.
        dialog.destroyed.connect(lambda _obj=None, d=dialog: self._forget(d))
        dialog.open()
        return dialog

    def _forget(self, dialog: QObject) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _run(self, choice: ExportChoice,
             build: Callable[[exports.ExportOptions], exports.ExportJob]
             ) -> ExportRunner | None:
        if self.runner is not None and self.runner.running:
            self.status("An export is still running.")
            return None
        options = exports.options_for(self.services, deidentified=choice.deidentified,
                                      include_private=choice.include_private,
                                      include_audit=choice.include_audit)
        try:
            job = build(options)
        except KapNotesError as exc:
            self.status(exc.message)
            return None
        if job.deidentified and self.review is not None \
                and not self.review(job.report.redactions):
            self.status("Export cancelled; no file was written.")
            return None
        if self.runner is not None:  # finished: its thread and progress dialog can go
            self.runner.progress.deleteLater()
            self.runner.deleteLater()
        runner = ExportRunner(self.services, job, choice, opener=self.opener,
                              parent=self.parent_widget)
        runner.finished.connect(lambda path: self.status(f"Exported {Path(path).name}."))
        runner.failed.connect(self.status)
        runner.cancelled.connect(lambda: self.status("Export cancelled; no file was written."))
        self.runner = runner
        runner.start()
        return runner


Target = tuple[str, int, int | None]  # ("session", session id, None) | ("course", client, course)


class ExportActions(QObject):
    """File → Export… (Ctrl+P: the open note, else the client's course) and File → Export
    supervision packet…, added to a MainWindow and taken out again by `remove()`."""

    def __init__(self, services: Services, window: MainWindow, *,
                 current: Callable[[], Target | None], opener: Opener = open_with_system,
                 folder: Path | None = None) -> None:
        super().__init__(window)
        self.window, self.current = window, current
        self.controller = ExportController(services, window, status=window.show_status,
                                           opener=opener, folder=folder,
                                           review=lambda places: redaction_review.ask_to_save(
                                               window, places))
        w = window
        w.export_action.setEnabled(True)
        w.export_action.setStatusTip("Export the open note or client as PDF")
        w.export_requested.connect(self.export_current)
        self.packet_action = QAction("Export supervision &packet…", w)
        self.packet_action.setObjectName("export_packet")
        self.packet_action.setStatusTip("Export several clients' course summaries as one PDF")
        self.packet_action.triggered.connect(self.controller.export_packet)
        menu = w.file_menu
        actions = menu.actions()
        at = actions.index(w.export_action) + 1
        if at < len(actions):
            menu.insertAction(actions[at], self.packet_action)
        else:
            menu.addAction(self.packet_action)

    def export_current(self) -> ExportDialog | None:
        target = self.current()
        if target is None:
            self.controller.status("Open a client or a session note to export it.")
            return None
        kind, first, second = target
        if kind == "session":
            return self.controller.export_session(first)
        return self.controller.export_course(first, second)

    def remove(self) -> None:
        w = self.window
        w.export_requested.disconnect(self.export_current)
        w.export_action.setEnabled(False)
        w.file_menu.removeAction(self.packet_action)
        self.deleteLater()
