"""The session's event log on its page: a kind, an optional short detail, and one key
(Ctrl+E, anywhere in the session window) that stamps an entry with the time now.

Entries can be edited (kind, time, detail) or removed while the note is a draft; once signed
the log is read-only (the service and the vault refuse changes too).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.session_events import MAX_EVENT_TEXT, SessionEvent
from kapnotes.services.session_events import SessionEventLog
from kapnotes.ui.widgets.error_line import error_label, show_error

ADD_EVENT_SHORTCUT = "Ctrl+E"


class EventLogPanel(QWidget):
    """Heading, the add row, the entries in time order, Edit…/Remove."""

    added = Signal(int)  # the new entry's id

    def __init__(self, events: SessionEventLog, session_id: int, *, signed: bool,
                 shortcut_host: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.events = events
        self.session_id = session_id
        heading = QLabel("Event log", self)
        heading.setObjectName("sectionHeading")
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.kind_box = QComboBox(self)
        self.kind_box.setAccessibleName("Event kind")
        for kind in events.kinds:
            self.kind_box.addItem(kind.label, kind.id)
        self.detail = QLineEdit(self)
        self.detail.setAccessibleName("Event detail")
        self.detail.setPlaceholderText("Optional detail (Enter or Ctrl+E adds the event)")
        self.detail.setMaxLength(MAX_EVENT_TEXT)
        self.detail.returnPressed.connect(self.add_now)
        self.add_button = QPushButton(f"Add event ({ADD_EVENT_SHORTCUT})", self)
        self.add_button.clicked.connect(self.add_now)
        self.table = QTableWidget(0, 3, self)
        self.table.setAccessibleName("Event log entries")
        self.table.setHorizontalHeaderLabels(["Time", "Event", "Detail"])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setMinimumHeight(140)
        self.table.doubleClicked.connect(self.edit_selected)
        self.empty_label = QLabel("No events yet. Ctrl+E stamps one with the time now.", self)
        self.empty_label.setObjectName("muted")
        self.edit_button = QPushButton("Edit…", self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.error = error_label(self)
        # After a touch entry: the consent it relies on, or a warning that none is in force.
        self.consent_label = QLabel(self)
        self.consent_label.setWordWrap(True)
        self.consent_label.setAccessibleName("Touch consent")
        self.consent_label.setVisible(False)
        self.shortcut = QShortcut(QKeySequence(ADD_EVENT_SHORTCUT), shortcut_host or self)
        self.shortcut.activated.connect(self.add_now)

        add_row = QHBoxLayout()
        add_row.addWidget(self.kind_box)
        add_row.addWidget(self.detail, 1)
        add_row.addWidget(self.add_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addLayout(add_row)
        layout.addWidget(self.error)
        layout.addWidget(self.consent_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._entries: list[SessionEvent] = []
        self.refresh()
        self.set_signed(signed)

    def set_signed(self, signed: bool = True) -> None:
        for w in (self.kind_box, self.detail, self.add_button, self.edit_button,
                  self.remove_button):
            w.setEnabled(not signed)
        self.shortcut.setEnabled(not signed)

    def refresh(self) -> None:
        self._entries = self.events.events(self.session_id)
        self.table.setRowCount(len(self._entries))
        for row, e in enumerate(self._entries):
            for col, text in enumerate((e.at.astimezone().strftime("%H:%M:%S"),
                                        self.events.label(e.kind), e.text)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.empty_label.setVisible(not self._entries)

    def rows(self) -> list[tuple[str, str, str]]:
        """What the table shows, row by row (time, event, detail)."""
        def cell(r: int, c: int) -> str:
            item = self.table.item(r, c)
            return item.text() if item is not None else ""
        return [(cell(r, 0), cell(r, 1), cell(r, 2)) for r in range(self.table.rowCount())]

    def add_now(self) -> None:
        """Stamp an entry of the chosen kind with the time now and the typed detail."""
        if not self.add_button.isEnabled():
            return
        try:
            event = self.events.add(self.session_id, str(self.kind_box.currentData()),
                                    text=self.detail.text())
        except KapNotesError as exc:
            show_error(self.error, exc.message)
            return
        show_error(self.error, "")
        self.detail.clear()
        note = self.events.consent_note(event)
        self.consent_label.setText(note)
        self.consent_label.setVisible(bool(note))
        self.refresh()
        self.added.emit(event.id)

    def _selected(self) -> SessionEvent | None:
        row = self.table.currentRow()
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def edit_selected(self) -> None:
        event = self._selected()
        if event is None or not self.edit_button.isEnabled():
            return
        dialog = EventEditDialog(self.events, event, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        kind, at, text = dialog.values()
        try:
            self.events.update(event.id, kind=kind, at=at, text=text)
        except KapNotesError as exc:
            show_error(self.error, exc.message)
            return
        show_error(self.error, "")
        self.refresh()

    def remove_selected(self) -> None:
        event = self._selected()
        if event is None:
            return
        try:
            self.events.remove(event.id)
        except KapNotesError as exc:
            show_error(self.error, exc.message)
            return
        self.refresh()


class EventEditDialog(QDialog):
    """Kind, time (on the entry's day) and detail of one entry."""

    def __init__(self, events: SessionEventLog, event: SessionEvent,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit event")
        self._day = event.at.astimezone()
        self.kind_box = QComboBox(self)
        for kind in events.kinds:
            self.kind_box.addItem(kind.label, kind.id)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(event.kind)))
        self.time_edit = QTimeEdit(self)
        self.time_edit.setDisplayFormat("HH:mm:ss")
        self.time_edit.setTime(QTime(self._day.hour, self._day.minute, self._day.second))
        self.detail = QLineEdit(event.text, self)
        self.detail.setMaxLength(MAX_EVENT_TEXT)
        form = QFormLayout(self)
        form.addRow("Event", self.kind_box)
        form.addRow("Time", self.time_edit)
        form.addRow("Detail", self.detail)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel, self)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)

    def values(self) -> tuple[str, datetime, str]:
        t = self.time_edit.time()
        at = self._day.replace(hour=t.hour(), minute=t.minute(), second=t.second())
        return str(self.kind_box.currentData()), at, self.detail.text()
