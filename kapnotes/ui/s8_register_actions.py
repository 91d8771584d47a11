"""Reports → Schedule 8 register…: the menu item, made with the window; the register view and
its modules (the register's domain, the entry dialog) load when it is first opened, not at
start-up (docs/BENCHMARKS.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow

from kapnotes.ui.menu_action import menu_action

if TYPE_CHECKING:
    from kapnotes.services.container import Services
    from kapnotes.ui.s8_register_view import S8RegisterView


class S8RegisterActions:
    """Reports → Schedule 8 register… in the window (kapnotes/ui/workspace.py adds it)."""

    def __init__(self, services: Services, window: QMainWindow) -> None:
        self.services = services
        self.window = window
        self.view: S8RegisterView | None = None
        self.action = menu_action(window, getattr(window, "reports_menu", None),
                                  "Schedule &8 register…", "s8_register", slot=self.open)

    def open(self) -> S8RegisterView:
        if self.view is None:
            from kapnotes.ui.s8_register_view import S8RegisterView

            self.view = S8RegisterView(self.services, parent=self.window)
        self.view._fill_choice()
        self.view.show()
        self.view.raise_()
        return self.view
