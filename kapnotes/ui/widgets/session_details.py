"""The session header: when and how the session was held, editable until the note is signed.

Saved through `NoteService.update_details` when a control's editing finishes (and on
`flush()`), so a typed clinician name is never lost to a lock or a switch of client.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from kapnotes.domain.dates import human_datetime, qt_datetime_format
from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.models import Modality, Session, SessionKind
from kapnotes.services.notes import NoteService
from kapnotes.ui.widgets.qt_dates import from_qdatetime, to_qdatetime


class SessionDetails(QWidget):
    """Kind, date and time, duration, clinician, modality and (integration) the linked dose."""

    saved = Signal(object)  # the stored Session
    problem = Signal(str)  # plain message, "" when the last save worked

    def __init__(self, notes: NoteService, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notes = notes
        self.session = session
        self._dirty = False
        self._loading = True
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(10)

        self.kind_label = QLabel(session.kind.label, self)
        self.kind_label.setAccessibleName("Session kind")
        self.starts_edit = QDateTimeEdit(self)
        self.starts_edit.setDisplayFormat(qt_datetime_format())
        self.starts_edit.setCalendarPopup(True)
        self.starts_edit.setAccessibleName("Date and time")
        self.duration_spin = QSpinBox(self)
        self.duration_spin.setRange(0, 1440)
        self.duration_spin.setSuffix(" min")
        self.duration_spin.setAccessibleName("Duration in minutes")
        self.clinician_edit = QLineEdit(self)
        self.clinician_edit.setAccessibleName("Clinician")
        self.modality_combo = QComboBox(self)
        self.modality_combo.setAccessibleName("Modality")
        for modality in Modality:
            self.modality_combo.addItem(modality.label, modality)
        self.linked_combo = QComboBox(self)
        self.linked_combo.setAccessibleName("Linked dosing session")
        for widget in (self.starts_edit, self.duration_spin, self.modality_combo):
            widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.starts_edit.setMinimumWidth(190)
        self.duration_spin.setMinimumWidth(110)
        self.modality_combo.setMinimumWidth(150)

        rows: list[tuple[str, QWidget, str, QWidget]] = [
            ("Kind", self.kind_label, "Date and time", self.starts_edit),
            ("Duration", self.duration_spin, "Modality", self.modality_combo),
        ]
        for n, (left, left_widget, right, right_widget) in enumerate(rows):
            self._row(grid, n, 0, left, left_widget)
            self._row(grid, n, 2, right, right_widget)
        self._row(grid, 2, 0, "Clinician", self.clinician_edit, span=3)
        self.linked_title = self._row(grid, 3, 0, "Linked dosing session", self.linked_combo,
                                      span=3)
        # Label/value pairs sit side by side at fixed places; spare width goes to the right.
        grid.setColumnMinimumWidth(0, 90)
        grid.setColumnMinimumWidth(1, 230)
        grid.setColumnMinimumWidth(2, 110)
        grid.setColumnStretch(4, 1)
        grid.setHorizontalSpacing(12)
        self.clinician_edit.setMaximumWidth(460)
        self.linked_combo.setMaximumWidth(460)
        self.linked_combo.setMinimumWidth(300)
        show_link = session.kind is SessionKind.INTEGRATION
        self.linked_title.setVisible(show_link)
        self.linked_combo.setVisible(show_link)
        QWidget.setTabOrder(self.starts_edit, self.duration_spin)
        QWidget.setTabOrder(self.duration_spin, self.modality_combo)
        QWidget.setTabOrder(self.modality_combo, self.clinician_edit)
        QWidget.setTabOrder(self.clinician_edit, self.linked_combo)

        self.show_session(session)
        self.starts_edit.dateTimeChanged.connect(self._mark_dirty)
        self.starts_edit.editingFinished.connect(self.flush)
        self.duration_spin.valueChanged.connect(self._mark_dirty)
        self.duration_spin.editingFinished.connect(self.flush)
        self.clinician_edit.textEdited.connect(self._mark_dirty)
        self.clinician_edit.editingFinished.connect(self.flush)
        # A choice from a list is finished as soon as it is made.
        self.modality_combo.currentIndexChanged.connect(self._changed_now)
        self.linked_combo.currentIndexChanged.connect(self._changed_now)

    def _row(self, grid: QGridLayout, row: int, col: int, text: str, widget: QWidget,
             span: int = 1) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName("detailLabel")
        label.setBuddy(widget)
        grid.addWidget(label, row, col)
        grid.addWidget(widget, row, col + 1, 1, span)
        return label

    # -- showing ---------------------------------------------------------------------------
    def show_session(self, session: Session) -> None:
        self._loading = True
        try:
            self.session = session
            self.starts_edit.setDateTime(to_qdatetime(session.starts_at))
            self.duration_spin.setValue(session.duration_min)
            self.clinician_edit.setText(session.clinician)
            self.modality_combo.setCurrentIndex(list(Modality).index(session.modality))
            self._fill_doses(session)
            self.set_read_only(session.signed)
        finally:
            self._loading = False
        self._dirty = False

    def _fill_doses(self, session: Session) -> None:
        self.linked_combo.clear()
        self.linked_combo.addItem("— none —", None)
        if session.kind is not SessionKind.INTEGRATION:
            return
        doses = [s for s in self.notes.sessions_for_course(session.course_id)
                 if s.kind is SessionKind.DOSING]
        for dose in doses:
            when = human_datetime(dose.starts_at, weekday=True)
            self.linked_combo.addItem(f"Dosing session, {when}", dose.id)
        ids = [d.id for d in doses]
        if session.linked_dosing_id in ids:
            self.linked_combo.setCurrentIndex(ids.index(session.linked_dosing_id) + 1)

    def set_read_only(self, read_only: bool) -> None:
        self.starts_edit.setReadOnly(read_only)
        self.duration_spin.setReadOnly(read_only)
        self.clinician_edit.setReadOnly(read_only)
        self.modality_combo.setEnabled(not read_only)
        self.linked_combo.setEnabled(not read_only)

    # -- saving ----------------------------------------------------------------------------
    def _mark_dirty(self, *_: object) -> None:
        if not self._loading:
            self._dirty = True

    def _changed_now(self, *_: object) -> None:
        if not self._loading:
            self._dirty = True
            self.flush()

    def edited_session(self) -> Session:
        starts = from_qdatetime(self.starts_edit.dateTime())
        return dataclasses.replace(
            self.session,
            starts_at=starts.replace(second=0, microsecond=0),
            duration_min=self.duration_spin.value(),
            clinician=self.clinician_edit.text().strip(),
            modality=Modality(self.modality_combo.currentData()),
            linked_dosing_id=self.linked_combo.currentData(),
        )

    def flush(self) -> bool:
        """Store edited details now; True when nothing is left unsaved."""
        if not self._dirty or self.session.signed:
            return True
        try:
            stored = self.notes.update_details(self.edited_session())
        except KapNotesError as exc:
            self.problem.emit(exc.message)
            return False
        self._dirty = False
        self.session = stored
        self.problem.emit("")
        self.saved.emit(stored)
        return True
