"""Enter a rating scale for a client: item by item (or a total where the scale allows it).

Each item is a combo box whose entries start with their value ("2 — More than half the
days"), so typing the digit picks the answer and Tab moves on. Total, band and flags are shown
live as computed by the domain; nothing numeric is typed except a total-only entry. The risk
flag appears as a red band the moment a suicide item (PHQ-9 item 9, MADRS item 10, a C-SSRS
answer) raises it. On a dosing day "Taken" says before or after the dose (the baseline).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.course_items import RiskFlag
from kapnotes.domain.dates import plural, qt_date_format
from kapnotes.domain.errors import KapNotesError, ValidationError
from kapnotes.domain.outcomes import AFTER_DOSE, BEFORE_DOSE
from kapnotes.domain.risk import NOT_ASKED
from kapnotes.domain.scale_model import SUICIDE, Flag
from kapnotes.domain.scales import Answer, Scale, ScaleItem, ScoreResult
from kapnotes.services.container import Services
from kapnotes.ui.dialogs.measure_session import MeasureSessionMixin
from kapnotes.ui.widgets.error_line import error_label, show_error
from kapnotes.ui.widgets.qt_dates import from_qdate, to_qdate
from kapnotes.ui.widgets.radio_keys import arrows_choose
from kapnotes.ui.widgets.risk_badge import RiskBadge
from kapnotes.ui.widgets.scale_item_box import item_box, item_number
from kapnotes.ui.widgets.slot_style import ERROR_COLOURS, MUTED_COLOURS, style_sheet_colour


class MeasureDialog(MeasureSessionMixin, QDialog):
    """Pick scale, date and optional session; answer the items; Save stores and emits saved(id)."""

    saved = Signal(int)

    def __init__(self, services: Services, client_id: int, *, scale_id: str | None = None,
                 session_id: int | None = None,
                 sessions: Sequence[tuple[int, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.client_id = client_id
        self.setWindowTitle("Enter a measure")
        self.setAccessibleName("Enter a measure")
        self.item_boxes: dict[str, QComboBox | QSpinBox] = {}
        self.preview_result: ScoreResult | None = None

        self._build_pickers(session_id, sessions)
        self._build_entry_mode()
        self._build_score_area()
        self._lay_out(self._build_buttons())
        self._wire(scale_id)

    # -- building --------------------------------------------------------------------------
    def _build_pickers(self, session_id: int | None,
                       sessions: Sequence[tuple[int, str]] | None) -> None:
        """Scale, date, session and before/after the dose."""
        services = self.services
        self.scale_combo = QComboBox(self)
        self.scale_combo.setAccessibleName("Scale")
        for scale in services.measures.scales:
            self.scale_combo.addItem(f"{scale.short_name} — {scale.name}", scale.id)
        # A practice's broken scale file is left out; say so where the scales are picked.
        skipped = services.measures.loaded.problems
        self.skipped_label = QLabel("\n".join(
            f"Practice scale file left out — {p.message}" for p in skipped), self)
        self.skipped_label.setWordWrap(True)
        self.skipped_label.setAccessibleName("Scale files left out")
        self.skipped_label.setStyleSheet(f"color: {style_sheet_colour(ERROR_COLOURS)};")
        self.skipped_label.setVisible(bool(skipped))
        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(qt_date_format())
        self.date_edit.setAccessibleName("Date taken")
        today = services.clock().date()
        self.date_edit.setDate(to_qdate(today))
        self.date_edit.setMaximumDate(to_qdate(today))
        self.session_combo = QComboBox(self)
        self.session_combo.setAccessibleName("Session")
        self.session_combo.addItem("Not linked to a session", None)
        for sid, label in (sessions if sessions is not None else self._client_sessions()):
            self.session_combo.addItem(label, sid)
        if session_id is not None:
            self.session_combo.setCurrentIndex(max(0, self.session_combo.findData(session_id)))
        # On a dosing day the baseline depends on it: a post-dose score is follow-up.
        self.timing_combo = QComboBox(self)
        self.timing_combo.setAccessibleName("Taken before or after the dose")
        for label, value in (("Not said", None),
                             ("Before the dose", BEFORE_DOSE), ("After the dose", AFTER_DOSE)):
            self.timing_combo.addItem(label, value)
        self.timing_hint = QLabel(self)
        self.timing_hint.setWordWrap(True)
        self.timing_hint.setAccessibleName("Dosing day")
        self.date_edit.dateChanged.connect(self._date_changed)

    def _build_entry_mode(self) -> None:
        """Item by item, or (where the scale allows it) a total only."""
        self.items_radio = QRadioButton("Item by item", self)
        self.total_radio = QRadioButton("Total only", self)
        self.items_radio.setChecked(True)
        self._mode = QButtonGroup(self)
        for radio in (self.items_radio, self.total_radio):
            self._mode.addButton(radio)
        arrows_choose(self._mode)
        for radio in (self.items_radio, self.total_radio):
            radio.toggled.connect(self._mode_changed)
        self.total_spin = QSpinBox(self)
        self.total_spin.setAccessibleName("Total score")
        self.total_spin.valueChanged.connect(self._update)

    def _build_score_area(self) -> None:
        """Instructions, the items (scrolling), then total, band, risk and what is missing."""
        self.instructions = QLabel(self)
        self.instructions.setWordWrap(True)
        self.instructions.setObjectName("fieldHelp")
        self.items_host = QWidget()  # replaced per scale by _build_items
        self.items_grid = QGridLayout(self.items_host)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setMinimumHeight(260)

        self.total_label = QLabel(self)
        bold = QFont(self.total_label.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.25)
        self.total_label.setFont(bold)
        self.total_label.setAccessibleName("Total")
        self.band_label = QLabel(self)
        self.band_label.setFont(bold)
        self.band_label.setAccessibleName("Band")
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("What is missing")
        self.risk_badge = RiskBadge(self)
        self.error_label = error_label(self)

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = QPushButton("Save measure", self)
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        return buttons

    def _lay_out(self, buttons: QDialogButtonBox) -> None:
        form = QFormLayout()
        form.addRow("&Scale", self.scale_combo)
        form.addRow("&Date", self.date_edit)
        form.addRow("S&ession", self.session_combo)
        form.addRow("&Taken", self.timing_combo)
        form.addRow("", self.timing_hint)
        mode = QHBoxLayout()
        mode.addWidget(self.items_radio)
        mode.addWidget(self.total_radio)
        mode.addWidget(self.total_spin)
        mode.addStretch(1)
        form.addRow("Entry", mode)
        score_row = QHBoxLayout()
        score_row.addWidget(self.total_label)
        score_row.addSpacing(16)
        score_row.addWidget(self.band_label)
        score_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.skipped_label)
        layout.addWidget(self.instructions)
        layout.addWidget(self.scroll_area, 1)
        layout.addLayout(score_row)
        layout.addWidget(self.risk_badge)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(720, 640)

    def _wire(self, scale_id: str | None) -> None:
        """Scale and session follow each other; the first scale is the one the course expects."""
        self.scale_combo.currentIndexChanged.connect(self._scale_changed)
        # The scale follows the session until the user picks one themselves.
        self._scale_picked = scale_id is not None
        self.scale_combo.activated.connect(self._scale_picked_by_user)
        self.session_combo.currentIndexChanged.connect(self._session_changed)
        start = scale_id or self._expected_scale()
        if start is not None:
            self.scale_combo.setCurrentIndex(max(0, self.scale_combo.findData(start)))
        self._scale_changed()
        if self.session_combo.currentData() is not None:
            self._session_changed()
        self._date_changed()

    def _date_changed(self) -> None:
        dosing = from_qdate(self.date_edit.date()) in self._dosing_days()
        self.timing_hint.setText("A dose was given on this day: say whether this was taken "
                                 "before or after it (a pre-dose score can be the baseline)."
                                 if dosing else "")
        self.timing_hint.setVisible(dosing)

    @property
    def scale(self) -> Scale:
        return self.services.measures.scale(self.scale_combo.currentData())

    def _scale_changed(self) -> None:
        scale = self.scale
        self.instructions.setText(scale.instructions)
        self.instructions.setVisible(bool(scale.instructions))
        self.total_radio.setEnabled(scale.total_only_allowed)
        self.total_radio.setToolTip("" if scale.total_only_allowed else
                                    f"{scale.short_name} must be scored item by item.")
        if not scale.total_only_allowed:
            self.items_radio.setChecked(True)
        self.total_spin.setRange(scale.total_min, scale.total_max)
        self._build_items(scale)
        self._mode_changed()

    def _build_items(self, scale: Scale) -> None:
        # A fresh host per scale: a grid keeps the rows of a longer scale shown before.
        self.items_host = QWidget()
        self.items_grid = QGridLayout(self.items_host)
        self.items_grid.setColumnStretch(0, 1)
        self.scroll_area.setWidget(self.items_host)  # the old host is deleted by the scroll area
        self.item_boxes = {}
        previous: QWidget = self.session_combo
        for row, item in enumerate(scale.items):
            text = QLabel(f"{item_number(item)}. {item.text}", self.items_host)
            text.setWordWrap(True)
            box = item_box(item, self.items_host, self._update)
            text.setBuddy(box)
            self.items_grid.addWidget(text, row, 0)
            self.items_grid.addWidget(box, row, 1)
            self.item_boxes[item.id] = box
            QWidget.setTabOrder(previous, box)
            previous = box
        self.items_grid.setRowStretch(len(scale.items), 1)

    def _mode_changed(self) -> None:
        total_only = self.total_radio.isChecked()
        self.total_spin.setEnabled(total_only)
        self.items_host.setEnabled(not total_only)
        self._update()

    # -- live score ------------------------------------------------------------------------
    def answers(self) -> dict[str, int | bool | None]:
        out: dict[str, int | bool | None] = {}
        for item_id, box in self.item_boxes.items():
            if isinstance(box, QSpinBox):
                out[item_id] = None if box.value() < box.minimum() + 1 else box.value()
            else:
                out[item_id] = box.currentData()
        return out

    def _asked(self, item: ScaleItem, answers: dict[str, int | bool | None]) -> bool:
        return all(answers.get(dep) is want for dep, want in item.asked_if)

    def _update(self) -> None:
        scale = self.scale
        answers = self.answers()
        for item in scale.items:  # skip logic: an item not asked is cleared and disabled
            box = self.item_boxes.get(item.id)
            if box is None:
                continue
            asked = self._asked(item, answers)
            if not asked and isinstance(box, QComboBox) and box.currentIndex() != 0:
                box.blockSignals(True)
                box.setCurrentIndex(0)
                box.blockSignals(False)
                answers[item.id] = None
            box.setEnabled(asked)
        show_error(self.error_label, "")
        missing = [item_number(i) for i in scale.items
                   if self._asked(i, answers) and answers[i.id] is None]
        self.preview_result = None
        if self.total_radio.isChecked():
            self.preview_result = self._try(total=self.total_spin.value())
        elif not missing:
            self.preview_result = self._try(answers=answers)
        else:
            self._show_partial(scale, answers, missing)
            return
        self._show_result(scale, self.preview_result)

    def _try(self, *, total: int | None = None,
             answers: Mapping[str, Answer | None] | None = None) -> ScoreResult | None:
        try:
            return self.services.measures.preview(self.scale.id, answers=answers, total=total)
        except ValidationError as exc:
            self._error(str(exc))
            return None

    def _show_partial(self, scale: Scale, answers: dict, missing: list[str]) -> None:
        partial = sum(int(v) for v in answers.values() if isinstance(v, int)
                      and not isinstance(v, bool))
        self.total_label.setText(f"Total so far: {partial}" if scale.has_total else "")
        self.band_label.setText("")
        muted = style_sheet_colour(MUTED_COLOURS)
        self.status_label.setStyleSheet(f"color: {muted};")
        count = plural(len(missing), "item")
        self.status_label.setText(f"{count} unanswered: " + ", ".join(missing))
        self.risk_badge.set_flags(self._flags(self._early_flags(scale, answers)))

    @staticmethod
    def _early_flags(scale: Scale, answers: dict) -> list[Flag]:
        """Item flags already raised by answers given (item 9 shows before the rest)."""
        out = []
        for rule in scale.flag_rules:
            value = answers.get(rule.item)
            if rule.severity == "risk" and isinstance(value, int) and rule.test.met(value):
                out.append(Flag(rule.code, rule.label, rule.severity, rule.topic))
        return out

    def _flags(self, flags: Sequence[Flag]) -> list[RiskFlag]:
        day = from_qdate(self.date_edit.date())
        answers = self.answers()
        items = {r.code: r.item for r in self.scale.flag_rules}
        return [RiskFlag(0, self.scale.id, self.scale.short_name, f.code, f.label, day, None,
                         topic=f.topic,
                         detail=(f"item {items[f.code]} = {answers[items[f.code]]}"
                                 if f.code in items and answers.get(items[f.code]) is not None
                                 else ""))
                for f in flags if f.severity == "risk"]

    def _show_result(self, scale: Scale, result: ScoreResult | None) -> None:
        if result is None:
            return
        total = result.total
        shown = "" if total is None else (f"{total:.1f}" if isinstance(total, float)
                                          and not total.is_integer() else f"{int(total)}")
        self.total_label.setText(f"Total: {shown} / {scale.total_max}" if shown else "")
        self.band_label.setText(result.band_label or "")
        self.risk_badge.set_flags(self._flags(result.flags))
        notes = [f.label for f in result.flags if f.severity != "risk"]
        notes += [f"{NOT_ASKED[:1].upper()}{NOT_ASKED[1:]} (total only): {f.label}"
                  if f.topic == SUICIDE else f"Not known from a total: {f.label}"
                  for f in result.unknown_flags]
        notes += [f"{s.name}: {s.score}/{s.max_score}" for s in result.subscales]
        if result.is_complete_mystical is not None:
            notes.append("Complete mystical experience" if result.is_complete_mystical
                         else "Not a complete mystical experience")
        self.status_label.setStyleSheet("")
        self.status_label.setText("\n".join(notes) or "All items answered.")

    def _error(self, text: str) -> None:
        show_error(self.error_label, text)

    # -- saving ----------------------------------------------------------------------------
    def save(self) -> None:
        total_only = self.total_radio.isChecked()
        try:
            measure = self.services.measures.enter(
                client_id=self.client_id, scale_id=self.scale.id,
                taken_on=from_qdate(self.date_edit.date()),
                session_id=self.session_combo.currentData(),
                dose_timing=self.timing_combo.currentData(),
                total=self.total_spin.value() if total_only else None,
                answers=None if total_only else self.answers())
        except KapNotesError as exc:
            self._error(str(exc))
            item_id = getattr(exc, "field", "").removeprefix("item ")
            box = self.item_boxes.get(item_id)
            if box is not None:
                box.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.saved.emit(measure.id)
        self.accept()
