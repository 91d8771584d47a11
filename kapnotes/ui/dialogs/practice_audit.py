"""File → Practice → Audit from other workstations…: who did what, on which workstation, to the
shared records this clinician may read (docs/PRACTICE-SERVER.md, "Audit entries").

Read-only, through `kapnotes.services.practice_audit_sync`: the entries other workstations
sent, in the order the practice server took them, each with its workstation, the clinician
named in it and the login that sent it, and the result of checking their shared chains.
This vault's own log stays in Help → Audit log; entries never hold note text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.audit_events import event_label
from kapnotes.domain.dates import plural
from kapnotes.services.practice_audit_sync import (
    RemoteAuditEntry,
    remote_audit,
    remote_audit_problems,
)
from kapnotes.services.vault_access import Vault
from kapnotes.ui.models.audit_model import ALTERED_STYLE, INTACT_STYLE, when_text

COLUMNS = ("When", "Workstation", "Clinician", "Sent by", "Event", "Client", "Record", "Detail")
ALL_CLIENTS = "All clients"
PRACTICE = "@practice"


def client_label(code: str) -> str:
    return "Practice (Schedule 8 register)" if code == PRACTICE else code


def row_texts(e: RemoteAuditEntry) -> tuple[str, ...]:
    return (when_text(e.at_utc), e.workstation, e.clinician, e.author, event_label(e.event),
            client_label(e.client_code), e.record_type, e.detail)


class PracticeAuditDialog(QDialog):
    """A table of other workstations' audit entries, newest first, filtered by client."""

    def __init__(self, vault: Vault, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.setWindowTitle("Audit from other workstations")
        self.setAccessibleName("Audit from other workstations")
        self.setObjectName("practice_audit_dialog")
        self._entries: list[RemoteAuditEntry] = []
        intro = QLabel("What was done on the other workstations of the practice to the records "
                       "you may read: who, when, on which workstation. Entries cannot be "
                       "changed; they never hold note text.", self)
        intro.setWordWrap(True)
        self.chain_label = QLabel(self)
        self.chain_label.setTextFormat(Qt.TextFormat.PlainText)  # names other workstations
        self.chain_label.setObjectName("practice_chain_label")
        self.chain_label.setWordWrap(True)
        self.client_combo = QComboBox(self)
        self.client_combo.setAccessibleName("Show client")
        self.client_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        client_label_widget = QLabel("&Client:", self)
        client_label_widget.setBuddy(self.client_combo)
        self.count_label = QLabel(self)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("practice_audit_table")
        self.table.setAccessibleName("Audit entries from other workstations, newest first")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.empty_label = QLabel("Nothing from other workstations yet: entries arrive with "
                                  "each sync.", self)
        self.empty_label.setObjectName("practice_audit_empty")
        refresh = QPushButton("Refresh", self)
        close = QPushButton("Close", self)
        close.setDefault(True)
        refresh.clicked.connect(self.reload)
        close.clicked.connect(self.accept)
        self.client_combo.currentIndexChanged.connect(self._apply_filter)

        top = QHBoxLayout()
        top.addWidget(client_label_widget)
        top.addWidget(self.client_combo)
        top.addStretch(1)
        top.addWidget(self.count_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.chain_label, 1)
        bottom.addWidget(refresh)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(bottom)
        self.resize(1100, 520)
        self.reload()

    def reload(self) -> None:
        self._entries = remote_audit(self.vault)[::-1]
        problems = remote_audit_problems(self.vault)
        if problems:
            self.chain_label.setText("⚠ " + "; ".join(problems[:3])
                                     + (f" (and {len(problems) - 3} more)"
                                        if len(problems) > 3 else ""))
            self.chain_label.setStyleSheet(ALTERED_STYLE)
        else:
            count = plural(len(self._entries), "entry", "entries")
            self.chain_label.setText(f"✓ Every link holds — {count} checked.")
            self.chain_label.setStyleSheet(INTACT_STYLE)
        chosen = self.client_combo.currentData()
        self.client_combo.blockSignals(True)
        self.client_combo.clear()
        self.client_combo.addItem(ALL_CLIENTS, None)
        for code in sorted({e.client_code for e in self._entries}):
            self.client_combo.addItem(client_label(code), code)
        self.client_combo.setCurrentIndex(max(0, self.client_combo.findData(chosen))
                                          if chosen is not None else 0)
        self.client_combo.blockSignals(False)
        self._apply_filter()

    def _apply_filter(self) -> None:
        code = self.client_combo.currentData()
        shown = [e for e in self._entries if code is None or e.client_code == code]
        self.table.setRowCount(len(shown))
        for row, entry in enumerate(shown):
            for col, text in enumerate(row_texts(entry)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.count_label.setText(f"{len(shown)} of {len(self._entries)} entries")
        self.empty_label.setVisible(not self._entries)
