"""Under the dose: the Schedule 8 register entry the dose calls for, with one click to record
it (docs/JURISDICTIONS.md, `s8_administration_recorded`). Hidden when no jurisdiction is
chosen or the record names no dose; once recorded it says so, with the register's balance.
A part discarded (the rest of an ampoule) needs a witness's name first.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.s8_proposal import Proposal
from kapnotes.services.changes import Changes
from kapnotes.services.clinician import clinician_name
from kapnotes.services.container import Services
from kapnotes.ui.change_signals import on_changes
from kapnotes.ui.widgets.monitoring_style import error_label, muted, show_message


class S8ProposalRow(QWidget):
    """`recorded` after the entry is stored."""

    recorded = Signal()

    def __init__(self, services: Services, session_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.s8 = services.s8
        self.session_id = session_id
        self.proposal: Proposal | None = None
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setObjectName("s8_proposal_text")
        self.text.setAccessibleName("Schedule 8 register entry")
        self.witness = QLineEdit(self)
        self.witness.setPlaceholderText("Witness to the discarded part")
        self.witness.setAccessibleName("Witness")
        self.record_button = QPushButton("Record in register", self)
        self.record_button.setObjectName("s8_record")
        self.record_button.clicked.connect(self.record)
        self.error = error_label(self, "Register entry error")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text, 1)
        row.addWidget(self.witness)
        row.addWidget(self.record_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.error)
        # A new dose, device or boosters changes the proposal; an entry made in the register
        # window (or a correction) changes whether it is recorded.
        on_changes(services, self, self._changed)
        self.reload()

    def _changed(self, changes: Changes) -> None:
        if changes.touches("monitoring", "registers", session_id=self.session_id):
            self.reload()

    def reload(self) -> None:
        self.proposal = self.s8.proposal(self.session_id)
        done = self.s8.administrations(self.session_id) if self.proposal else []
        self.setVisible(self.proposal is not None)
        if self.proposal is None:
            return
        if done:
            last = done[-1]
            muted(self.text).setText(
                f"Schedule 8 register: recorded (entry {last.id}, {last.quantity} "
                f"{self.proposal.product.unit}(s); balance after it {last.balance}).")
            self.witness.hide()
            self.record_button.hide()
            return
        self.text.setStyleSheet("")
        self.text.setText(f"Schedule 8 register: {self.proposal.shown()}. Not recorded yet.")
        self.witness.setVisible(bool(self.proposal.discarded_mg))
        self.record_button.show()

    def record(self) -> None:
        if self.proposal is None:
            return
        try:
            self.s8.record_proposal(self.proposal, witness=self.witness.text(),
                                    recorded_by=clinician_name(self.s8.vault)
                                    or self.s8.vault.actor.clinician)
        except KapNotesError as exc:
            show_message(self.error, exc.message)
            return
        show_message(self.error, "")
        self.reload()
        self.recorded.emit()
