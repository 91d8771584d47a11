"""Create or edit a client record; a refused field is named beside the form and focused."""

from __future__ import annotations

import dataclasses
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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

from kapnotes.domain.dates import date_hint, human_date, parse_date
from kapnotes.domain.errors import ConflictError, KapNotesError, ValidationError
from kapnotes.domain.models import Client
from kapnotes.domain.screening import medicine_classes
from kapnotes.services.client_intake import save_client
from kapnotes.services.container import Services
from kapnotes.ui.widgets.form_errors import FieldErrors, error_label
from kapnotes.ui.widgets.pbs_section import PbsSection
from kapnotes.ui.widgets.slot_style import MUTED_COLOURS, WARNING_COLOURS, style_sheet_colour
from kapnotes.ui.widgets.weight_entry import WeightEntry


def parse_dob(text: str) -> date | None:
    """A date as typed ("7 Mar 1981", "07/03/1981" in the locale's order, ISO); empty means
    not recorded. The one parser and form are kapnotes/domain/dates.py's."""
    if not text.strip():
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise ValidationError("Date of birth", f"is not a date; write it like "
                              f"{human_date(date(1981, 3, 7))}.") from None


def medicine_notes(lines: list[str]) -> list[str]:
    """One line per medicine that docs/DOMAIN.md asks to record before dosing."""
    notes = []
    for line in lines:
        classes = medicine_classes(line)
        if classes:
            labels = ", ".join(c.label for c in classes)
            notes.append(f"{line.strip()} — {labels}: record, review before dosing")
    return notes


def _plain(parent: QWidget, name: str, height: int) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


class ClientDialog(QDialog):
    """New client (client_id None) or edit; emits `saved(client_id)` once stored."""

    saved = Signal(int)

    def __init__(self, services: Services, client_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.client: Client | None = services.clients.get(client_id) if client_id else None
        self.setWindowTitle("Edit client" if self.client else "New client")
        self.setMinimumSize(860, 560)
        self.resize(1000, 690)
        self._build()
        if self.client is not None:
            self._load(self.client)
        self._update_dob_hint()
        self._update_medicine_note()

    # -- layout --------------------------------------------------------------------------
    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _build(self) -> None:
        self._build_fields()
        scroll = self._build_columns()
        self.error_label = error_label(self)
        buttons = self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.errors = FieldErrors(self.error_label, {
            "Client code": self.code_edit, "Full name": self.full_name_edit,
            "Preferred name": self.preferred_name_edit, "Date of birth": self.dob_edit,
            "Phone": self.phone_edit, "Email": self.email_edit, "Address": self.address_edit,
            "Support person": self.support_person_edit,
            "Relationship": self.support_relationship_edit,
            "Support person phone": self.support_phone_edit,
            "Other names": self.other_names_edit,
            "Referring clinician": self.referring_edit, "Prescriber": self.prescriber_edit,
            "Diagnosis": self.diagnosis_edit, "Adequate antidepressant trials": self.trials_spin,
            "Current medicines": self.medicines_edit, "Background": self.background_edit,
            "Weight": self.weight.edit,
        })
        self.dob_edit.textChanged.connect(self._update_dob_hint)
        self.medicines_edit.textChanged.connect(self._update_medicine_note)
        self.code_edit.setFocus()

    def _build_fields(self) -> None:
        """One input per field of the client record."""
        self.code_edit = self._line("Client code", "e.g. KAP-014 (no names or birth dates)")
        self.code_edit.setMaxLength(16)
        self.full_name_edit = self._line("Full name")
        self.preferred_name_edit = self._line("Preferred name", "optional")
        self.dob_edit = self._line("Date of birth", f"{date_hint()} — leave empty if not known")
        self.dob_hint = QLabel(self)
        self.phone_edit = self._line("Phone")
        self.email_edit = self._line("Email")
        self.address_edit = _plain(self, "Address", 52)
        self.support_person_edit = self._line("Support person", "emergency contact")
        self.support_relationship_edit = self._line("Relationship", "e.g. partner")
        self.support_phone_edit = self._line("Support person phone")
        self.other_names_edit = self._line(
            "Other names", "family members, nicknames — comma-separated")
        self.other_names_edit.setToolTip(
            "Names of family members and nicknames the client may mention. They are never "
            "printed in a de-identified export and are replaced wherever notes mention them.")
        self.referring_edit = self._line("Referring clinician")
        self.prescriber_edit = self._line("Prescriber")
        self.diagnosis_edit = _plain(self, "Diagnosis and treatment history", 64)
        self.trials_spin = QSpinBox(self)
        self.trials_spin.setRange(-1, 50)
        self.trials_spin.setSpecialValueText("Not recorded")
        self.trials_spin.setValue(-1)
        self.trials_spin.setAccessibleName("Adequate antidepressant trials")
        self.medicines_edit = _plain(self, "Current medicines, one per line", 84)
        self.medicines_edit.setPlaceholderText("One per line, e.g. Sertraline 100 mg mane")
        self.medicine_note = QLabel(self)
        self.medicine_note.setWordWrap(True)
        self.medicine_note.setAccessibleName("Concomitant medicines")
        self.background_edit = _plain(self, "Background", 96)
        self.weight = WeightEntry(self._weight_warning, self)

    def _build_columns(self) -> QScrollArea:
        """Identity, contact and support on the left; clinicians and clinical on the right."""
        identity = self._group("Client", [
            ("Client &code:", self.code_edit), ("&Full name:", self.full_name_edit),
            ("&Preferred name:", self.preferred_name_edit), ("Date of &birth:", self.dob_edit),
            ("", self.dob_hint),
        ])
        contact = self._group("Contact", [
            ("Phone:", self.phone_edit), ("Email:", self.email_edit),
            ("Address:", self.address_edit),
        ])
        support = self._group("Support person / emergency contact", [
            ("Name:", self.support_person_edit), ("Relationship:", self.support_relationship_edit),
            ("Phone:", self.support_phone_edit), ("&Other names:", self.other_names_edit),
        ])
        clinicians = self._group("Clinicians", [
            ("Referred by:", self.referring_edit), ("Prescriber:", self.prescriber_edit),
        ])
        clinical = self._group("Clinical", [
            ("Diagnosis and\ntreatment history:", self.diagnosis_edit),
            ("Adequate anti-\ndepressant trials:", self.trials_spin),
            ("Current &medicines:", self.medicines_edit), ("", self.medicine_note),
            ("&Weight:", self.weight),
            ("Background:", self.background_edit),
        ])
        left, right = QVBoxLayout(), QVBoxLayout()
        for box in (identity, contact, support):
            left.addWidget(box)
        left.addStretch(1)
        self.pbs = PbsSection(self.services, self.client.id if self.client else None, self)
        for box in (clinicians, clinical, self.pbs):
            right.addWidget(box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        inner = QWidget(self)
        inner.setLayout(columns)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        return scroll

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(self)
        self.save_button = QPushButton("Save", self)
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.save_button.setAccessibleName("Save client")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        return buttons

    def _group(self, title: str, rows: list[tuple[str, QWidget]]) -> QGroupBox:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget in rows:
            form.addRow(label, widget)
        return box

    # -- data ----------------------------------------------------------------------------
    def _load(self, c: Client) -> None:
        self.weight.set_last(self.services.monitoring.doses.latest_weight(int(c.id or 0)))
        self.code_edit.setText(c.code)
        self.full_name_edit.setText(c.full_name)
        self.preferred_name_edit.setText(c.preferred_name)
        if c.date_of_birth is not None:
            self.dob_edit.setText(human_date(c.date_of_birth))
        self.phone_edit.setText(c.phone)
        self.email_edit.setText(c.email)
        self.address_edit.setPlainText(c.address)
        self.support_person_edit.setText(c.support_person)
        self.support_relationship_edit.setText(c.support_relationship)
        self.support_phone_edit.setText(c.support_phone)
        self.other_names_edit.setText(c.other_names)
        self.referring_edit.setText(c.referring_clinician)
        self.prescriber_edit.setText(c.prescriber)
        self.diagnosis_edit.setPlainText(c.diagnosis)
        self.trials_spin.setValue(-1 if c.antidepressant_trials is None
                                  else c.antidepressant_trials)
        self.medicines_edit.setPlainText("\n".join(c.medicines))
        self.background_edit.setPlainText(c.background)

    def _medicine_lines(self) -> list[str]:
        return [line.strip() for line in self.medicines_edit.toPlainText().splitlines()
                if line.strip()]

    def to_client(self) -> Client:
        """The record as typed (not yet validated by the service, apart from the date)."""
        trials = self.trials_spin.value()
        # An existing record keeps what the form does not show (its id, archiving).
        base = self.client or Client(code="", full_name="")
        return dataclasses.replace(
            base,
            code=self.code_edit.text(),
            full_name=self.full_name_edit.text(),
            preferred_name=self.preferred_name_edit.text(),
            date_of_birth=parse_dob(self.dob_edit.text()),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
            address=self.address_edit.toPlainText(),
            support_person=self.support_person_edit.text(),
            support_relationship=self.support_relationship_edit.text(),
            support_phone=self.support_phone_edit.text(),
            other_names=self.other_names_edit.text(),
            referring_clinician=self.referring_edit.text(),
            prescriber=self.prescriber_edit.text(),
            diagnosis=self.diagnosis_edit.toPlainText(),
            antidepressant_trials=None if trials < 0 else trials,
            medicines=tuple(self._medicine_lines()),
            background=self.background_edit.toPlainText(),
        )

    def save(self) -> None:
        """Validate and store; on refusal nothing is saved and the field is named."""
        self.errors.clear()
        try:
            client = self.to_client()
            weight = self.weight.entered()
            stored = save_client(self.services, client, new=self.client is None,
                                 weight=weight)  # the client and the weight, or neither
        except ConflictError as exc:
            # The only conflict a client record can hit is a code already in use.
            self.errors.show(ValidationError("Client code", str(exc)))
            return
        except KapNotesError as exc:
            self.errors.show(exc)
            return
        self.client = stored
        if not self.pbs.save_details(only_if_changed=True):  # typed details kept, or named
            return
        self.saved.emit(int(stored.id or 0))
        self.accept()

    # -- live hints ----------------------------------------------------------------------
    def _weight_warning(self, kg: float) -> str:
        if self.client is None or self.client.id is None:
            return ""
        return self.services.monitoring.doses.weight_warning(
            self.client.id, kg, self.services.clock().date())

    def _update_dob_hint(self) -> None:
        muted = style_sheet_colour(MUTED_COLOURS)
        try:
            dob = parse_dob(self.dob_edit.text())
        except ValidationError:
            self.dob_hint.setText(f"Not a date yet: {date_hint()}")
            self.dob_hint.setStyleSheet(f"color: {muted};")
            return
        today = self.services.clock().date()
        if dob is None:
            self.dob_hint.setText("Not recorded")
        elif dob > today:
            self.dob_hint.setText("In the future")
        else:
            probe = Client(code="", full_name="", date_of_birth=dob)
            self.dob_hint.setText(f"Age {probe.age_on(today)}")
        self.dob_hint.setStyleSheet(f"color: {muted};")

    def _update_medicine_note(self) -> None:
        notes = medicine_notes(self._medicine_lines())
        if notes:
            self.medicine_note.setText("⚠ Concomitant medicines:\n" + "\n".join(notes))
            colour = style_sheet_colour(WARNING_COLOURS)
            self.medicine_note.setStyleSheet(f"color: {colour};")
        else:
            self.medicine_note.setText(
                "Benzodiazepines, other sedative hypnotics, psychostimulants, MAOIs and "
                "opioids are flagged here as you type."
            )
            self.medicine_note.setStyleSheet(f"color: {style_sheet_colour(MUTED_COLOURS)};")
        self.medicine_note.setTextFormat(Qt.TextFormat.PlainText)
