"""Move a planned slot to another day, or skip it; either way the reason is required."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.dates import qt_date_format, schedule_date
from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.models import SlotRecord
from kapnotes.services.container import Services
from kapnotes.ui.widgets.form_errors import FieldErrors, error_label
from kapnotes.ui.widgets.qt_dates import from_qdate, to_qdate


class SlotAction(StrEnum):
    MOVE = "move"
    SKIP = "skip"


class SlotDialog(QDialog):
    """Emits `changed(slot_id)` after the move or skip is stored."""

    changed = Signal(int)

    def __init__(self, services: Services, slot: SlotRecord, action: SlotAction,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.slot = slot
        self.action = SlotAction(action)
        moving = self.action is SlotAction.MOVE
        what = f"{slot.kind.value} session planned for {schedule_date(slot.planned_date)}"
        self.setWindowTitle("Move planned session" if moving else "Skip planned session")
        intro = QLabel(("Move the " if moving else "Skip the ") + what
                       + (f" ({slot.label})." if slot.label else "."), self)
        intro.setWordWrap(True)

        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(qt_date_format())
        self.date_edit.setDate(to_qdate(slot.planned_date + timedelta(days=1)))
        self.date_edit.setAccessibleName("New date")
        # One line: the service stores the reason as a single line of text.
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setMaxLength(2000)
        self.reason_edit.setPlaceholderText(
            "e.g. client unwell; rebooked" if moving else "e.g. client on leave this week"
        )
        form = QFormLayout()
        if moving:
            form.addRow("&New date:", self.date_edit)
        else:
            self.date_edit.setVisible(False)
        form.addRow("&Reason (required):", self.reason_edit)

        self.error_label = error_label(self)
        self.errors = FieldErrors(self.error_label, {
            "New date": self.date_edit, "Reason": self.reason_edit,
        })
        buttons = QDialogButtonBox(self)
        self.ok_button = QPushButton("Move" if moving else "Skip session", self)
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(False)
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.ok_button.clicked.connect(self.apply)
        self.reason_edit.textChanged.connect(self._update_enabled)
        self.date_edit.dateChanged.connect(self._update_enabled)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        (self.date_edit if moving else self.reason_edit).setFocus()

    def _update_enabled(self) -> None:
        ok = bool(self.reason_edit.text().strip())
        if self.action is SlotAction.MOVE:
            ok = ok and from_qdate(self.date_edit.date()) != self.slot.planned_date
        self.ok_button.setEnabled(ok)

    def apply(self) -> None:
        self.errors.clear()
        reason = self.reason_edit.text()
        try:
            if self.action is SlotAction.MOVE:
                self.services.courses.move_slot(self.slot.id, from_qdate(self.date_edit.date()),
                                                reason)
            else:
                self.services.courses.skip_slot(self.slot.id, reason)
        except KapNotesError as exc:
            self.errors.show(exc)
            return
        self.changed.emit(self.slot.id)
        self.accept()
