"""Reports → Schedule 8 register…: pick a register, read its entries with the running
balance, and add receipts, wastage, destruction, transfers, stocktakes and corrections
(docs/JURISDICTIONS.md). Entries are never edited here or anywhere: a correction is a new
entry, and the corrected one stays, marked. Administrations come from the dosing session.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_register import Register, RegisterEntry, entry_details
from kapnotes.services.container import Services
from kapnotes.services.s8_register import NO_PACK
from kapnotes.ui.change_signals import refresh_when
from kapnotes.ui.dialogs.s8_entry_dialog import S8EntryDialog
from kapnotes.ui.widgets.monitoring_style import error_label, show_message

COLUMNS = ("Date", "Entry", "Details", "In", "Out", "Balance", "Entered by", "Witness")
FLAGGED = QColor("#fde2e1")
ADD_KINDS = (EntryKind.RECEIPT, EntryKind.WASTAGE, EntryKind.DESTRUCTION,
             EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT, EntryKind.STOCKTAKE)
EMPTY_REGISTER = "No entries yet. Start with a receipt of the stock on hand."


class S8RegisterView(QDialog):
    """The register window (modeless); `refresh()` after any change."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.s8 = services.s8
        self.setWindowTitle("Schedule 8 register")
        self.setObjectName("s8_register_view")
        self.setAccessibleName("Schedule 8 register")
        self.resize(1000, 560)
        self.pack_label = QLabel(self)
        self.pack_label.setWordWrap(True)
        self.choice = QComboBox(self)
        self.choice.setAccessibleName("Register")
        choice_label = QLabel("&Register:", self)
        choice_label.setBuddy(self.choice)
        self.balance_label = QLabel(self)
        self.balance_label.setObjectName("s8_balance")
        self.balance_label.setStyleSheet("font-weight: 600;")
        self.balance_label.setMinimumWidth(200)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Register entries")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.empty_label = QLabel(EMPTY_REGISTER, self)
        self.error = error_label(self, "Register error")
        self.buttons: dict[EntryKind, QPushButton] = {}
        row = QHBoxLayout()
        for kind in ADD_KINDS:
            button = QPushButton(f"{kind.label}…", self)
            button.setObjectName(f"s8_add_{kind.value}")
            button.clicked.connect(lambda _=False, k=kind: self.add_entry(k))
            self.buttons[kind] = button
            row.addWidget(button)
        self.correct_button = QPushButton("&Correct selected…", self)
        self.correct_button.clicked.connect(self.correct_selected)
        self.pdf_button = QPushButton("Save as &PDF…", self)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        row.addStretch(1)
        row.addWidget(self.correct_button)
        row.addWidget(self.pdf_button)
        top = QHBoxLayout()
        top.addWidget(choice_label)
        top.addWidget(self.choice, 1)
        top.addSpacing(12)
        top.addWidget(self.balance_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pack_label)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.choice.currentIndexChanged.connect(lambda _i: self.refresh())
        # Any entry appended (here, or from a dosing session's one click) shows at once.
        refresh_when(services, self, lambda c: c.touches("registers"), self.refresh)
        self._fill_choice()

    # -- which register -----------------------------------------------------------------------
    def _fill_choice(self) -> None:
        pack = self.s8.pack()
        self.pack_label.setText(f"Jurisdiction: {pack.title}. Entries are never changed; a "
                                "correction is a new entry." if pack else
                                NO_PACK[0].upper() + NO_PACK[1:] + ".")
        opened = {r.product_id: r for r in self.s8.registers()}
        self.choice.blockSignals(True)
        self.choice.clear()
        for product in self.s8.products():
            self.choice.addItem(product.title, product.id)
        for product_id, reg in opened.items():  # a register kept under another pack
            if self.choice.findData(product_id) < 0:
                self.choice.addItem(reg.title, product_id)
        self.choice.blockSignals(False)
        self.refresh()

    def current_register(self, *, open_it: bool = False) -> Register | None:
        product_id = self.choice.currentData()
        if product_id is None:
            return None
        found = next((r for r in self.s8.registers() if r.product_id == product_id), None)
        if found is None and open_it:
            found = self.s8.open_register(product_id)
        return found

    # -- the entries --------------------------------------------------------------------------
    def refresh(self) -> None:
        register = self.current_register()
        usable = self.s8.pack() is not None and self.choice.count() > 0
        for button in (*self.buttons.values(), self.correct_button):
            button.setEnabled(usable)
        self.pdf_button.setEnabled(register is not None)
        self.table.setRowCount(0)
        if register is None:
            self.balance_label.setText("")
            self.empty_label.setVisible(usable)
            return
        page = self.s8.page(register.id)
        self.entries = list(page.entries)
        self.balance_label.setText(f"Balance: {page.closing_balance} "
                                   f"{register.unit}(s)")
        self.empty_label.setVisible(not self.entries)
        for entry in self.entries:
            self._add_row(entry, entry_details(entry, page.register, page.corrected_by),
                          entry.discrepancy or entry.kind is EntryKind.CORRECTION
                          or entry.id in page.corrected_by or entry.balance < 0)
        self.table.resizeRowsToContents()
        self.table.scrollToBottom()

    def _add_row(self, entry: RegisterEntry, details: str, flagged: bool) -> None:
        n = self.table.rowCount()
        self.table.insertRow(n)
        values = (entry.occurred_at.astimezone().strftime("%d %b %Y %H:%M"),
                  f"{entry.id} {entry.kind.label}", details,
                  str(entry.change) if entry.change > 0 else "",
                  str(-entry.change) if entry.change < 0 else "", str(entry.balance),
                  entry.recorded_by, entry.witness)
        for col, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            if flagged:
                item.setBackground(QBrush(FLAGGED))
            self.table.setItem(n, col, item)

    # -- adding -------------------------------------------------------------------------------
    def add_entry(self, kind: EntryKind) -> S8EntryDialog | None:
        show_message(self.error, "")
        try:
            register = self.current_register(open_it=True)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return None
        if register is None:  # no product to choose (no jurisdiction pack)
            show_message(self.error, "Choose the register first.")
            return None
        dialog = S8EntryDialog(self.s8, register, kind, parent=self)
        dialog.open()
        return dialog

    def correct_selected(self) -> S8EntryDialog | None:
        row = self.table.currentRow()
        register = self.current_register()
        if row < 0 or register is None:
            show_message(self.error, "Choose the entry to correct first.")
            return None
        wrong = self.entries[row]
        if wrong.kind is EntryKind.CORRECTION:
            show_message(self.error, f"Entry {wrong.id} is itself a correction; correct the "
                                     f"original entry {wrong.corrects_id}.")
            return None
        show_message(self.error, "")
        dialog = S8EntryDialog(self.s8, register, EntryKind.CORRECTION,
                               corrects=wrong, parent=self)
        dialog.open()
        return dialog

    def save_pdf(self, path: Path | None = None) -> Path | None:
        """The register's pages as a PDF (the same pages `kapnotes report s8-register`
        prints)."""
        from kapnotes.services import exports, s8_exports  # the export stack, when asked

        register = self.current_register()
        if register is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Save register as PDF",
                                                    "Schedule 8 register.pdf", "PDF (*.pdf)")
            if not chosen:
                return None
            path = Path(chosen)
        try:
            job = s8_exports.build_register_report(
                self.services, product_id=register.product_id)
            written = exports.export_pdf(self.services, job, path, replace=True)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return None
        show_message(self.error, "")
        return written
