"""Medication, route and dose of a dosing session, with live mg/kg, and the device times.

Every edit is stored as soon as it is finished (focus leaves, Enter, a choice made) through
`MonitoringService.update_record`; a refusal is shown under the section, naming the field.
The clinical rules (docs/CLINICAL-RULES.md) speak here: the hint fits the drug and route, a
dose above the warn level shows a warning (not a grey hint), and one above the override level
opens a reason row; the change is stored only with the reason.
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

from kapnotes.domain import dose_rules, dosing
from kapnotes.domain.clinical_rules import Severity
from kapnotes.domain.dosing_record import DosingDetails, Medication, Route
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.services.clinician import clinician_name
from kapnotes.services.dose_checks import OverrideNeeded
from kapnotes.services.monitoring import MonitoringService
from kapnotes.ui.widgets.dose_extras import (
    InfusionAndBoosters,
    OverrideRow,
    overrides_label,
    overrides_text,
)
from kapnotes.ui.widgets.monitoring_style import (
    CAUTION,
    CAUTION_BG,
    banner_style,
    error_label,
    muted,
    show_message,
)

_LABELS = {"dose_mg": "Dose", "weight_kg": "Weight", "medication": "Medication",
           "route": "Route", "lot_number": "Lot number", "setting": "Setting",
           "monitoring_clinician": "Monitoring clinician", "device_times": "Device times",
           "weight": "Weight", "Weight": "Weight"}


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
        self._pending: dict[str, object] = {}  # a change waiting for its written reason
        self._build_fields()
        form = self._build_form()
        devices = self._build_devices()
        self.error = error_label(self, "Dose error")
        self._lay_out(form, devices)
        self._wire()
        self.reload()

    # -- building ------------------------------------------------------------------------------
    def _build_fields(self) -> None:
        """Medication, route, dose and weight with the guidance under them, lot, clinician,
        setting, and the infusion/booster extras."""
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
        self.weight.setPlaceholderText("IV/IM")
        self.weight_unit = QComboBox(self)
        self.weight_unit.addItems(list(dose_rules.WEIGHT_UNITS))
        self.weight_unit.setAccessibleName("Weight unit")
        self.weight_box = QWidget(self)
        unit_row = QHBoxLayout(self.weight_box)
        unit_row.setContentsMargins(0, 0, 0, 0)
        unit_row.addWidget(self.weight, 1)
        unit_row.addWidget(self.weight_unit)
        self.arithmetic = muted(QLabel(self))
        self.arithmetic.setWordWrap(True)
        self.arithmetic.setAccessibleName("Dose guidance")
        self.rule_warning = QLabel(self)
        self.rule_warning.setWordWrap(True)
        self.rule_warning.setAccessibleName("Dose warning")
        self.rule_warning.setStyleSheet(banner_style(CAUTION, CAUTION_BG))
        self.rule_warning.hide()
        self.override = OverrideRow(self)
        self.override.submitted.connect(self._save_with_reason)
        self.override.cancelled.connect(self.reload_values)
        self.extras = InfusionAndBoosters(self.monitoring, self.session_id, self.clock, self)
        self.overrides = overrides_label(self)
        self.lot = QLineEdit(self)
        self.clinician = QLineEdit(self)
        self.clinician.setPlaceholderText(clinician_name(self.monitoring.vault)
                                          or "Who monitors")
        self.setting = QLineEdit(self)
        self.setting.setPlaceholderText("e.g. clinic room 2, reclined chair, eyeshade, music")
        self.text_edits = {"lot_number": self.lot, "monitoring_clinician": self.clinician,
                           "setting": self.setting}

    def _build_form(self) -> QGridLayout:
        form = QGridLayout()
        # Two label/field pairs per row keep the section short, so the vitals log below
        # stays in view at 1366×768.
        pairs = (("Medication", self.medication), ("Route", self.route),
                 ("Dose (mg)", self.dose), ("Weight", self.weight_box),
                 ("Lot number", self.lot), ("Monitoring clinician", self.clinician))
        self.weight.setAccessibleName("Weight")
        for n, (name, widget) in enumerate(pairs):
            if widget is not self.weight_box:
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
        return form

    def _build_devices(self) -> QHBoxLayout:
        """"Device given now", undo, and the times given so far."""
        self.device_button = QPushButton("Device given now", self)
        self.device_button.setAccessibleName("Device given now")
        self.device_button.clicked.connect(lambda: self.device_now())
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
        return row

    def _lay_out(self, form: QGridLayout, devices: QHBoxLayout) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.rule_warning)
        layout.addWidget(self.override)
        layout.addLayout(devices)
        layout.addWidget(self.device_note)
        layout.addWidget(self.extras)
        layout.addWidget(self.overrides)
        layout.addWidget(self.error)

    def _wire(self) -> None:
        """Each field stores itself when its edit is finished."""
        self.medication.activated.connect(self._medication_chosen)
        self.route.activated.connect(lambda _i: self.save({"route": self.route.currentData()}))
        self.dose.editingFinished.connect(lambda: self.save({"dose_mg": self.dose.text()}))
        self.weight.editingFinished.connect(self._save_weight)
        self.weight_unit.activated.connect(lambda _i: self._save_weight(unit_chosen=True))
        self.extras.changed.connect(self.saved.emit)
        self.dose.textEdited.connect(self._show_arithmetic)
        self.weight.textEdited.connect(self._show_arithmetic)
        for name, edit in self.text_edits.items():
            edit.editingFinished.connect(lambda n=name, e=edit: self._save_text(n, e))

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

    def _by(self) -> str:
        # Left empty, the record is the vault's clinician's (kapnotes/services/clinician.py).
        return self.clinician.text().strip() or clinician_name(self.monitoring.vault)

    def save(self, changes: dict[str, object], reason: str = "") -> bool:
        if not self.clinician.text().strip() and self._by():  # the first entry names them
            changes = {"monitoring_clinician": self._by(), **changes}
        try:
            details = self.monitoring.update_record(self.session_id, changes, reason=reason,
                                                    by=self._by())
        except OverrideNeeded as exc:
            return self._needs_reason(changes, exc)
        except (ValidationError, ConflictError) as exc:
            return self._refused(exc)
        self._stored(details)
        return True

    def _save_weight(self, reason: str = "", *, unit_chosen: bool = False) -> bool:
        text = self.weight.text().strip()
        if not text:
            return True  # an empty box stores nothing; the weight stays on the client record
        unit = self.weight_unit.currentText()
        # The stored weight is in kg: the same number with lb chosen afterwards means the
        # number was pounds (typed, Tab, then "lb"), so it is stored again, converted.
        relabelled = unit_chosen and unit != "kg"
        if self._stored_weight_text() == text and not reason and not relabelled:
            return True  # focus left without a change
        try:
            details, warning = self.monitoring.set_weight(self.session_id, text, unit,
                                                          reason=reason, by=self._by())
        except OverrideNeeded as exc:
            return self._needs_reason({"weight": (text, unit)}, exc)
        except (ValidationError, ConflictError) as exc:
            return self._refused(exc)
        self.weight_unit.setCurrentText("kg")  # stored and shown in kg from now on
        self._stored(details, warning)
        return True

    def _needs_reason(self, changes: dict[str, object], exc: OverrideNeeded) -> bool:
        self._pending = dict(changes)
        show_message(self.error, "")
        self.override.open_row(exc.reason)
        return False

    def _refused(self, exc: ValidationError | ConflictError) -> bool:
        field = getattr(exc, "field", "")
        label = _LABELS.get(field, field)
        reason = getattr(exc, "reason", str(exc))
        show_message(self.error, f"{label}: {reason}" if label else reason)
        self.reload_values()
        return False

    def _stored(self, details: DosingDetails, extra_warning: str = "") -> None:
        show_message(self.error, "")
        self.override.close_row()
        self._pending = {}
        self._show(details, extra_warning)
        self.saved.emit()

    def _save_with_reason(self, reason: str) -> None:
        pending = self._pending
        if "device" in pending:
            self.device_now(reason)
        elif isinstance(weight := pending.get("weight"), tuple):  # (typed text, unit)
            text, unit = weight
            self.weight.setText(str(text))
            self.weight_unit.setCurrentText(str(unit))
            self._save_weight(reason)
        elif pending:
            self.save(pending, reason)

    def device_now(self, reason: str = "") -> None:
        """The dose given now; with no screen or pre-dose BP yet, the reason row opens and
        the dose is recorded only with a written reason and the monitoring clinician."""
        try:
            warnings = self.monitoring.add_device(self.session_id, at=self.clock(),
                                                  reason=reason, by=self._by())
        except OverrideNeeded as exc:
            self._needs_reason({"device": True}, exc)
            return
        except (ValidationError, ConflictError) as exc:
            show_message(self.error, str(exc) if getattr(exc, "field", "") == "Clinician "
                         "giving the reason" else getattr(exc, "reason", str(exc)))
            return
        self.override.close_row()
        self._pending = {}
        show_message(self.error, "")
        show_message(self.overrides, overrides_text(self.monitoring, self.session_id))
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

    def reload_values(self) -> None:
        """Back to what is stored: a refused value must not look saved."""
        self.override.close_row()
        self._pending = {}
        self._show(self.monitoring.details(self.session_id))

    def _stored_weight_text(self) -> str:
        return _number(self.monitoring.details(self.session_id).weight_kg)

    def _show(self, d: DosingDetails, extra_warning: str = "") -> None:
        self.medication.setCurrentIndex(max(0, self.medication.findData(
            d.medication.value if d.medication else None)))
        self.route.setCurrentIndex(max(0, self.route.findData(d.route.value if d.route else None)))
        self.dose.setText(_number(d.dose_mg))
        self.weight.setText(_number(d.weight_kg))
        self.weight_unit.setCurrentText("kg")
        for name, edit in self.text_edits.items():
            if not edit.isModified():  # typed, not yet stored: keep what is typed
                edit.setText(getattr(d, name))
        self._show_arithmetic()
        warnings = [f.message for f in self.monitoring.dose_findings(self.session_id)
                    if f.severity is Severity.WARN]
        if extra_warning and extra_warning not in warnings:
            warnings.append(extra_warning)
        show_message(self.rule_warning, " ".join(warnings))
        self.device_button.setText({None: "Device given now", Route.INTRANASAL: "Device given now",
                                    Route.IV: "Infusion started now"}.get(d.route,
                                                                         "Dose given now"))
        self.device_button.setAccessibleName(self.device_button.text())
        self.extras.refresh()
        show_message(self.overrides, overrides_text(self.monitoring, self.session_id))

    def _show_arithmetic(self, *_args: object) -> None:
        """mg/kg as typed (before it is stored), and the guidance for this drug and route."""
        route = self.route.currentData()
        medication = self.medication.currentData()
        weight = _parse(self.weight.text())
        if weight is not None and self.weight_unit.currentText() == "lb":
            weight = weight * dose_rules.KG_PER_LB
        dose = _parse(self.dose.text())
        parts = []
        weight_based = route in (Route.IV.value, Route.IM.value)
        try:
            if weight_based and weight is not None and dose is not None:
                parts.append(f"{dosing.dose_mg_per_kg(dose, weight):.2f} mg/kg")
            if weight is not None:
                dosing.check_weight_kg(weight)
        except ValidationError:
            parts, weight = [], None
        hint = dose_rules.dose_hint(self.monitoring.doses.rules(),
                                    Medication(medication) if medication else None,
                                    Route(route) if route else None,
                                    round(weight, 1) if weight_based and weight else None)
        if hint:
            parts.append(hint)
        if medication == Medication.ESKETAMINE and dose is not None:
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
        self.extras.refresh()  # the first dose time is the infusion's start
        devices = self.monitoring.devices(self.session_id)
        self.device_list.setText("   ".join(
            f"#{n} {d.given_at:%H:%M}" for n, d in enumerate(devices, 1)) or "None yet")
        self.undo_device.setVisible(bool(devices))
        show_message(self.device_note, " ".join(warnings))

    def set_editable(self, editable: bool) -> None:
        for w in (self.medication, self.route, self.dose, self.weight, self.weight_unit,
                  *self.text_edits.values(), self.device_button, self.undo_device):
            w.setEnabled(editable)
        self.extras.set_editable(editable)
        self.override.setEnabled(editable)
        if not editable:
            self.override.close_row()


def _parse(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value == value else None
