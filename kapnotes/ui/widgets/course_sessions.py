"""The sessions held in a course (date, kind, signed or draft); activating one opens it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from kapnotes.domain.models import Session
from kapnotes.ui.widgets.slot_style import (
    MUTED_COLOURS,
    WARNING_COLOURS,
    kind_colour,
    kind_text,
    pick,
)

SESSION_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class CourseSessionsList(QTreeWidget):
    """Newest first, since the last session is the one most often reopened."""

    session_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sessions in this course")
        self.setHeaderLabels(["Date", "Session", "Note"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.itemActivated.connect(self._activated)

    def set_sessions(self, sessions: list[Session]) -> None:
        self.clear()
        for s in sorted(sessions, key=lambda s: (s.starts_at, s.id or 0), reverse=True):
            state = "✓ Signed" if s.signed else "✎ Draft"
            when = s.starts_at.strftime("%d %b %Y %H:%M")
            item = QTreeWidgetItem([when, kind_text(s.kind.value), state])
            item.setData(0, SESSION_ID_ROLE, s.id)
            item.setForeground(1, kind_colour(s.kind.value))
            item.setForeground(2, pick(MUTED_COLOURS if s.signed else WARNING_COLOURS))
            item.setToolTip(2, "Signed and locked" if s.signed else "Draft: not signed yet")
            self.addTopLevelItem(item)
        if not sessions:
            # A visible "nothing yet" row rather than a blank box; it cannot be selected.
            item = QTreeWidgetItem(["No sessions yet", "", ""])
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addTopLevelItem(item)
            item.setFirstColumnSpanned(True)
        for col in range(3):
            self.resizeColumnToContents(col)

    def session_ids(self) -> list[int]:
        ids = (self.topLevelItem(i).data(0, SESSION_ID_ROLE)
               for i in range(self.topLevelItemCount()))
        return [int(i) for i in ids if i is not None]

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        session_id = item.data(0, SESSION_ID_ROLE)
        if session_id is not None:
            self.session_activated.emit(int(session_id))
