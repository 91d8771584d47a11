"""File → Audit log…: the vault's audit entries, newest first, read-only, with the chain check.

The dialog only reads (through `kapnotes.services.audit_log`); there is no way to change or remove
an entry from here — the database refuses that anyway, and the hash chain shows it if someone
did it behind the app's back.
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
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.audit_events import event_label
from kapnotes.domain.dates import plural
from kapnotes.services.audit_log import AuditEntry, read_audit_log
from kapnotes.services.vault_access import Vault
from kapnotes.ui.models.audit_model import ALTERED_STYLE, INTACT_STYLE, AuditLogModel

ALL_EVENTS = "All events"


class AuditLogDialog(QDialog):
    """A table of audit entries with an event filter and the result of the chain check."""

    def __init__(self, vault: Vault, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.setWindowTitle("Audit log")
        self.setAccessibleName("Audit log")
        self.setObjectName("audit_log_dialog")
        self._entries: list[AuditEntry] = []
        self.altered_id: int | None = None

        intro = QLabel("Who did what, and when, in this vault. Entries cannot be changed or "
                       "removed; they never hold note text or names.", self)
        intro.setWordWrap(True)
        intro.setAccessibleName(intro.text())
        self.chain_label = QLabel(self)
        self.chain_label.setObjectName("chain_label")
        self.chain_label.setWordWrap(True)
        self.filter_combo = QComboBox(self)
        self.filter_combo.setAccessibleName("Show events")
        self.filter_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        filter_label = QLabel("&Show:", self)
        filter_label.setBuddy(self.filter_combo)
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Number of entries shown")

        self.model = AuditLogModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("audit_table")
        self.table.setAccessibleName("Audit log entries, newest first")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        # One line per entry, packed: a long log is read by scrolling, not by paging.
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setAccessibleName("Refresh the audit log")
        self.close_button = QPushButton("Close", self)
        self.close_button.setAccessibleName("Close")
        self.close_button.setDefault(True)
        self.refresh_button.clicked.connect(self.reload)
        self.close_button.clicked.connect(self.accept)
        self.filter_combo.currentIndexChanged.connect(self._apply_filter)

        top = QHBoxLayout()
        top.addWidget(filter_label)
        top.addWidget(self.filter_combo)
        top.addStretch(1)
        top.addWidget(self.count_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.chain_label, 1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(1100, 560)
        self.reload()

    # -- data ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the entries again and verify the whole chain."""
        log = read_audit_log(self.vault)
        self._entries, self.altered_id = log.entries, log.first_broken_id
        if self.altered_id is None:
            count = plural(len(self._entries), "entry", "entries")
            self.chain_label.setText(f"✓ Chain intact — all {count} verified.")
            self.chain_label.setStyleSheet(INTACT_STYLE)
        else:
            self.chain_label.setText(
                f"Entry {self.altered_id} has been altered (or an entry just before it was "
                "removed); entries from there on cannot be trusted.")
            self.chain_label.setStyleSheet(ALTERED_STYLE)
        self.chain_label.setAccessibleName(self.chain_label.text())
        self._fill_filter()
        self._apply_filter()

    def _fill_filter(self) -> None:
        chosen = self.filter_combo.currentData()
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        self.filter_combo.addItem(ALL_EVENTS, None)
        events = sorted({e.event for e in self._entries}, key=lambda ev: event_label(ev).lower())
        for event in events:
            self.filter_combo.addItem(event_label(event), event)
        found = self.filter_combo.findData(chosen) if chosen is not None else 0
        self.filter_combo.setCurrentIndex(max(0, found))
        self.filter_combo.blockSignals(False)

    def set_event_filter(self, event: str | None) -> None:
        self.filter_combo.setCurrentIndex(max(0, self.filter_combo.findData(event))
                                          if event else 0)

    def _apply_filter(self) -> None:
        event = self.filter_combo.currentData()
        shown = [e for e in self._entries if event is None or e.event == event]
        self.model.set_rows(shown, altered_id=self.altered_id)
        self.count_label.setText(f"{len(shown)} of {len(self._entries)} entries")
        self._size_columns()

    def _size_columns(self) -> None:
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for col in range(self.model.columnCount() - 1):
            if col != AuditLogModel.EVENT:  # the labels are ours and short: read whole
                header.resizeSection(col, min(header.sectionSize(col), 220))
