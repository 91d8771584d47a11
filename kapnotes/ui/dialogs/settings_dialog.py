"""Settings: the practice's values (name, logo, idle lock, vitals thresholds, screen age, backup
retention) kept in the vault, and the clinician's name kept in the per-user UI settings.

What the practice policy fixes is shown read-only with "Set by your practice"; a practice
default is marked so the user knows where it came from. Only changed values are saved (an
untouched practice default keeps following the policy), all at once or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from PySide6.QtCore import QRectF, QSettings, Qt, Signal
from PySide6.QtGui import QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapnotes import rules as clinical_rules
from kapnotes.domain.clinical_rules import RuleSet
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.schedule_days import opening_days_text
from kapnotes.domain.text_rules import clean_text
from kapnotes.domain.vitals import VITALS_RANGES
from kapnotes.policy import MAX_PRACTICE_NAME, RETENTION_RANGE, SCREEN_AGE_RANGE
from kapnotes.policy import Source as PolicySource
from kapnotes.services import settings_service as ss
from kapnotes.services.clinician import LABEL as CLINICIAN_LABEL
from kapnotes.services.clinician import MAX_CLINICIAN_NAME, clinician_name
from kapnotes.services.lock_settings import idle_lock_bounds
from kapnotes.services.settings_save import save_settings
from kapnotes.ui.dialogs.clinician_profile import settings_row
from kapnotes.ui.widgets.error_line import error_label, show_error, with_subject
from kapnotes.ui.widgets.rules_view import PRACTICE, THIS_VAULT, RulesView, Tightened

CLINICIAN_KEY = "clinician_name"  # kept in the vault (kapnotes/services/clinician.py)
FIXED_NOTE = "Set by your practice"
DEFAULT_NOTE = "Practice default"
# threshold field → (label, which plausible range applies)
THRESHOLD_FIELDS = {
    "delay_systolic_above": ("Pre-dose caution: systolic above", "systolic"),
    "delay_diastolic_above": ("Pre-dose caution: diastolic above", "diastolic"),
    "alert_systolic_above": ("Alert: systolic at or above", "systolic"),
    "alert_diastolic_above": ("Alert: diastolic at or above", "diastolic"),
    "alert_spo2_below": ("Alert: SpO2 below", "spo2"),
    "delay_heart_rate_above": ("Pre-dose caution: heart rate above", "heart_rate"),
    "delay_heart_rate_below": ("Pre-dose caution: heart rate below", "heart_rate"),
    "alert_heart_rate_above": ("Alert: heart rate at or above", "heart_rate"),
    "alert_heart_rate_below": ("Alert: heart rate below", "heart_rate"),
}
# The discharge limits (rule discharge_limits): inclusive, the last reading must be within.
DISCHARGE_FIELDS = {
    "discharge_systolic_max": ("Discharge: systolic at most", "systolic"),
    "discharge_diastolic_max": ("Discharge: diastolic at most", "diastolic"),
    "discharge_spo2_min": ("Discharge: SpO2 at least", "spo2"),
    "discharge_heart_rate_max": ("Discharge: heart rate at most", "heart_rate"),
    "discharge_heart_rate_min": ("Discharge: heart rate at least", "heart_rate"),
}
ALL_THRESHOLDS = {**THRESHOLD_FIELDS, **DISCHARGE_FIELDS}


def _spin(parent: QWidget, name: str, low: int, high: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(low, high)
    box.setSuffix(suffix)
    box.setAccessibleName(name)
    box.setObjectName(name)
    return box


def _lock_pixmap(note_height: int) -> QPixmap:
    """A small padlock drawn in the text colour (no emoji font is needed on any system)."""
    size = max(12, note_height)
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QApplication.palette().color(QPalette.ColorRole.WindowText)
    pen = QPen(colour, max(1.5, size / 9))
    painter.setPen(pen)
    w = size * 0.5
    painter.drawArc(QRectF((size - w) / 2, size * 0.1, w, size * 0.6), 0, 180 * 16)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(QRectF(size * 0.18, size * 0.42, size * 0.64, size * 0.5), 2, 2)
    painter.end()
    return pixmap


class SettingsDialog(QDialog):
    """Edit the effective settings; emits `saved()` after everything was written."""

    saved = Signal()

    def __init__(self, service: ss.SettingsService, ui_settings: QSettings, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.ui_settings = ui_settings
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.notes: dict[str, list[QLabel]] = {}
        self.fixed: set[str] = set()
        self._rows: dict[str, list[QWidget]] = {}
        self._locks: dict[str, list[QLabel]] = {}

        self._build_fields()
        groups = self._build_groups()
        self.policy_label = QLabel(self)
        self.policy_label.setWordWrap(True)
        self.policy_label.setObjectName("policy_label")
        self.error_label = error_label(self)
        self.error_label.setObjectName("error_label")
        self._lay_out(groups, self._build_buttons())
        self._load()

    # -- building --------------------------------------------------------------------------
    def _build_fields(self) -> None:
        """One input per setting; vitals thresholds bounded by the rule set in force."""
        self.practice_name_edit = QLineEdit(self)
        self.practice_name_edit.setAccessibleName("Practice name")
        self.practice_name_edit.setMaxLength(MAX_PRACTICE_NAME)
        self.logo_edit = QLineEdit(self)
        self.logo_edit.setAccessibleName("Practice logo file")
        self.logo_edit.setPlaceholderText("PNG or JPEG file for PDF headers (optional)")
        self.logo_button = QPushButton("Choose…", self)
        self.logo_button.setAccessibleName("Choose practice logo file")
        self.logo_button.clicked.connect(self._choose_logo)
        bounds = idle_lock_bounds()
        self.idle_spin = _spin(self, "Idle-lock minutes", bounds.low, bounds.high, " min")
        self.idle_limit_label = QLabel(bounds.short, self)  # says why 99 is not offered
        self.idle_limit_label.setToolTip(bounds.text)
        self.idle_spin.setToolTip(bounds.text)
        self.idle_limit_label.setObjectName("idle_limit_label")
        self.idle_limit_label.setEnabled(False)  # drawn muted, like a hint
        self._build_threshold_spins()
        self.screen_age_spin = _spin(self, "Screen-age limit", *SCREEN_AGE_RANGE, " days")
        self.clinician_edit = QLineEdit(self)
        self.clinician_edit.setAccessibleName("Your name for signatures")
        self.clinician_edit.setMaxLength(MAX_CLINICIAN_NAME)
        self.clinician_edit.setPlaceholderText("Fills in signatures, screens and new sessions")
        self.daily_spin = _spin(self, "Daily backups kept", *RETENTION_RANGE["daily"])
        self.weekly_spin = _spin(self, "Weekly backups kept", *RETENTION_RANGE["weekly"])

    def _build_threshold_spins(self) -> None:
        self.threshold_spins = {
            name: _spin(self, label, VITALS_RANGES[vital][0], VITALS_RANGES[vital][1],
                        " " + VITALS_RANGES[vital][2])
            for name, (label, vital) in ALL_THRESHOLDS.items()
        }
        in_force = clinical_rules.current_rules()
        for name, spin in self.threshold_spins.items():
            # The rule set is the limit: a threshold may be made stricter, never looser.
            rule_id, key = clinical_rules.VITALS_FIELDS[name]
            limit = int(in_force.value(rule_id, key))
            stricter = in_force.rule(rule_id).thresholds[key].stricter
            if stricter == "lower":
                spin.setMaximum(limit)
            else:
                spin.setMinimum(limit)
            spin.setToolTip(f"Rule '{rule_id}': may be made stricter than {limit}, not looser.")
        self.rules_view = RulesView(in_force, self, tightened=self._vitals_tightened(in_force))

    def _build_groups(self) -> list[QGroupBox]:
        """Practice, workstation, dosing monitoring, discharge limits and you, in that order."""
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_edit, 1)
        logo_row.addWidget(self.logo_button)
        practice = self._group("Practice", [
            (ss.PRACTICE_NAME, "Practice name:", [self.practice_name_edit]),
            (ss.PRACTICE_LOGO, "Logo for PDFs:", [self.logo_edit, self.logo_button]),
        ], layouts={ss.PRACTICE_LOGO: logo_row})
        security = self._group("Workstation", [
            (ss.IDLE_LOCK, "Lock after idle:", [self.idle_spin, self.idle_limit_label]),
            (ss.RETENTION, "Daily backups kept:", [self.daily_spin]),
            (ss.RETENTION, "Weekly backups kept:", [self.weekly_spin]),
        ])
        monitoring = self._group("Dosing monitoring", [
            *[(ss.THRESHOLDS, f"{label}:", [self.threshold_spins[name]])
              for name, (label, _v) in THRESHOLD_FIELDS.items()],
            (ss.SCREEN_AGE, "Screen valid for:", [self.screen_age_spin]),
        ])
        discharge = self._group("Discharge limits", [
            (ss.THRESHOLDS, f"{label}:", [self.threshold_spins[name]])
            for name, (label, _v) in DISCHARGE_FIELDS.items()
        ])
        you = QGroupBox("You (kept in this vault)", self)
        you_form = QFormLayout(you)
        you_form.addRow("Your name for signatures:", self.clinician_edit)
        you_form.addRow(*settings_row(self, self.service.vault))
        return [practice, security, monitoring, discharge, you]

    def _build_buttons(self) -> QHBoxLayout:
        self.cancel_button = QPushButton("Cancel", self)
        self.save_button = QPushButton("Save", self)
        self.save_button.setDefault(True)
        for b in (self.cancel_button, self.save_button):
            b.setAccessibleName(b.text())
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        return buttons

    def _lay_out(self, groups: list[QGroupBox], buttons: QHBoxLayout) -> None:
        """The groups and the rules table in a scroll area (it fits 1366×768), then the error
        line and the buttons."""
        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        # The clinical-rules table sits under the thresholds it bounds, above "You".
        for part in (self.policy_label, *groups[:-1], self.rules_view, groups[-1]):
            body_layout.addWidget(part)
        scroll = QScrollArea(self)  # fits 1366×768 with the window's own margins
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
        self.resize(980, 680)  # the rules table's sources readable; fits 1366×768

    def _group(self, title: str, rows: Sequence[tuple[str, str, Sequence[QWidget]]], *,
               layouts: dict[str, QHBoxLayout] | None = None) -> QGroupBox:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label, widgets in rows:
            line = QHBoxLayout()
            inner = (layouts or {}).get(key)
            if inner is not None:
                line.addLayout(inner, 1)
            else:
                for w in widgets:
                    line.addWidget(w, 1 if isinstance(w, QLineEdit) else 0)
                if not any(isinstance(w, QLineEdit) for w in widgets):
                    line.addStretch(1)
            lock = QLabel(box)
            lock.setPixmap(_lock_pixmap(note_height=self.fontMetrics().height()))
            lock.setObjectName(f"lock_{key}")
            lock.setAccessibleName("Locked")
            lock.hide()
            line.addWidget(lock)
            self._locks.setdefault(key, []).append(lock)
            note = QLabel(box)
            note.setObjectName(f"note_{key}")
            line.addWidget(note)
            self.notes.setdefault(key, []).append(note)
            self._rows.setdefault(key, []).extend(widgets)
            form.addRow(label, line)
        return box

    def _load(self) -> None:
        svc = self.service
        self.practice_name_edit.setText(svc.practice_name())
        logo = svc.practice_logo()
        self.logo_edit.setText(str(logo) if logo else "")
        self.idle_spin.setValue(svc.idle_lock_minutes())
        self.thresholds = svc.vitals_thresholds()
        for name, spin in self.threshold_spins.items():
            spin.setValue(getattr(self.thresholds, name))
        self.screen_age_spin.setValue(svc.screen_max_age_days())
        retention = svc.backup_retention()
        self.daily_spin.setValue(retention.daily)
        self.weekly_spin.setValue(retention.weekly)
        self.clinician_edit.setText(clinician_name(svc.vault))
        for key in ss.VAULT_KEYS:
            self._mark(key, svc.effective(key).source)
        self.initial = self._values()
        self._describe_policy()

    def _vitals_tightened(self, in_force: RuleSet) -> Tightened:
        """Vitals thresholds applied stricter than their rule, and who made them so."""
        effective = self.service.effective(ss.THRESHOLDS)
        by = THIS_VAULT if effective.source is PolicySource.USER else PRACTICE
        found: Tightened = {}
        for name, (rule_id, key) in clinical_rules.VITALS_FIELDS.items():
            value = getattr(effective.value, name)
            if value != in_force.value(rule_id, key):
                found[(rule_id, key)] = (value, by)
        return found

    def _mark(self, key: str, source: PolicySource) -> None:
        text, spoken = {
            PolicySource.PRACTICE_FIXED: (FIXED_NOTE, "Set by your practice"),
            PolicySource.PRACTICE_DEFAULT: (DEFAULT_NOTE, "Practice default, you may change it"),
        }.get(source, ("", ""))
        for note in self.notes[key]:
            note.setText(text)
            note.setAccessibleName(spoken)
        for lock in self._locks[key]:
            lock.setVisible(source is PolicySource.PRACTICE_FIXED)
        if source is PolicySource.PRACTICE_FIXED:
            self.fixed.add(key)
            for w in self._rows[key]:
                if isinstance(w, QLineEdit | QSpinBox):
                    w.setReadOnly(True)
                    w.setToolTip("Set by your practice; ask whoever manages this computer.")
                elif isinstance(w, QPushButton):
                    w.setEnabled(False)

    def _describe_policy(self) -> None:
        policy = self.service.policy()
        lines = []
        if policy.path is not None:
            lines.append(f"Practice policy: {policy.path}")
        folder = self.service.effective(ss.DEFAULT_VAULT_FOLDER)
        if folder.value:
            how = "set by your practice" if folder.fixed else "practice default"
            lines.append(f"Vault folder: {folder.value} ({how}); each computer account has "
                         "its own vault there.")
        if policy.get(ss.WORKING_WEEKDAYS) or policy.get(ss.CLOSED_DAYS):
            lines.append(f"New course plans: {opening_days_text(self.service.opening_days())} "
                         "(set by your practice).")
        lines.extend(policy.problems)
        self.policy_label.setText("\n".join(lines))
        self.policy_label.setVisible(bool(lines))

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Practice logo", self.logo_edit.text(),
                                              "Images (*.png *.jpg *.jpeg)")
        if path:
            self.logo_edit.setText(path)

    # -- saving ----------------------------------------------------------------------------
    def _values(self) -> dict[str, Any]:
        thresholds = {**asdict(self.thresholds),
                      **{n: s.value() for n, s in self.threshold_spins.items()}}
        return {
            ss.PRACTICE_NAME: self.practice_name_edit.text().strip() or None,
            ss.PRACTICE_LOGO: self.logo_edit.text().strip() or None,
            ss.IDLE_LOCK: self.idle_spin.value(),
            ss.THRESHOLDS: thresholds,
            ss.SCREEN_AGE: self.screen_age_spin.value(),
            ss.RETENTION: {"daily": self.daily_spin.value(), "weekly": self.weekly_spin.value()},
            CLINICIAN_KEY: self.clinician_edit.text().strip(),
        }

    def changes(self) -> dict[str, Any]:
        """What the user changed, leaving out what the practice fixed."""
        now = self._values()
        return {k: v for k, v in now.items() if v != self.initial[k] and k not in self.fixed}

    def save(self) -> bool:
        changes = self.changes()
        clinician = changes.pop(CLINICIAN_KEY, None)
        try:
            if clinician is not None:  # checked before anything is written
                clean_text(CLINICIAN_LABEL, clinician, max_length=MAX_CLINICIAN_NAME)
            self._check_thresholds(changes.get(ss.THRESHOLDS))
            save_settings(self.service, changes, clinician=clinician)  # all or nothing
        except ValidationError as exc:
            show_error(self.error_label, with_subject(exc, ss.LABELS))
            return False
        show_error(self.error_label, "")
        self.saved.emit()
        self.accept()
        return True

    def _check_thresholds(self, value: dict[str, Any] | None) -> None:
        """The same rule as VitalsThresholds, said with the labels the user sees."""
        if value is None:
            return
        for kind in ("systolic", "diastolic", "heart_rate"):
            caution, alert = f"delay_{kind}_above", f"alert_{kind}_above"
            if value[caution] > value[alert]:
                raise ValidationError(caution, f"{THRESHOLD_FIELDS[caution][0]} must not be "
                                      f"higher than “{THRESHOLD_FIELDS[alert][0]}”.")
        low, high = "discharge_heart_rate_min", "discharge_heart_rate_max"
        if value[low] > value[high]:
            raise ValidationError(low, f"{DISCHARGE_FIELDS[low][0]} must not be higher than "
                                  f"“{DISCHARGE_FIELDS[high][0]}”.")
