"""Left pane: today's count, an instant filter, the client list and New client."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.dates import schedule_date
from kapnotes.domain.models import ClientSummary
from kapnotes.services.changes import Changes
from kapnotes.services.container import Services
from kapnotes.ui.change_signals import on_changes
from kapnotes.ui.models.client_list_model import ClientListModel
from kapnotes.ui.widgets.slot_style import MUTED_COLOURS, style_sheet_colour

if TYPE_CHECKING:  # the new-client form loads when first asked for, not to show the window
    from kapnotes.ui.dialogs.client_dialog import ClientDialog

# The name column is wide enough for a long but ordinary full name before the window is
# first laid out (the dock then starts that wide; longer names elide, their tooltip whole).
TYPICAL_NAME = "Marguerite Okonkwo-Lindqvist"
CELL_PADDING = 14  # the cell's margins either side of the text, as `_fit_columns` allows
EMPTY_TEXT = "No clients yet — New client (Ctrl+Shift+N)"
NO_MATCH_TEXT = "No client matches “{text}”."


class ClientListPane(QWidget):
    """Emits `client_activated(client_id)` when a client is chosen (click, Enter, or created)."""

    client_activated = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.dialog: ClientDialog | None = None
        self.model = ClientListModel(self)
        self._build()
        self.refresh()
        on_changes(services, self, self._on_changes)

    def _on_changes(self, changes: Changes) -> None:
        """Names, archive state, next planned sessions and review marks come from these."""
        if changes.clients or changes.courses or changes.sessions or changes.reviews:
            self.refresh()

    def _build(self) -> None:
        self.today_label = QLabel(self)
        self.today_label.setAccessibleName("Today")
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by name or code")
        self.filter_edit.setAccessibleName("Filter clients by name or code")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.refresh)
        # Down from the filter goes straight into the list, so the keyboard flow is unbroken.
        self.filter_edit.returnPressed.connect(self._activate_first)
        self.archived_check = QCheckBox("Show archived", self)
        self.archived_check.toggled.connect(self.refresh)

        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Clients")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        # Interactive, sized by `_fit_columns` from the distinct texts: ResizeToContents asked
        # every cell of the 500-client list for every role at each layout (~70 ms of start-up).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ClientListModel.NAME, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)

        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color: {style_sheet_colour(MUTED_COLOURS)};")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)

        self.new_button = QPushButton("New client", self)
        self.new_button.setToolTip("New client (Ctrl+Shift+N)")
        self.new_button.clicked.connect(self.new_client)
        self.new_client_action = QAction("&New client…", self)
        self.new_client_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_client_action.triggered.connect(self.new_client)
        self.filter_action = QAction("&Filter clients", self)
        self.filter_action.setShortcut(QKeySequence.StandardKey.Find)
        self.filter_action.triggered.connect(self.focus_filter)
        # Window-wide once the pane is in a window; the main window reuses these actions in
        # its menus rather than defining the same keys again (which would be ambiguous).
        for action in (self.new_client_action, self.filter_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

        bottom = QHBoxLayout()
        bottom.addWidget(self.archived_check)
        bottom.addStretch(1)
        bottom.addWidget(self.new_button)
        self.column = layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.today_label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)

    def shortcut_actions(self) -> list[QAction]:
        """Ctrl+F and Ctrl+Shift+N: the main window adds these to its menus (window-wide)."""
        return [self.filter_action, self.new_client_action]

    # -- behaviour -----------------------------------------------------------------------
    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def refresh(self) -> None:
        """Reload from the services, keeping the selected client selected if still listed."""
        keep = self.selected_client_id()
        today = self.services.clock().date()
        text = self.filter_edit.text()
        rows = self.services.clients.list(
            include_archived=self.archived_check.isChecked(), text=text, with_counts=False
        )
        self.model.set_rows(rows, today=today, reviews=self.services.reviews.client_counts())
        self._fit_columns()
        if keep is not None:
            self.select_client(keep)
        # Counted over every active client: the rows already read, when not filtered by text.
        self._update_today(today, None if text.strip() else [r for r in rows if not r.archived])
        if rows:
            self.stack.setCurrentWidget(self.view)
        else:
            self.empty_label.setText(NO_MATCH_TEXT.format(text=text.strip()) if text.strip()
                                     else EMPTY_TEXT)
            self.stack.setCurrentWidget(self.empty_label)

    def _fit_columns(self) -> None:
        """Code and Next planned: as wide as their widest distinct text (bold where drawn
        bold) plus the cell padding, and never narrower than their header."""
        bold = QFont(self.view.font())
        bold.setBold(True)
        plain, strong = QFontMetrics(self.view.font()), QFontMetrics(bold)
        header = self.view.horizontalHeader()
        for col in (ClientListModel.CODE, ClientListModel.NEXT):
            texts = {self.model.display_text(row, col) for row in range(self.model.rowCount())}
            # Only today's sessions are drawn bold; measuring every row bold starved the names.
            width = max((strong if t.startswith("Today") else plain).horizontalAdvance(t)
                        for t in texts) if texts else 0
            header.resizeSection(col, max(width + CELL_PADDING, header.sectionSizeHint(col)))

    def sizeHint(self) -> QSize:
        """Wide enough for the code, a typical full name and the next session (and a scroll
        bar): the dock takes this width when the window is first laid out."""
        hint = super().sizeHint()
        header = self.view.horizontalHeader()
        name = QFontMetrics(self.view.font()).horizontalAdvance(TYPICAL_NAME) + CELL_PADDING
        table = (header.sectionSize(ClientListModel.CODE) + name
                 + header.sectionSize(ClientListModel.NEXT)
                 + self.view.verticalScrollBar().sizeHint().width()
                 + 2 * self.view.frameWidth())
        margins = self.column.contentsMargins()
        return QSize(max(hint.width(), table + margins.left() + margins.right()), hint.height())

    def _update_today(self, today: date, active: list[ClientSummary] | None = None) -> None:
        # Counted over every active client, not just the filtered rows.
        if active is None:
            active = self.services.clients.list(with_counts=False)
        count = sum(1 for r in active if r.next_planned == today)
        clients = "client" if count == 1 else "clients"
        when = schedule_date(today)
        self.today_label.setText(f"<b>Today</b>, {when}: {count} {clients} with a planned "
                                 "session" if count else f"<b>Today</b>, {when}: nothing planned")

    def selected_client_id(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isSelected(index):
            return None
        return self.model.row_at(index.row()).id

    def select_client(self, client_id: int) -> bool:
        row = self.model.row_of(client_id)
        if row is None:
            return False
        self.view.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.client_activated.emit(self.model.row_at(index.row()).id)

    def _activate_first(self) -> None:
        if self.model.rowCount() > 0:
            self.view.setFocus()
            self.select_client(self.model.row_at(0).id)
            self.client_activated.emit(self.model.row_at(0).id)

    def new_client(self) -> ClientDialog:
        """Open the client dialog (non-blocking); the new client is selected and activated."""
        from kapnotes.ui.dialogs.client_dialog import ClientDialog  # when first asked for

        self.dialog = ClientDialog(self.services, parent=self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.saved.connect(self._created)
        self.dialog.open()
        return self.dialog

    def _created(self, client_id: int) -> None:
        if self.filter_edit.text():
            self.filter_edit.clear()  # a filter could otherwise hide the new client
        self.select_client(client_id)
        self.client_activated.emit(client_id)
