"""The course dialog's protocol fields: one spin box per interval the chosen protocol's file
asks for, with the file's label, range and default (docs/PROTOCOLS.md), and what the file says
about the protocol (its source and monitoring requirements) for the plan preview."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QSpinBox, QWidget

from kapnotes.domain.models import Course
from kapnotes.domain.protocol_model import STORED_PARAMETERS, ProtocolDef
from kapnotes.ui.widgets.slot_style import MUTED_COLOURS, style_sheet_colour

# The name a ValidationError gives each stored interval (kapnotes/services/courses.py), so a
# refused value puts focus on its spin box.
ERROR_NAMES = {"maintenance_interval_weeks": "Maintenance interval",
               "dose_interval_weeks": "Dosing interval"}


class ProtocolFields(QObject):
    """Spin boxes for the stored intervals; only those the protocol asks for are shown."""

    changed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.protocol: ProtocolDef | None = None
        self.labels: dict[str, QLabel] = {}
        self.spins: dict[str, QSpinBox] = {}
        for name in STORED_PARAMETERS:
            label = QLabel(parent)
            spin = QSpinBox(parent)
            spin.setPrefix("every ")
            spin.setSuffix(" week(s) apart")
            spin.setAccessibleName(ERROR_NAMES[name] + " in weeks")
            spin.valueChanged.connect(self.changed)
            label.setBuddy(spin)
            self.labels[name], self.spins[name] = label, spin
        # Where the schedule comes from and the monitoring it asks for, from the file.
        self.about_label = QLabel(parent)
        self.about_label.setWordWrap(True)
        self.about_label.setAccessibleName("About the protocol")
        self.about_label.setStyleSheet(f"color: {style_sheet_colour(MUTED_COLOURS)};")

    def add_rows(self, form: QFormLayout) -> None:
        for name in STORED_PARAMETERS:
            form.addRow(self.labels[name], self.spins[name])
        form.addRow("About:", self.about_label)

    def error_fields(self) -> dict[str, QWidget]:
        """Field names of ValidationErrors → the spin box to focus (both spellings)."""
        out: dict[str, QWidget] = {}
        for name, spin in self.spins.items():
            out[name] = out[ERROR_NAMES[name]] = spin
        return out

    def set_enabled(self, enabled: bool) -> None:
        for spin in self.spins.values():
            spin.setEnabled(enabled)

    def show_protocol(self, protocol: ProtocolDef, course: Course | None = None) -> None:
        """Show the intervals `protocol` asks for; an existing course shows its own values."""
        self.protocol = protocol
        for name in STORED_PARAMETERS:
            p = protocol.parameter(name)
            asked = p is not None and p.asked
            self.labels[name].setVisible(asked)
            self.spins[name].setVisible(asked)
            if p is None or not asked:
                continue
            spin = self.spins[name]
            spin.blockSignals(True)
            spin.setRange(p.min, p.max)
            value = getattr(course, name) if course is not None else p.default
            spin.setValue(value if value is not None else p.min)
            spin.blockSignals(False)
            self.labels[name].setText(p.label)
        self.about_label.setText("\n".join(self.info_lines()))
        self.changed.emit()

    def value(self, name: str, fallback: int) -> int:
        """A stored interval of a new course: as set when asked, else the protocol's default
        (`fallback`, the course's own default, where the protocol has no such interval)."""
        p = self.protocol.parameter(name) if self.protocol is not None else None
        if p is None:
            return fallback
        return self.spins[name].value() if p.asked else int(p.default or p.min)

    def applied_to(self, course: Course) -> Course:
        """`course` with the intervals the protocol fields give."""
        return dataclasses.replace(
            course,
            maintenance_interval_weeks=self.value("maintenance_interval_weeks",
                                                  course.maintenance_interval_weeks),
            dose_interval_weeks=self.value("dose_interval_weeks", course.dose_interval_weeks))

    def info_lines(self) -> list[str]:
        """Where the schedule comes from and what monitoring the protocol asks for."""
        p = self.protocol
        if p is None:
            return []
        lines = [f"Schedule from: {p.source.label}"]
        if p.monitoring:
            lines += ["Monitoring:", *(f"• {m}" for m in p.monitoring)]
        return lines
