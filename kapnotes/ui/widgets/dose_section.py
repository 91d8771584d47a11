"""Medication, route and dose of a dosing session, with live mg/kg, and the device times.

Every edit is stored as soon as it is finished (focus leaves, Enter, a choice made) through
`MonitoringService.update_record`; a refusal is shown under the section, naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain import dosing
from kapnotes.domain.dosing_record import DosingDetails, Medication, Route
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.services.monitoring import MonitoringService
from kapnotes.ui.widgets.monitoring_style import error_label, muted, show_message

_LABELS = {"dose_mg": "Dose", "weight_kg": "Weight", "medication": "Medication",
           "route": "Route", "lot_number": "Lot number", "setting": "Setting",
           "monitoring_clinician": "Monitoring clinician", "device_times": "Device times"}


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class DoseSection(QWidget):
    """The dose part of the record; `saved` after each stored change, `devices_changed`
    after a device time is added or removed (the clock starts from the first)."""

    saved = Signal()
    devices_changed = Signal()

    def __init__(self, monitoring: MonitoringService, session_id: int,
                 clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitoring = monitoring
        self.session_id = session_id
        self.clock = clock
        form = QGridLayout()
        self.medication = QComboBox(self)
        self.medication.addItem("—", None)
        for m in Medication:
            self.medication.addItem(m.label, m.value)
        self.route = QComboBox(self)
        self.route.addItem("—", None)
        for r in Route:
            self.route.addItem(r.label, r.value)
        self.dose = QLineEdit(self)
        self.dose.setPlaceholderText("mg")
        self.weight = QLineEdit(self)
        self.weight.setPlaceholderText("kg (IV/IM)")
        self.arithmetic = muted(QLabel(self))
        self.arithmetic.setWordWrap(True)
        self.lot = QLineEdit(self)
        self.clinician = QLineEdit(self)
        self.setting = QLineEdit(self)
        self.setting.setPlaceholderText("e.g. clinic room 2, reclined chair, eyeshade, music")
        self.text_edits = {"lot_number": self.lot, "monitoring_clinician": self.clinician,
                           "setting": self.setting}
        # Two label/field pairs per row keep the section short, so the vitals log below
        # stays in view at 1366×768.
        pairs = (("Medication", self.medication), ("Route", self.route),
                 ("Dose (mg)", self.dose), ("Weight (kg)", self.weight),
                 ("Lot number", self.lot), ("Monitoring clinician", self.clinician))
        for n, (name, widget) in enumerate(pairs):
            widget.setAccessibleName(name)
            row, col = divmod(n, 2)
            row += 1 if row >= 2 else 0  # leave row 2 for the mg/kg line under dose/weight
            form.addWidget(QLabel(name, self), row, col * 2)
            form.addWidget(widget, row, col * 2 + 1)
        form.addWidget(self.arithmetic, 2, 1, 1, 3)
        self.setting.setAccessibleName("Setting")
        form.addWidget(QLabel("Setting", self), 4, 0)
        form.addWidget(self.setting, 4, 1, 1, 3)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)

        self.device_button = QPushButton("Device given now", self)
        self.device_button.setAccessibleName("Device given now")
        self.device_button.clicked.connect(self.device_now)
        self.undo_device = QPushButton("Remove last time", self)
        self.undo_device.setAccessibleName("Remove last device time")
        self.undo_device.clicked.connect(self.remove_last_device)
        self.device_list = QLabel(self)
        self.device_list.setAccessibleName("Device times")
        self.device_list.setWordWrap(True)
        self.device_note = muted(QLabel(self))
        self.device_note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.device_button)
        row.addWidget(self.undo_device)
        row.addWidget(self.device_list, 1)
        self.error = error_label(self, "Dose error")
        self._build_gate_override()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.device_note)
        layout.addWidget(self.error)
        layout.addWidget(self.gate_box)

        self.medication.activated.connect(self._medication_chosen)
        self.route.activated.connect(lambda _i: self.save({"route": self.route.currentData()}))
        self.dose.editingFinished.connect(lambda: self.save({"dose_mg": self.dose.text()}))
        self.weight.editingFinished.connect(lambda: self.save({"weight_kg": self.weight.text()}))
        self.dose.textEdited.connect(self._show_arithmetic)
        self.weight.textEdited.connect(self._show_arithmetic)
        for name, edit in self.text_edits.items():
            edit.editingFinished.connect(lambda n=name, e=edit: self._save_text(n, e))
        self.reload()

    # -- storing -------------------------------------------------------------------------------
    def _medication_chosen(self, _index: int) -> None:
        changes: dict[str, object] = {"medication": self.medication.currentData()}
        # Esketamine is a nasal spray: fill the route rather than make it a second choice.
        if changes["medication"] == Medication.ESKETAMINE and self.route.currentData() is None:
            changes["route"] = Route.INTRANASAL.value
        self.save(changes)

    def _save_text(self, name: str, edit: QLineEdit) -> None:
        if edit.isModified():
            self.save({name: edit.text()})
            edit.setModified(False)

    def save(self, changes: dict[str, object]) -> bool:
        try:
            details = self.monitoring.update_record(self.session_id, changes)
        except (ValidationError, ConflictError) as exc:
            field = getattr(exc, "field", "")
            label = _LABELS.get(field, field)
            reason = getattr(exc, "reason", str(exc))
            show_message(self.error, f"{label}: {reason}" if label else reason)
            return False
        show_message(self.error, "")
        self._show(details)
        self.saved.emit()
        return True

    def _build_gate_override(self) -> None:
        """Shown when the dose is refused for a missing screen or pre-dose BP: a named
        clinician may still record it, with the reason (kept with the record)."""
        self.gate_box = QWidget(self)
        self.gate_reason = QLineEdit(self.gate_box)
        self.gate_reason.setAccessibleName("Reason to dose without screen or pre-dose BP")
        self.gate_reason.setPlaceholderText("Reason for recording the dose without them")
        self.gate_by = QLineEdit(self.gate_box)
        self.gate_by.setAccessibleName("Clinician overriding")
        self.gate_by.setPlaceholderText("Clinician (name)")
        self.gate_button = QPushButton("Record the dose with this reason", self.gate_box)
        self.gate_button.setAccessibleName("Record the dose with this reason")
        self.gate_button.clicked.connect(self.device_with_override)
        row = QHBoxLayout(self.gate_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.gate_reason, 3)
        row.addWidget(self.gate_by, 1)
        row.addWidget(self.gate_button)
        self.gate_box.hide()

    def device_now(self) -> None:
        self._add_device()

    def device_with_override(self) -> None:
        self._add_device(override_reason=self.gate_reason.text(),
                         override_by=self.gate_by.text())

    def _add_device(self, **override: str) -> None:
        try:
            warnings = self.monitoring.add_device(self.session_id, at=self.clock(), **override)
        except (ValidationError, ConflictError) as exc:
            show_message(self.error, getattr(exc, "reason", str(exc)))
            if getattr(exc, "field", "") == "dose":
                if not self.gate_by.text():
                    self.gate_by.setText(self.clinician.text())
                self.gate_box.show()
                self.gate_reason.setFocus()
            return
        show_message(self.error, "")
        self.gate_box.hide()
        self.gate_reason.clear()
        self._show_devices(warnings)
        self.devices_changed.emit()

    def remove_last_device(self) -> None:
        devices = self.monitoring.devices(self.session_id)
        if devices:
            self.monitoring.remove_device(self.session_id, devices[-1].id)
            self._show_devices(())
            self.devices_changed.emit()

    # -- display -------------------------------------------------------------------------------
    def reload(self) -> None:
        self._show(self.monitoring.details(self.session_id))
        self._show_devices(())

    def _show(self, d: DosingDetails) -> None:
        self.medication.setCurrentIndex(max(0, self.medication.findData(
            d.medication.value if d.medication else None)))
        self.route.setCurrentIndex(max(0, self.route.findData(d.route.value if d.route else None)))
        self.dose.setText(_number(d.dose_mg))
        self.weight.setText(_number(d.weight_kg))
        for name, edit in self.text_edits.items():
            if not edit.isModified():  # typed, not yet stored: keep what is typed
                edit.setText(getattr(d, name))
        self._show_arithmetic()
        self.device_button.setText("Device given now" if d.route in (None, Route.INTRANASAL)
                                   else "Dose given now")

    def _show_arithmetic(self, *_args: object) -> None:
        """mg/kg as typed (before it is stored), and the usual IV dose for the weight."""
        route = self.route.currentData()
        weight = _parse(self.weight.text())
        dose = _parse(self.dose.text())
        parts = []
        try:
            if weight is not None and dose is not None:
                parts.append(f"{dosing.dose_mg_per_kg(dose, weight):.2f} mg/kg")
            if weight is not None:
                usual = dosing.usual_iv_dose_mg(weight)
                parts.append(f"usual IV dose 0.5 mg/kg = {usual:g} mg")
        except ValidationError:
            parts = []
        if self.medication.currentData() == Medication.ESKETAMINE and dose is not None:
            try:
                count = dosing.esketamine_device_count(int(dose))
                parts.append(f"{count} × 28 mg device{'s' if count > 1 else ''}")
            except ValidationError:
                parts.append("esketamine doses are 28, 56 or 84 mg")
        elif route in (Route.IV.value, Route.IM.value) and weight is None:
            parts.append("enter the weight for mg/kg")
        self.arithmetic.setText(" · ".join(parts))
        self.arithmetic.setVisible(bool(parts))

    def _show_devices(self, warnings: tuple[str, ...]) -> None:
        devices = self.monitoring.devices(self.session_id)
        self.device_list.setText("   ".join(
            f"#{n} {d.given_at:%H:%M}" for n, d in enumerate(devices, 1)) or "None yet")
        self.undo_device.setVisible(bool(devices))
        show_message(self.device_note, " ".join(warnings))

    def set_editable(self, editable: bool) -> None:
        for w in (self.medication, self.route, self.dose, self.weight, *self.text_edits.values(),
                  self.device_button, self.undo_device, self.gate_reason, self.gate_by,
                  self.gate_button):
            w.setEnabled(editable)


def _parse(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value == value else None
