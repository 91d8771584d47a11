"""Thin read-only table model over audit log entries, newest first, with events in words."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from kapnotes.domain.audit_events import event_label
from kapnotes.domain.dates import utc_text
from kapnotes.services.audit_log import AuditEntry
from kapnotes.ui.models.rows_model import Index, RowsTableModel

ENTRY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ALTERED_COLOUR = "#c62828"
INTACT_STYLE = "color: #2e7d32; font-weight: 600;"  # a chain check that held
ALTERED_STYLE = f"color: {ALTERED_COLOUR}; font-weight: 600;"
REFUSED_COLOUR = "#b26a00"


def when_text(at_utc: str) -> str:
    """'2026-11-20T09:00:12.345678Z' → '20 Nov 2026, 09:00:12 UTC' (the log's own time zone)."""
    return utc_text(at_utc, seconds=True)


class AuditLogModel(RowsTableModel[AuditEntry]):
    """Audit entries as rows; the entry the chain check found altered is shown in red."""

    NUMBER, WHEN, EVENT, RECORD, OUTCOME, CLINICIAN, OS_USER, WORKSTATION, DETAIL = range(9)
    HEADERS = ("#", "When (UTC)", "Event", "Record", "Outcome", "Clinician", "OS user",
               "Workstation", "Detail")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.altered_id: int | None = None

    def set_rows(self, rows: list[AuditEntry], *, altered_id: int | None = None) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda e: e.id, reverse=True)
        self.altered_id = altered_id
        self.endResetModel()

    def row_at(self, row: int) -> AuditEntry:
        return self._rows[row]

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Selectable (to read a long detail) but never editable: the log is append-only.
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        e = self._row_for(index)
        if e is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(e, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == self.EVENT:  # the words (a long label is cut) and the name
                label = event_label(e.event)
                return e.event if label == e.event else f"{label}\nRecorded as {e.event}"
            if index.column() == self.WHEN:
                return e.at_utc
            return self._text(e, index.column()) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if e.id == self.altered_id:
                return QBrush(QColor(ALTERED_COLOUR))
            if index.column() == self.OUTCOME and e.outcome != "ok":
                return QBrush(QColor(REFUSED_COLOUR))  # a refusal stands out when scanning
        if role == ENTRY_ID_ROLE:
            return e.id
        return None

    def _text(self, e: AuditEntry, col: int) -> str:
        record = f"{e.record_type} {e.record_id}".strip() if e.record_id else e.record_type
        values = (str(e.id), when_text(e.at_utc), event_label(e.event), record, e.outcome,
                  e.clinician, e.os_user, e.workstation, e.detail)
        text = values[col]
        if col == self.NUMBER and e.id == self.altered_id:
            return f"{text} (altered)"
        return text
