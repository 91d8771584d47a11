"""Record a client's contraindication and caution screen: each condition yes / no / not
known with a note, concomitant medicines, who screened and when. Saving adds a new screen;
earlier ones are kept as history. Tests drive it without `exec()`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.dates import qt_date_format
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem, medicine_classes
from kapnotes.services.monitoring import MonitoringService
from kapnotes.ui.widgets.monitoring_style import error_label, muted, show_message
from kapnotes.ui.widgets.qt_dates import from_qdate, to_qdate
from kapnotes.ui.widgets.radio_keys import arrows_choose
from kapnotes.ui.widgets.signer_field import bind_signer

_ANSWER_TEXT = {Answer.YES: "Yes", Answer.NO: "No", Answer.UNKNOWN: "Not known"}


class ScreeningDialog(QDialog):
    """`saved(screen_id)` after a screen is stored; the dialog then closes."""

    saved = Signal(int)

    def __init__(self, monitoring: MonitoringService, client_id: int, *, screened_by: str = "",
                 medicines: Sequence[str] = (), clock: Callable[[], datetime] = datetime.now,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Contraindication screen")
        self.monitoring = monitoring
        self.client_id = client_id
        previous = monitoring.screening.latest(client_id)
        grid = QGridLayout()
        grid.setColumnStretch(4, 1)
        self.groups: dict[ScreenItem, QButtonGroup] = {}
        self.notes: dict[ScreenItem, QLineEdit] = {}
        for row, item in enumerate(ScreenItem):
            grid.addWidget(QLabel(item.label, self), row, 0)
            group = QButtonGroup(self)
            for col, answer in enumerate(Answer, start=1):
                button = QRadioButton(_ANSWER_TEXT[answer], self)
                button.setAccessibleName(f"{item.label}: {_ANSWER_TEXT[answer]}")
                group.addButton(button, col)
                button.setProperty("answer", answer.value)
                grid.addWidget(button, row, col)
            note = QLineEdit(self)
            note.setAccessibleName(f"{item.label} note")
            note.setPlaceholderText("note")
            grid.addWidget(note, row, 4)
            self.groups[item], self.notes[item] = arrows_choose(group), note
            if previous is not None:
                prior = previous.screen.answer_for(item)
                self.set_answer(item, prior.answer, prior.note)
        self.medicines = QPlainTextEdit(self)
        self.medicines.setAccessibleName("Concomitant medicines")
        self.medicines.setPlaceholderText("One medicine per line, e.g. sertraline 100 mg mane")
        self.medicines.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        # A re-screen checks what the client takes now: the record's list, else the last screen's.
        start = tuple(medicines) or (previous.screen.medicines if previous else ())
        self.medicines.setPlainText("\n".join(start))
        self.medicine_flags = muted(QLabel(self))
        self.medicine_flags.setWordWrap(True)
        self.medicines.textChanged.connect(self._flag_medicines)
        self.screened_on = QDateEdit(self)
        self.screened_on.setAccessibleName("Screened on")
        self.screened_on.setCalendarPopup(True)
        self.screened_on.setDisplayFormat(qt_date_format())
        today = clock().date()
        self.screened_on.setDate(to_qdate(today))
        self.screened_by = QLineEdit(screened_by, self)
        self.screened_by.setAccessibleName("Screened by")
        bind_signer(self.screened_by, monitoring.vault,
                    previous.screened_by if previous is not None else "")
        form = QFormLayout()
        form.addRow("Concomitant medicines", self.medicines)
        form.addRow("", self.medicine_flags)
        form.addRow("Screened on", self.screened_on)
        form.addRow("Screened by", self.screened_by)
        self.error = error_label(self, "Screen error")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(muted(QLabel("Answer every item; “not known” is shown as a warning "
                                      "before each dose until it is found out.", self)))
        layout.addLayout(grid)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        # A refusal goes as soon as the form is changed, so no error outlives its cause.
        self.screened_by.textChanged.connect(self._edited)
        for group in self.groups.values():
            group.idToggled.connect(self._edited)
        self._flag_medicines()

    def _edited(self, *_: object) -> None:
        show_message(self.error, "")

    def set_answer(self, item: ScreenItem, answer: Answer, note: str = "") -> None:
        for button in self.groups[item].buttons():
            if button.property("answer") == answer.value:
                button.setChecked(True)
        self.notes[item].setText(note)

    def answer(self, item: ScreenItem) -> Answer:
        checked = self.groups[item].checkedButton()
        return Answer(checked.property("answer")) if checked else Answer.UNKNOWN

    def _flag_medicines(self) -> None:
        flags = []
        for line in self.medicines.toPlainText().splitlines():
            classes = medicine_classes(line)
            if classes:
                flags.append(f"{line.strip()}: {', '.join(c.label for c in classes)}")
        self.medicine_flags.setText("To note: " + "; ".join(flags) if flags else "")
        self.medicine_flags.setVisible(bool(flags))

    def entered_screen(self) -> Screen:
        answers = tuple(ScreenAnswer(item, self.answer(item), self.notes[item].text())
                        for item in ScreenItem if self.groups[item].checkedButton() is not None)
        medicines = tuple(m.strip() for m in self.medicines.toPlainText().splitlines()
                          if m.strip())
        return Screen(from_qdate(self.screened_on.date()), answers, medicines)

    def save(self) -> None:
        try:
            stored = self.monitoring.save_screen(self.client_id, self.entered_screen(),
                                                 screened_by=self.screened_by.text())
        except ValidationError as exc:
            show_message(self.error, str(exc))
            return
        self.saved.emit(stored.id)
        self.accept()
