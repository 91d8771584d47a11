"""Choose the clients of a supervision packet, then the export options, in one dialog.

The list holds every client with an active course; "my active clients" (the default) are
those whose course has a session held by the clinician using the app; the others say why
they are not (another clinician's, or no session yet: nobody's). Names are shown here
(the therapist's own screen); what reaches the PDF follows the de-identify option.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client
from kapnotes.services.exports import Holder
from kapnotes.ui.dialogs.export_dialog import ExportOptionsPanel, export_buttons
from kapnotes.ui.widgets.error_line import error_label, show_error

ID_ROLE = Qt.ItemDataRole.UserRole


class ExportPacketDialog(QDialog):
    """Emits `export_requested(client_ids, choice)` with the ticked clients in list order."""

    export_requested = Signal(list, object)  # client ids, ExportChoice

    def __init__(self, clients: Sequence[tuple[Client, Holder]], *, suggested_name: str,
                 folder: Path | None = None, parent: QWidget | None = None,
                 name_for: Callable[[list[int]], str] | None = None) -> None:
        super().__init__(parent)
        # The file name says how many clients are in the packet; it follows the ticks until
        # the user edits it (name_for gives the name for a list of client ids).
        self.name_for = name_for
        self._auto_name = suggested_name
        self.setWindowTitle("Export supervision packet")
        self.setMinimumSize(560, 560)
        self.mine = [int(c.id or 0) for c, who in clients if who.mine]
        column = QVBoxLayout(self)
        intro = QLabel("Clients with an active course. Each gets a course summary with every "
                       "session note; the PDF starts with a contents page.", self)
        intro.setWordWrap(True)
        column.addWidget(intro)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by code or name")
        self.filter_edit.setAccessibleName("Filter clients")
        column.addWidget(self.filter_edit)
        self.client_list = QListWidget(self)
        self.client_list.setAccessibleName("Clients in the packet")
        for client, who in clients:
            item = QListWidgetItem(f"{client.code} — {client.display_name}"
                                   + (f"  ({who.value})" if who.value else ""))
            item.setData(ID_ROLE, int(client.id or 0))
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, client.full_name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if who.mine else Qt.CheckState.Unchecked)
            self.client_list.addItem(item)
        column.addWidget(self.client_list, 1)

        row = QHBoxLayout()
        self.mine_button = QPushButton("My active clients", self)
        self.all_button = QPushButton("Select all", self)
        self.none_button = QPushButton("Select none", self)
        for button in (self.mine_button, self.all_button, self.none_button):
            button.setAccessibleName(button.text())
            row.addWidget(button)
        row.addStretch(1)
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Clients chosen")
        row.addWidget(self.count_label)
        column.addLayout(row)

        self.options = ExportOptionsPanel(kind="packet", suggested_name=suggested_name,
                                          folder=folder, parent=self)
        column.addWidget(self.options)
        self.error_label = error_label(self)
        column.addWidget(self.error_label)
        buttons = export_buttons(self)
        column.addWidget(buttons)

        self.filter_edit.textChanged.connect(self.apply_filter)
        self.mine_button.clicked.connect(lambda: self.select(self.mine))
        self.all_button.clicked.connect(lambda: self.select(None))
        self.none_button.clicked.connect(lambda: self.select([]))
        self.client_list.itemChanged.connect(lambda _item: self._count())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._count()

    def _items(self) -> list[QListWidgetItem]:
        return [self.client_list.item(i) for i in range(self.client_list.count())]

    def apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for item in self._items():
            hay = f"{item.text()} {item.data(Qt.ItemDataRole.AccessibleDescriptionRole)}"
            item.setHidden(bool(needle) and needle not in hay.casefold())

    def select(self, ids: Sequence[int] | None) -> None:
        """Tick exactly `ids` (None: every client shown by the filter)."""
        for item in self._items():
            if ids is None:
                if not item.isHidden():
                    item.setCheckState(Qt.CheckState.Checked)
            else:
                on = item.data(ID_ROLE) in ids
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def chosen_ids(self) -> list[int]:
        return [int(item.data(ID_ROLE)) for item in self._items()
                if item.checkState() == Qt.CheckState.Checked]

    def _count(self) -> None:
        ids = self.chosen_ids()
        self.count_label.setText(f"{len(ids)} chosen")
        current = Path(self.options.path_edit.text().strip())
        if self.name_for is not None and ids and current.name == self._auto_name:
            self._auto_name = self.name_for(ids)
            self.options.path_edit.setText(str(current.with_name(self._auto_name)))

    def accept(self) -> None:
        ids = self.chosen_ids()
        try:
            if not ids:
                raise ValidationError("Clients", "tick at least one client.")
            choice = self.options.choice()
        except ValidationError as exc:
            show_error(self.error_label, exc.message)
            return
        show_error(self.error_label, "")
        self.export_requested.emit(ids, choice)
        super().accept()
