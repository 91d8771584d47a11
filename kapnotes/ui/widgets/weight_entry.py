"""A weight typed in kg or lb, explicitly, with the last recorded weight and its date beside it
and the weight-change warning of the clinical rules (docs/CLINICAL-RULES.md) as you type."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kapnotes.domain import dose_rules
from kapnotes.domain.dates import human_date
from kapnotes.domain.dosing_record import ClientWeight
from kapnotes.domain.errors import ValidationError
from kapnotes.ui.widgets.slot_style import MUTED_COLOURS, WARNING_COLOURS, style_sheet_colour


class WeightEntry(QWidget):
    """Number + unit; `warning_for(kg)` gives the rule's warning for a new weight ("" if none)."""

    def __init__(self, warning_for: Callable[[float], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.warning_for = warning_for
        self.edit = QLineEdit(self)
        self.edit.setAccessibleName("New weight")
        self.edit.setPlaceholderText("today's weight (optional)")
        self.unit = QComboBox(self)
        self.unit.addItems(list(dose_rules.WEIGHT_UNITS))
        self.unit.setAccessibleName("Weight unit")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Weight on record")
        self.last: ClientWeight | None = None
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.unit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        self.edit.textChanged.connect(self._update)
        self.unit.currentTextChanged.connect(self._update)
        self._update()

    def set_last(self, last: ClientWeight | None) -> None:
        self.last = last
        self._update()

    def entered(self) -> tuple[str, str] | None:
        """(typed value, unit), or None when nothing is typed."""
        text = self.edit.text().strip()
        return (text, self.unit.currentText()) if text else None

    def _update(self, *_args: object) -> None:
        on_record = (f"On record: {self.last.shown()}, {human_date(self.last.measured_on)}"
                     if self.last else "No weight on record")
        colour, message = MUTED_COLOURS, on_record
        typed = self.entered()
        if typed is not None:
            try:
                kg = dose_rules.weight_to_kg(*typed)
            except ValidationError as exc:
                colour, message = WARNING_COLOURS, f"{on_record}. Weight {exc.reason}"
            else:
                warning = self.warning_for(kg)
                shown = f" = {kg:g} kg" if typed[1] == "lb" else ""
                colour = WARNING_COLOURS if warning else MUTED_COLOURS
                message = warning or f"{on_record}. New: {typed[0]} {typed[1]}{shown}"
        self.hint.setText(message)
        self.hint.setStyleSheet(f"color: {style_sheet_colour(colour)};")
