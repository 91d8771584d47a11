"""The supervision loop's menu entries in one window (kapnotes/ui/workspace.py adds them):

File → Send for supervision… (Ctrl+Shift+R), Open review request… (Ctrl+Shift+O),
Import review reply… (Ctrl+Shift+I); View → Reviews… (Ctrl+Alt+R), Supervision log…
(Ctrl+Alt+L); Edit → Clinician profile…. docs/SUPERVISION.md is the user's guide.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from kapnotes.services.container import Services
from kapnotes.ui.menu_action import menu_action

if TYPE_CHECKING:
    from kapnotes.ui.workspace import Workspace

# What "Send for supervision…" starts from: (client id, course id, open note id), any None.
Current = Callable[[], tuple[int | None, int | None, int | None]]


class SupervisionActions:
    def __init__(self, services: Services, window: QMainWindow, *, current: Current,
                 open_note: Callable[[int], None]) -> None:
        self.services = services
        self.window = window
        self.current = current
        self.open_note = open_note
        self.dialogs: dict[str, QWidget] = {}
        self.actions: list[tuple[QMenu, QAction]] = []
        file_menu = _menu(window, "file_menu")
        view_menu = _menu(window, "view_menu")
        edit_menu = _menu(window, "edit_menu")
        before = getattr(window, "backup_action", None)
        if not isinstance(before, QAction):
            before = None
        for name, text, shortcut, slot in (
                ("send_for_review", "Sen&d for supervision…", "Ctrl+Shift+R", self.send),
                ("open_review_request", "&Open review request…", "Ctrl+Shift+O",
                 self.open_request),
                ("import_review_reply", "Import review repl&y…", "Ctrl+Shift+I",
                 self.import_reply)):
            self._action(file_menu, text, name, shortcut, slot, before)
        if file_menu is not None and before is not None:
            file_menu.insertSeparator(before)
        self._action(view_menu, "Re&views…", "reviews", "Ctrl+Alt+R", self.show_reviews)
        self._action(view_menu, "Supervision &log…", "supervision_log", "Ctrl+Alt+L",
                     self.show_log)
        self._action(edit_menu, "Clinician &profile…", "clinician_profile", None,
                     self.show_profile)

    def _action(self, menu: QMenu | None, text: str, name: str, shortcut: str | None,
                slot: Callable[[], object], before: QAction | None = None) -> None:
        action = menu_action(self.window, menu, text, name, shortcut, slot, before)
        if menu is not None:
            self.actions.append((menu, action))

    def remove(self) -> None:
        """Out of the menus (the workspace is being replaced after a restore)."""
        for menu, action in self.actions:
            menu.removeAction(action)
        for dialog in self.dialogs.values():
            dialog.close()

    def _keep(self, name: str, dialog: QWidget) -> QWidget:
        self.dialogs[name] = dialog
        return dialog

    def send(self) -> QWidget:
        from kapnotes.ui.dialogs.review_send import SendForReviewDialog

        client_id, course_id, session_id = self.current()
        dialog = SendForReviewDialog(self.services, client_id=client_id, course_id=course_id,
                                     session_id=session_id, parent=self.window)
        dialog.open()
        return self._keep("send", dialog)

    def open_request(self, path: Path | None = None) -> QWidget | None:
        from kapnotes.ui.review_open import open_review_request

        window = open_review_request(self.window, vault=self.services.vault, path=path,
                                     clock=self.services.clock)
        return self._keep("review", window) if window is not None else None

    def import_reply(self, path: Path | None = None) -> QWidget | None:
        from kapnotes.ui.dialogs.review_import import choose_and_import

        dialog = choose_and_import(self.services, self.window, path)
        return self._keep("import", dialog) if dialog is not None else None

    def show_reviews(self) -> QWidget:
        from kapnotes.ui.reviews_view import ReviewsView

        view = self.dialogs.get("reviews")
        if not isinstance(view, ReviewsView):
            view = ReviewsView(self.services, parent=self.window)
            view.open_note.connect(self.open_note)
            self._keep("reviews", view)
        view.show()
        view.raise_()
        return view

    def show_log(self) -> QWidget:
        from kapnotes.ui.supervision_log_view import SupervisionLogView

        view = self.dialogs.get("log")
        if not isinstance(view, SupervisionLogView):
            view = SupervisionLogView(self.services, parent=self.window)
            self._keep("log", view)
        view.show()
        view.raise_()
        return view

    def show_profile(self) -> QWidget:
        from kapnotes.ui.dialogs.clinician_profile import ClinicianProfileDialog

        dialog = ClinicianProfileDialog(self.services.vault, parent=self.window)
        dialog.open()
        return self._keep("profile", dialog)


def for_workspace(workspace: Workspace) -> SupervisionActions:
    """The actions of one workspace: sending starts from its open note or client page."""

    def current() -> tuple[int | None, int | None, int | None]:
        editor = workspace.editor
        if editor is not None:
            return editor.client_id, editor.session.course_id, editor.session_id
        view = workspace._client_view
        if view is not None and workspace.window.current_page() is view and view.client_id:
            return view.client_id, view.course_id, None
        return None, None, None

    return SupervisionActions(workspace.services, workspace.window, current=current,
                              open_note=workspace.open_session)


def _menu(window: QMainWindow, name: str) -> QMenu | None:
    """The window's menu called `name` (the main window has them; a bare one in tests not)."""
    menu = getattr(window, name, None)
    return menu if isinstance(menu, QMenu) else None
