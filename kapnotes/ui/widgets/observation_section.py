"""During the session: sedation (MOAA/S) and dissociation observations stamped now, and the
adverse-effects checklist with severity. Each change is stored at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.monitoring import MOAAS_LABELS, AdverseEffect, Intensity
from kapnotes.services.monitoring import MonitoringService
from kapnotes.ui.widgets.monitoring_style import error_label, fit_table_height, show_message

OBS_COLUMNS = ("Time", "Min", "MOAA/S", "Dissociation", "CADSS", "Note")
SEVERITIES = (Intensity.MILD, Intensity.MODERATE, Intensity.SEVERE)


class ObservationLog(QWidget):
    """Add a sedation/dissociation observation stamped now; the list below."""

    added = Signal(int)

    def __init__(self, monitoring: MonitoringService, session_id: int,
                 clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitoring = monitoring
        self.session_id = session_id
        self.clock = clock
        self.moaas = QComboBox(self)
        self.moaas.setAccessibleName("MOAA/S")
        for score in sorted(MOAAS_LABELS, reverse=True):
            self.moaas.addItem(f"{score} – {MOAAS_LABELS[score]}", score)
        self.moaas.setMinimumContentsLength(36)
        self.moaas.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.dissociation = QComboBox(self)
        self.dissociation.setAccessibleName("Dissociation")
        for level in Intensity:
            self.dissociation.addItem(f"Dissociation: {level.value}", level.value)
        self.cadss = QSpinBox(self)
        self.cadss.setAccessibleName("CADSS total")
        self.cadss.setRange(-1, 92)
        self.cadss.setSpecialValueText("CADSS —")
        self.cadss.setValue(-1)
        self.note = QLineEdit(self)
        self.note.setAccessibleName("Observation note")
        self.note.setPlaceholderText("What you observed (optional)")
        self.note.returnPressed.connect(self.add_now)
        self.add_button = QPushButton("Add observation now", self)
        self.add_button.setAccessibleName("Add observation now")
        self.add_button.clicked.connect(self.add_now)
        self.error = error_label(self, "Observation error")
        row = QHBoxLayout()
        for w in (self.moaas, self.dissociation, self.cadss):
            row.addWidget(w)
        row.addWidget(self.note, 1)
        row.addWidget(self.add_button)
        self.table = QTableWidget(0, len(OBS_COLUMNS), self)
        self.table.setAccessibleName("Observations")
        self.table.setHorizontalHeaderLabels(OBS_COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for col in range(len(OBS_COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(OBS_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.table)
        self.reload()

    def add_now(self) -> None:
        cadss = self.cadss.value()
        try:
            stored = self.monitoring.add_observation(
                self.session_id, moaas=int(self.moaas.currentData()),
                dissociation=self.dissociation.currentData(),
                cadss_total=None if cadss < 0 else cadss, note=self.note.text(), at=self.clock())
        except (ValidationError, ConflictError) as exc:
            show_message(self.error, getattr(exc, "reason", str(exc)))
            return
        show_message(self.error, "")
        self.note.clear()
        self.cadss.setValue(-1)
        self.reload()
        self.added.emit(stored.id)

    def reload(self) -> None:
        items = self.monitoring.observations(self.session_id)
        first = self.monitoring.first_device_at(self.session_id)
        self.table.setRowCount(len(items))
        for row, stored in enumerate(items):
            o = stored.observation
            minute = "" if first is None else str(
                int((o.observed_at - first).total_seconds() // 60))
            cells = (f"{o.observed_at:%H:%M}", minute, str(o.moaas), o.dissociation.value,
                     "" if o.cadss_total is None else str(o.cadss_total), o.note)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 2:
                    item.setToolTip(MOAAS_LABELS[o.moaas])
                self.table.setItem(row, col, item)
        fit_table_height(self.table, min_rows=2, max_rows=6)

    def set_editable(self, editable: bool) -> None:
        for w in (self.moaas, self.dissociation, self.cadss, self.note, self.add_button):
            w.setEnabled(editable)


class AdverseEffectsChecklist(QWidget):
    """One row per effect: tick, severity, note, serious (for adverse-event reporting)."""

    changed = Signal()

    def __init__(self, monitoring: MonitoringService, session_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitoring = monitoring
        self.session_id = session_id
        self.rows: dict[AdverseEffect, tuple[QCheckBox, QComboBox, QLineEdit, QCheckBox]] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        # Two columns of effects keep the checklist short enough to see whole at 1366×768.
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(6, 1)
        grid.setColumnMinimumWidth(4, 0)
        for n, effect in enumerate(AdverseEffect):
            tick = QCheckBox(effect.label, self)
            tick.setAccessibleName(f"Adverse effect: {effect.label}")
            severity = QComboBox(self)
            severity.setAccessibleName(f"{effect.label} severity")
            for level in SEVERITIES:
                severity.addItem(level.value.capitalize(), level.value)
            note = QLineEdit(self)
            note.setAccessibleName(f"{effect.label} note")
            note.setPlaceholderText("describe" if effect is AdverseEffect.OTHER else "note")
            serious = QCheckBox("serious", self)
            serious.setAccessibleName(f"{effect.label} serious")
            self.rows[effect] = (tick, severity, note, serious)
            for col, w in enumerate((tick, severity, note, serious)):
                grid.addWidget(w, n // 2, (n % 2) * 4 + col)
            tick.toggled.connect(lambda _on, e=effect: self._store(e))
            severity.activated.connect(lambda _i, e=effect: self._store(e, only_if_ticked=True))
            note.editingFinished.connect(lambda e=effect: self._store(e, only_if_ticked=True))
            serious.toggled.connect(lambda _on, e=effect: self._store(e, only_if_ticked=True))
        self.error = error_label(self, "Adverse effect error")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        self._loading = False
        self.reload()

    def _store(self, effect: AdverseEffect, *, only_if_ticked: bool = False) -> None:
        if self._loading:
            return
        tick, severity, note, serious = self.rows[effect]
        if only_if_ticked and not tick.isChecked():
            return
        level = severity.currentData() if tick.isChecked() else None
        try:
            self.monitoring.set_adverse_effect(self.session_id, effect, level, note=note.text(),
                                               serious=serious.isChecked())
        except (ValidationError, ConflictError) as exc:
            show_message(self.error, f"{effect.label}: {getattr(exc, 'reason', str(exc))}")
            self._loading = True
            tick.setChecked(False)  # the tick shows what is stored, not what was refused
            self._loading = False
            note.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        show_message(self.error, "")
        self.changed.emit()

    def reload(self) -> None:
        stored = {e.entry.effect: e.entry for e in self.monitoring.adverse_effects(self.session_id)}
        self._loading = True
        for effect, (tick, severity, note, serious) in self.rows.items():
            entry = stored.get(effect)
            tick.setChecked(entry is not None)
            if entry is not None:
                severity.setCurrentIndex(severity.findData(entry.severity.value))
                note.setText(entry.note)
                serious.setChecked(entry.serious)
        self._loading = False

    def set_editable(self, editable: bool) -> None:
        for widgets in self.rows.values():
            for w in widgets:
                w.setEnabled(editable)
