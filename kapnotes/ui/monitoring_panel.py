"""The monitoring record of one dosing session, made to be filled in as the session happens:
pre-dose checklist first, then medication and dose, vitals, observations, adverse effects,
discharge. Every edit is stored at once (text after a short pause); there is no Save button.

The clock line and any screening warnings stay above the scrolling form. While a screening
warning is unacknowledged the form is disabled; once the note is signed it is read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.dosing_record import DosingDetails
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.services.changes import Changes
from kapnotes.services.container import Services
from kapnotes.services.dose_checks import OverrideNeeded
from kapnotes.ui.change_signals import on_changes
from kapnotes.ui.dialogs.screening_ack import ScreeningAckBanner
from kapnotes.ui.dialogs.screening_dialog import ScreeningDialog
from kapnotes.ui.widgets.approval_warnings import DoseApprovalWarnings
from kapnotes.ui.widgets.discharge_readiness import DischargeReadiness
from kapnotes.ui.widgets.dose_section import DoseSection
from kapnotes.ui.widgets.monitoring_clock import MonitoringClockLabel
from kapnotes.ui.widgets.monitoring_help import explain_monitoring
from kapnotes.ui.widgets.monitoring_style import (
    error_label,
    muted,
    show_message,
)
from kapnotes.ui.widgets.observation_section import AdverseEffectsChecklist, ObservationLog
from kapnotes.ui.widgets.s8_proposal_row import S8ProposalRow
from kapnotes.ui.widgets.vitals_table import VitalsLog

TEXT_DEBOUNCE_MS = 800
PREDOSE_CHECKS = (
    ("fasting_food", "No food in the last 2 hours"),
    ("fasting_liquids", "No liquids in the last 30 minutes"),
    ("screen_reviewed", "Contraindication screen reviewed"),
    # {bp}: the pre-dose delay limit in force (rule bp_pre_dose_delay, maybe tightened)
    ("predose_vitals_ok", "Pre-dose vitals acceptable (consider delaying if BP > {bp})"),
)
DISCHARGE_CHECKS = (
    ("discharge_vitals_ok", "Vitals acceptable at the end of the session"),
    ("no_driving_advised", "Advised: no driving until the next day after restful sleep"),
)
_YES_NO = (("Not recorded", None), ("No", False), ("Yes", True))


def _group(title: str, parent: QWidget) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title, parent)
    return box, QVBoxLayout(box)


class MonitoringPanel(QWidget):
    """The dosing session's monitoring record.

    Signals: `saved()` after any change is stored; `alerts_changed(list[str])` with the
    vitals banner lines. A screen saved (here or elsewhere) and new vitals thresholds show
    through the services' change notifications (kapnotes/ui/change_signals.py).
    """

    saved = Signal()
    alerts_changed = Signal(list)

    def __init__(self, services: Services, session_id: int, *,
                 clock: Callable[[], datetime] | None = None, signer: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.monitoring = services.monitoring
        self.session_id = session_id
        self.clock = clock or services.clock
        session = services.notes.session(session_id)
        self.client_id = services.notes.client_id_of(session_id)
        self.signed = session.signed
        who = signer or session.clinician

        self.clock_label = MonitoringClockLabel(
            lambda now: self.monitoring.clock_status(session_id, now), self.clock, self)
        self.ack_banner = ScreeningAckBanner(self.monitoring, session_id, by=who, parent=self)
        self.ack_banner.acknowledged.connect(self._acknowledged)
        self.ack_banner.review_requested.connect(self.open_screening_dialog)
        self.state_label = muted(QLabel(self))
        self.state_label.setAccessibleName("Monitoring record state")
        self.state_label.setIndent(8)

        self.form = QWidget(self)
        form_layout = QVBoxLayout(self.form)
        form_layout.addWidget(self._build_predose())
        box, lay = _group("Medication and dose", self.form)
        self.dose = DoseSection(self.monitoring, session_id, self.clock, box)
        lay.addWidget(self.dose)
        self.register_row = S8ProposalRow(services, session_id, box)
        lay.addWidget(self.register_row)
        lay.addWidget(DoseApprovalWarnings(services, session_id, box))
        form_layout.addWidget(box)
        box, lay = _group("Vitals", self.form)
        self.vitals = VitalsLog(self.monitoring, session_id, self.clock, box)
        lay.addWidget(self.vitals)
        form_layout.addWidget(box)
        form_layout.addWidget(self._build_observations())
        form_layout.addWidget(self._build_effects())
        form_layout.addWidget(self._build_discharge())
        form_layout.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.form)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.clock_label)
        layout.addWidget(self.ack_banner)
        layout.addWidget(self.state_label)
        layout.addWidget(self.scroll_area, 1)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_DEBOUNCE_MS)
        self._text_timer.timeout.connect(self.flush)
        for part in (self.dose, self.vitals, self.observations, self.effects):
            for name in ("saved", "reading_added", "added", "changed", "devices_changed"):
                if hasattr(part, name):
                    getattr(part, name).connect(self._part_changed)
        self.dose.devices_changed.connect(self._devices_changed)
        self.register_row.recorded.connect(self._part_changed)
        self.clock_label.ticked.connect(lambda _s: self.vitals.suggest_role())
        self._show(self.monitoring.details(session_id))
        self._update_state()
        explain_monitoring(self, self._delay_bp())  # Help → What's This?
        on_changes(services, self, self._changed_elsewhere)

    # -- sections ------------------------------------------------------------------------------
    def _delay_bp(self) -> str:
        """The pre-dose "consider delaying" limit in force, e.g. "140/90"."""
        t = self.monitoring.settings.thresholds()
        return f"{t.delay_systolic_above}/{t.delay_diastolic_above}"

    def _build_predose(self) -> QGroupBox:
        box, lay = _group("Before dosing", self.form)
        self.checks: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for n, (name, text) in enumerate(PREDOSE_CHECKS):
            self.checks[name] = self._check(name, text.format(bp=self._delay_bp()), box)
            grid.addWidget(self.checks[name], n // 2, n % 2)
        lay.addLayout(grid)
        return box

    def _build_observations(self) -> QGroupBox:
        box, lay = _group("Sedation and dissociation", self.form)
        self.observations = ObservationLog(self.monitoring, self.session_id, self.clock, box)
        lay.addWidget(self.observations)
        self.resp = QComboBox(box)
        self.resp.setAccessibleName("Respiratory depression")
        for text, value in _YES_NO:
            self.resp.addItem(text, value)
        self.resp.activated.connect(
            lambda _i: self.save({"respiratory_depression": self.resp.currentData()}))
        row = QHBoxLayout()
        row.addWidget(QLabel("Respiratory depression", box))
        row.addWidget(self.resp)
        row.addStretch(1)
        lay.addLayout(row)
        return box

    def _build_effects(self) -> QGroupBox:
        box, lay = _group("Adverse effects and interventions", self.form)
        self.effects = AdverseEffectsChecklist(self.monitoring, self.session_id, box)
        lay.addWidget(self.effects)
        self.interventions = QPlainTextEdit(box)
        self.interventions.setAccessibleName("Interventions given")
        self.interventions.setPlaceholderText("Interventions given (medication, oxygen, "
                                              "repositioning…), with times")
        self.interventions.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.interventions.textChanged.connect(self._text_edited)
        lay.addWidget(self.interventions)
        return box

    def _build_discharge(self) -> QGroupBox:
        box, lay = _group("Discharge", self.form)
        self.discharge_button = QPushButton("Discharged now", box)
        self.discharge_button.setAccessibleName("Discharged now")
        self.discharge_button.clicked.connect(lambda: self.save({"ended_at": self.clock()}))
        self.discharge_clear = QPushButton("Clear", box)
        self.discharge_clear.setAccessibleName("Clear discharge time")
        self.discharge_clear.clicked.connect(lambda: self.save({"ended_at": None}))
        self.discharge_label = QLabel(box)
        self.discharge_label.setAccessibleName("Discharge time")
        row = QHBoxLayout()
        for w in (self.discharge_button, self.discharge_clear):
            row.addWidget(w)
        row.addWidget(self.discharge_label, 1)
        lay.addLayout(row)
        self.readiness_box = DischargeReadiness(self.monitoring, self.session_id, self.clock,
                                                box)
        self.readiness = self.readiness_box.label
        self.readiness_box.reason_given.connect(self._discharge_with_reason)
        lay.addWidget(self.readiness_box)
        self.ready = QSpinBox(box)
        self.ready.setAccessibleName("Ready to leave at minute")
        self.ready.setRange(-1, 1440)
        self.ready.setSpecialValueText("—")
        self.ready.setSuffix(" min")
        self.ready.setMinimumWidth(self.ready.fontMetrics().horizontalAdvance("0000 min") + 40)
        self.ready.editingFinished.connect(self._ready_edited)
        self.escort = QLineEdit(box)
        self.escort.setAccessibleName("Escort")
        self.escort.setPlaceholderText("Who takes the client home")
        self.escort.editingFinished.connect(self._escort_edited)
        self.escort.setMinimumWidth(self.escort.fontMetrics().horizontalAdvance("M" * 28))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Ready to leave at minute (had there been no 2-hour minimum)", self.ready)
        form.addRow("Escort", self.escort)
        lay.addLayout(form)
        for name, text in DISCHARGE_CHECKS:
            self.checks[name] = self._check(name, text, box)
            lay.addWidget(self.checks[name])
        self.error = error_label(box, "Monitoring record error")
        lay.addWidget(self.error)
        return box

    def _check(self, name: str, text: str, parent: QWidget) -> QCheckBox:
        check = QCheckBox(text, parent)
        check.setAccessibleName(text)
        check.clicked.connect(lambda on, n=name: self.save({n: bool(on)}))
        return check

    # -- storing -------------------------------------------------------------------------------
    def save(self, changes: dict[str, object], reason: str = "") -> bool:
        if self._text_timer.isActive():
            # Typed text still waiting for its pause goes with this change, so redisplaying
            # the stored record cannot overwrite it.
            self._text_timer.stop()
            changes = {"interventions": self.interventions.toPlainText(), **changes}
        try:
            details = self.monitoring.update_record(self.session_id, changes, reason=reason,
                                                    by=self._clinician())
        except OverrideNeeded as exc:  # a discharge before the client is ready
            self._pending = changes
            self.readiness_box.ask_reason(exc.reason)
            self._show(self.monitoring.details(self.session_id))
            return False
        except (ValidationError, ConflictError) as exc:
            show_message(self.error, str(exc) if isinstance(exc, ConflictError)
                         else f"{exc.field.replace('_', ' ').capitalize()}: {exc.reason}")
            self._show(self.monitoring.details(self.session_id))
            return False
        show_message(self.error, "")
        self.readiness_box.override.close_row()
        self._show(details)
        self._part_changed()
        return True

    def _clinician(self) -> str:
        """Who gives a written reason: the monitoring clinician, else who opened the note."""
        return self.dose.clinician.text().strip() or self.ack_banner.by.text().strip()

    def _discharge_with_reason(self, reason: str) -> None:
        self.save(dict(getattr(self, "_pending", {}) or {"ended_at": self.clock()}), reason)

    def _text_edited(self) -> None:
        if not self._loading:
            self._text_timer.start()

    def flush(self) -> None:
        """Store typed text now (call before leaving the session, locking or closing)."""
        self._text_timer.stop()
        if self.signed:
            return
        if self.interventions.toPlainText() != self._details.interventions:
            self.save({"interventions": self.interventions.toPlainText()})
        self._escort_edited()

    def _escort_edited(self) -> None:
        if self.escort.text().strip() != self._details.escort:
            if self.save({"escort": self.escort.text()}):
                self.escort.setModified(False)
                self.escort.setText(self._details.escort)

    def _ready_edited(self) -> None:
        value = None if self.ready.value() < 0 else self.ready.value()
        if value != self._details.ready_to_leave_minutes:
            self.save({"ready_to_leave_minutes": value})

    def _part_changed(self, *_args: object) -> None:
        self._show_readiness()
        self.clock_label.refresh()
        self.alerts_changed.emit(self.monitoring.banner(self.session_id))
        self.saved.emit()

    def _devices_changed(self) -> None:
        self.vitals.reload()
        self.observations.reload()
        self._show(self.monitoring.details(self.session_id))

    # -- screening -----------------------------------------------------------------------------
    def _acknowledged(self, _ack_id: int) -> None:
        self._update_state()
        self.saved.emit()

    def open_screening_dialog(self) -> ScreeningDialog:
        """Opens (non-modal) the client's screen; the banner updates when it is saved."""
        client = self.services.clients.get(self.client_id)
        dialog = ScreeningDialog(self.monitoring, self.client_id, screened_by=self.ack_banner
                                 .by.text(), medicines=client.medicines, clock=self.clock,
                                 parent=self)
        dialog.open()
        return dialog

    def _changed_elsewhere(self, changes: Changes) -> None:
        if self.signed:
            return
        if changes.touches("screening", client_id=self.client_id):
            self.ack_banner.reload()
            self._update_state()
        if changes.settings:  # the vitals thresholds may be new
            self.vitals.reload()

    # -- display -------------------------------------------------------------------------------
    _loading = False

    def _show(self, d: DosingDetails) -> None:
        self._details = d
        self._loading = True
        for name, check in self.checks.items():
            check.setChecked(bool(getattr(d, name)))
        self.resp.setCurrentIndex(self.resp.findData(d.respiratory_depression)
                                  if d.respiratory_depression is not None else 0)
        if not self.interventions.hasFocus() or self.signed:
            self.interventions.setPlainText(d.interventions)
        if not self.escort.isModified():  # typed, not yet stored: keep what is typed
            self.escort.setText(d.escort)
        self.ready.setValue(-1 if d.ready_to_leave_minutes is None else d.ready_to_leave_minutes)
        first = self.monitoring.first_device_at(self.session_id)
        if d.ended_at is None:
            self.discharge_label.setText("Not yet discharged")
        else:
            minute = ("" if first is None or d.ended_at < first
                      else f" (minute {int((d.ended_at - first).total_seconds() // 60)})")
            self.discharge_label.setText(f"Discharged at {d.ended_at:%H:%M}{minute}")
        self.discharge_clear.setVisible(d.ended_at is not None)
        self._loading = False
        self._show_readiness()

    def _show_readiness(self) -> None:
        self.readiness_box.refresh()

    def _update_state(self) -> None:
        pending = not self.signed and self.ack_banner.pending
        editable = not self.signed and not pending
        for part in (self.dose, self.vitals, self.observations, self.effects):
            part.set_editable(editable)
        for w in (*self.checks.values(), self.resp, self.interventions, self.escort, self.ready,
                  self.discharge_button, self.discharge_clear):
            w.setEnabled(editable)
        if self.signed:
            self.clock_label.stop()
            self.state_label.setText("Signed: this monitoring record is read-only; "
                                     "add an addendum to the note for later changes.")
        elif pending:
            self.state_label.setText("Acknowledge the screening warnings above to start "
                                     "recording.")
        self.state_label.setVisible(self.signed or pending)

    @property
    def recording_enabled(self) -> bool:
        return self.vitals.add_button.isEnabled()

    def banner_text(self) -> str:
        return self.vitals.banner_text()

    def set_signed(self) -> None:
        """Call after the note is signed (the panel becomes read-only)."""
        self.flush()
        self.signed = True
        self._update_state()
