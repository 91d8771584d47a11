"""Reports → Records past their retention date…: the clients whose records may now be
destroyed under the jurisdiction pack's retention rule, with the rule and its source.

Nothing is deleted automatically. "Delete client…" opens the one client deletion dialog
(kapnotes/ui/dialogs/delete_client.py: the code typed, audited, a tombstone in the audit log),
with the retention date as the tombstone's reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.dates import human_date
from kapnotes.ui.menu_action import menu_action

if TYPE_CHECKING:  # the view's modules load when it is first opened, not at start-up
    from kapnotes.services.container import Services
    from kapnotes.services.retention import RetentionRow
    from kapnotes.ui.dialogs.delete_client import DeleteClientDialog

COLUMNS = ("Client", "Last entry", "Keep until", "Basis")


class RetentionDialog(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("Records past their retention date")
        self.rule_label = QLabel(self)
        self.rule_label.setWordWrap(True)
        self.rule_label.setAccessibleName("Retention rule")
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setAccessibleName("Records past their retention date")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.empty_label = QLabel(self)
        self.delete_button = QPushButton("Delete client…", self)
        self.delete_button.setToolTip("Asks for the client's code; the deletion is audited")
        self.delete_button.clicked.connect(self.delete_selected)
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.rule_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(720, 420)
        self.delete_dialog: DeleteClientDialog | None = None
        self._rows: list[RetentionRow] = []
        self.refresh()

    def refresh(self) -> None:
        retention = self.services.retention
        rule = retention.rule()
        if rule is None:
            self.rule_label.setText("The practice's jurisdiction pack has no retention rule "
                                    "(choose a jurisdiction in the practice policy).")
            self._rows = []
        else:
            self.rule_label.setText(
                f"Kept {rule.adult_years} years after the last entry; a client first seen "
                f"under {rule.minor_age} is kept until age {rule.minor_until_age} if that is "
                f"later. Source: {rule.source.label}. Nothing is deleted automatically.")
            self._rows = retention.past_date()
        self.table.setRowCount(len(self._rows))
        for row, r in enumerate(self._rows):
            for col, text in enumerate((r.code, human_date(r.last_entry),
                                        human_date(r.keep_until), r.basis)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.empty_label.setText("" if self._rows or rule is None
                                 else "No client's records are past their retention date.")
        self.empty_label.setVisible(not self._rows and rule is not None)
        self.delete_button.setEnabled(bool(self._rows))

    def delete_selected(self) -> DeleteClientDialog | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._rows):
            return None
        from kapnotes.ui.dialogs.delete_client import DeleteClientDialog

        client_id = self._rows[row].client_id
        self.delete_dialog = DeleteClientDialog(
            self.services, client_id, self,
            why=self.services.retention.deletion_reason(client_id))
        self.delete_dialog.finished.connect(self.refresh)
        self.delete_dialog.open()
        return self.delete_dialog


class RetentionActions:
    """Reports → Records past their retention date… (kapnotes/ui/workspace.py adds it)."""

    def __init__(self, services: Services, window: QMainWindow) -> None:
        self.services = services
        self.window = window
        self.dialog: RetentionDialog | None = None
        self.action = menu_action(window, getattr(window, "reports_menu", None),
                                  "Records past their &retention date…", "retention",
                                  slot=self.open_view)

    def open_view(self) -> RetentionDialog:
        self.dialog = RetentionDialog(self.services, self.window)
        self.dialog.open()
        return self.dialog
