"""New course (protocol, first dose, prescriber, plan preview) or course details and status."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.course_label import course_label_with_status, protocol_label
from kapnotes.domain.dates import plural, qt_date_format, schedule_date
from kapnotes.domain.errors import KapNotesError, ValidationError
from kapnotes.domain.models import Course, CourseStatus
from kapnotes.domain.protocol_model import ProtocolDef
from kapnotes.domain.protocols import unknown_protocol
from kapnotes.domain.schedule import (
    PlannedSlot,
    SlotKind,
    esketamine_start_dose_mg,
)
from kapnotes.services import course_plans
from kapnotes.services.container import Services
from kapnotes.ui.widgets.form_errors import FieldErrors, error_label
from kapnotes.ui.widgets.protocol_fields import ProtocolFields
from kapnotes.ui.widgets.qt_dates import from_qdate, to_qdate
from kapnotes.ui.widgets.slot_style import ERROR_COLOURS, MUTED_COLOURS, style_sheet_colour


class CourseDialog(QDialog):
    """New course for `client_id`, or (with `course_id`) its details and status.

    Emits `saved(course_id)`. The plan is generated once, when the course is created, so
    protocol and first dose cannot be changed afterwards; move or skip slots instead.
    """

    saved = Signal(int)

    def __init__(self, services: Services, client_id: int, course_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.client = services.clients.get(client_id)
        self.course: Course | None = services.courses.get(course_id) if course_id else None
        self.setWindowTitle("Course details" if self.course else "New course")
        self.setMinimumWidth(560)
        # Active or paused courses already running: a new one is a second course (warned).
        self.running = [] if self.course else services.courses.running_courses(client_id)
        # Injectable: asked before a second running course is created (tests answer).
        self.confirm_second_course: Callable[[], bool] = self._ask_second_course
        self._build()
        self._protocol_changed()

    def _build(self) -> None:
        self._build_fields()
        form = self._build_form()
        self.error_label = error_label(self)
        self.errors = FieldErrors(self.error_label, {
            "Protocol": self.protocol_combo, **self.protocol_fields.error_fields(),
            "Dose days": self.offsets_edit, "custom_day_offsets": self.offsets_edit,
            "Prescriber": self.prescriber_edit, "Course title": self.title_edit,
            "Reason": self.reason_edit,
        })
        buttons = self._build_buttons()
        layout = QVBoxLayout(self)
        self.second_course_label = QLabel(self)
        self.second_course_label.setWordWrap(True)
        self.second_course_label.setAccessibleName("Second active course warning")
        self.second_course_label.setStyleSheet("font-weight: bold;")
        self.second_course_label.setText(second_course_warning(self.running))
        self.second_course_label.setVisible(bool(self.running))
        layout.addWidget(self.second_course_label)
        layout.addWidget(self._skipped_protocols_label())
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._show_course(form)
        self.protocol_combo.currentIndexChanged.connect(self._protocol_changed)
        self.start_edit.dateChanged.connect(self._update_preview)
        self.protocol_fields.changed.connect(self._update_preview)
        self.offsets_edit.textChanged.connect(self._update_preview)
        self.status_combo.currentIndexChanged.connect(self._update_reason_label)
        self._update_reason_label()

    def _skipped_protocols_label(self) -> QLabel:
        """A practice's broken protocol file is left out; say so where protocols are picked."""
        skipped = [] if self.course else self.services.courses.protocols.problems
        label = QLabel("\n".join(f"Practice protocol file left out — {p.message}"
                                 for p in skipped), self)
        label.setWordWrap(True)
        label.setAccessibleName("Protocol files left out")
        label.setStyleSheet(f"color: {style_sheet_colour(ERROR_COLOURS)};")
        label.setVisible(bool(skipped))
        self.skipped_label = label
        return label

    def _build_fields(self) -> None:
        """Protocol, first dose, interval or dose days, prescriber, title, status and reason."""
        today = self.services.clock().date()
        self.protocol_combo = QComboBox(self)
        self.protocol_combo.setAccessibleName("Protocol")
        for protocol in self.services.courses.protocols.protocols:
            self.protocol_combo.addItem(protocol.label, protocol.id)
            about = " ".join(filter(None, (protocol.description,
                                           f"Source: {protocol.source.label}.")))
            self.protocol_combo.setItemData(self.protocol_combo.count() - 1, about,
                                            Qt.ItemDataRole.ToolTipRole)
        self.start_edit = QDateEdit(self)
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat(qt_date_format())
        self.start_edit.setDate(to_qdate(today))
        self.start_edit.setAccessibleName("First dose date")
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("optional, e.g. Second course 2027")
        self.title_edit.setAccessibleName("Course title")
        self.prescriber_edit = QLineEdit(self.client.prescriber, self)
        self.prescriber_edit.setAccessibleName("Prescriber")
        # The intervals the chosen protocol's file asks for, with its labels and ranges.
        self.protocol_fields = ProtocolFields(self)
        self.offsets_edit = QLineEdit(self)
        self.offsets_edit.setPlaceholderText("days after the first dose, e.g. 0, 7, 14, 28")
        self.offsets_edit.setAccessibleName("Dose days")
        self.offsets_label = QLabel("Dose days:", self)
        self.preview_label = QLabel(self)
        self.preview_label.setWordWrap(True)
        self.preview_label.setAccessibleName("Planned schedule preview")
        self.status_combo = QComboBox(self)
        self.status_combo.setAccessibleName("Status")
        for status in CourseStatus:
            self.status_combo.addItem(status.label, status.value)
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setAccessibleName("Reason for the status")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(60)
        self.reason_label = QLabel("Reason:", self)

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow("&Protocol:", self.protocol_combo)
        form.addRow("&First dose:", self.start_edit)
        self.protocol_fields.add_rows(form)
        form.addRow(self.offsets_label, self.offsets_edit)
        form.addRow("P&rescriber:", self.prescriber_edit)
        form.addRow("&Title:", self.title_edit)
        form.addRow("Planned:", self.preview_label)
        form.addRow("&Status:", self.status_combo)
        form.addRow(self.reason_label, self.reason_edit)
        return form

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(self)
        self.save_button = QPushButton("Create course" if self.course is None else "Save", self)
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        return buttons

    def _show_course(self, form: QFormLayout) -> None:
        """An existing course's values (its plan's inputs locked), or a new course's fields."""
        if self.course is not None:
            c = self.course
            if self.protocol_combo.findData(c.protocol) < 0:  # its protocol file is gone
                self.protocol_combo.addItem(protocol_label(c.protocol), c.protocol)
            self.protocol_combo.setCurrentIndex(self.protocol_combo.findData(c.protocol))
            self.start_edit.setDate(to_qdate(c.start_date))
            self.title_edit.setText(c.title)
            self.prescriber_edit.setText(c.prescriber)
            self.status_combo.setCurrentIndex(self.status_combo.findData(c.status.value))
            self.reason_edit.setPlainText(c.status_reason)
            # The stored plan came from these; changing them would silently orphan it.
            for widget in (self.protocol_combo, self.start_edit, self.offsets_edit):
                widget.setEnabled(False)
            self.protocol_fields.set_enabled(False)
        else:
            # A new course is active; status changes come later, with their reasons.
            self.status_combo.setVisible(False)
            form.labelForField(self.status_combo).setVisible(False)
            self.reason_edit.setVisible(False)
            self.reason_label.setVisible(False)

    # -- helpers -------------------------------------------------------------------------
    @property
    def protocol(self) -> ProtocolDef:
        protocol_id = str(self.protocol_combo.currentData())
        found = self.services.courses.protocols.get(protocol_id)
        if found is None and self.course is not None:
            return unknown_protocol(protocol_id)  # its file has since been removed
        return found if found is not None else self.services.courses.protocol(protocol_id)

    def _protocol_changed(self) -> None:
        protocol = self.protocol
        self.protocol_fields.show_protocol(protocol, self.course)
        days = protocol.parameter("custom_day_offsets")
        self.offsets_label.setVisible(days is not None)
        self.offsets_edit.setVisible(days is not None)
        if days is not None:
            self.offsets_label.setText(days.label)
        self._update_preview()

    def _update_reason_label(self) -> None:
        needed = self.status_combo.currentData() == CourseStatus.DISCONTINUED.value
        self.reason_label.setText("Reason (required):" if needed else "Reason:")

    def to_course(self) -> Course:
        title, prescriber = self.title_edit.text(), self.prescriber_edit.text()
        if self.course is not None:
            return dataclasses.replace(self.course, title=title, prescriber=prescriber)
        course = Course(client_id=int(self.client.id or 0), protocol=self.protocol.id,
                        start_date=from_qdate(self.start_edit.date()), title=title,
                        prescriber=prescriber)
        return self.protocol_fields.applied_to(course)

    def plan(self) -> list[PlannedSlot]:
        """The plan the service will store (custom: built from the typed dose days)."""
        return course_plans.preview_plan(self.services.courses, self.to_course(),
                                         self.offsets_edit.text())

    def _update_preview(self) -> None:
        muted = style_sheet_colour(MUTED_COLOURS)
        if self.course is not None:
            self.preview_label.setText("The plan was generated when the course was created; "
                                       "move or skip slots on the timeline.")
            self.preview_label.setStyleSheet(f"color: {muted};")
            return
        try:
            self.preview_label.setText(self._describe(self.plan()))
            self.preview_label.setStyleSheet("")
        except KapNotesError as exc:
            self.preview_label.setText(str(exc))
            self.preview_label.setStyleSheet(f"color: {muted};")
        self._grow_to_fit()

    def _grow_to_fit(self) -> None:
        """Grow (never shrink) so the wrapped preview and protocol notes are never clipped."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        needed = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                  else layout.totalSizeHint().height())
        if needed > self.height():
            self.resize(self.width(), needed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._grow_to_fit()

    def _describe(self, plan: list[PlannedSlot]) -> str:
        doses = [s for s in plan if s.kind is SlotKind.DOSING]
        if not doses:
            return "No planned sessions yet: list the dose days above."
        counts = {k: sum(1 for s in plan if s.kind is k) for k in SlotKind}
        lines = [
            f"{plural(len(doses), 'dose')}, first {schedule_date(doses[0].planned_date)}, "
            f"last {schedule_date(doses[-1].planned_date)}",
            f"{counts[SlotKind.PREPARATION]} preparation and {counts[SlotKind.INTEGRATION]} "
            f"integration sessions around them ({len(plan)} planned sessions in all)",
        ]
        moved = [s for s in plan if s.moved_from is not None]
        if moved:
            shown = "; ".join(f"{s.kind.label.lower()} {schedule_date(s.moved_from)} → "
                              f"{schedule_date(s.planned_date)} ({s.move_reason.lower()})"
                              for s in moved[:4] if s.moved_from is not None)
            more = f" and {len(moved) - 4} more" if len(moved) > 4 else ""
            lines.append(f"Moved to open days: {shown}{more}")
        if self.protocol.medicine == "esketamine":  # the label's age-based starting dose
            age = self.client.age_on(from_qdate(self.start_edit.date()))
            if age is not None:
                lines.append(f"Esketamine starting dose {esketamine_start_dose_mg(age)} mg "
                             f"(age {age} at first dose)")
        return "\n".join(lines)

    def save(self) -> None:
        self.errors.clear()
        try:
            if self.course is None:
                course = self.to_course()
                self.plan()  # every field checked before asking about a second course
                if self.running and not self.confirm_second_course():
                    return
                stored = course_plans.create_course(self.services.courses, course,
                                                    self.offsets_edit.text())
            else:
                stored = self._save_details()
        except KapNotesError as exc:
            self.errors.show(exc)
            return
        self.course = stored
        self.saved.emit(int(stored.id or 0))
        self.accept()

    def _save_details(self) -> Course:
        assert self.course is not None
        status = CourseStatus(self.status_combo.currentData())
        reason = self.reason_edit.toPlainText()
        if status is CourseStatus.DISCONTINUED and not reason.strip():
            raise ValidationError("Reason", "a discontinued course needs the reason.")
        stored = self.services.courses.update(self.to_course())
        if status is not self.course.status or reason != self.course.status_reason:
            stored = self.services.courses.set_status(int(stored.id or 0), status, reason)
        return stored

    def _ask_second_course(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Second active course",
                          second_course_warning(self.running), parent=self)
        create = box.addButton("Create second course", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        box.exec()
        return box.clickedButton() is create


def second_course_warning(running: list[Course]) -> str:
    """What the dialog says when the client already has a running course ("" if none)."""
    if not running:
        return ""
    names = "; ".join(course_label_with_status(c) for c in running)
    verb = "has an active course" if len(running) == 1 else "has active courses"
    return (f"⚠ This client already {verb}: {names}. A second active ketamine course splits "
            "sessions and scores between courses; complete or discontinue the other course "
            "first unless both are meant to run.")
