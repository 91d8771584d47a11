"""Parts of the dose section that follow the clinical rules: the reason row that a rule needing
an override opens, the infusion end and booster doses, and the reasons already given.

The reason row never stores anything on its own: the dose section retries the refused change
with the typed reason through `MonitoringService.update_record(…, reason=…)`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.dosing_record import Route
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.services.monitoring import MonitoringService
from kapnotes.ui.widgets.monitoring_style import (
    CAUTION,
    CAUTION_BG,
    banner_style,
    error_label,
    show_message,
)


class OverrideRow(QWidget):
    """"This needs a written reason": the rule's words, a reason box and one button."""

    submitted = Signal(str)
    cancelled = Signal()  # the typed value was not stored: show the stored one again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Rule that needs a reason")
        self.message.setStyleSheet(banner_style(CAUTION, CAUTION_BG))
        self.reason = QLineEdit(self)
        self.reason.setAccessibleName("Reason for going past this rule")
        self.reason.setPlaceholderText("Written reason (kept in the note, the PDF and the "
                                       "audit log)")
        self.button = QPushButton("Record with this reason", self)
        self.button.setAccessibleName("Record with this reason")
        self.button.setEnabled(False)
        self.cancel = QPushButton("Cancel", self)
        self.reason.textChanged.connect(lambda t: self.button.setEnabled(bool(t.strip())))
        self.reason.returnPressed.connect(self._submit)
        # Esc in the reason box cancels the row; without this the page's Esc ("back to the
        # client", kapnotes/ui/widgets/back_keys.py) left the note with the row still open.
        self.reason.installEventFilter(self)
        self.button.clicked.connect(self._submit)
        self.cancel.setAccessibleName("Cancel: keep the stored value")
        self.cancel.clicked.connect(self._cancel)
        row = QHBoxLayout()
        row.addWidget(self.reason, 1)
        row.addWidget(self.button)
        row.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.hide()

    def open_row(self, message: str) -> None:
        self.message.setText(message)
        self.reason.clear()
        self.show()
        self.reason.setFocus()

    def close_row(self) -> None:
        self.reason.clear()
        self.hide()

    def _cancel(self) -> None:
        self.close_row()
        self.cancelled.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        is_esc = (isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape
                  and event.modifiers() == Qt.KeyboardModifier.NoModifier)
        if watched is self.reason and is_esc:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # the key comes here as a key press, not as a shortcut
                return True
            if event.type() == QEvent.Type.KeyPress:
                self._cancel()
                return True
        return super().eventFilter(watched, event)

    def _submit(self) -> None:
        if self.reason.text().strip():
            self.submitted.emit(self.reason.text().strip())


class InfusionAndBoosters(QWidget):
    """For IV/IM doses: infusion end (the start is the dose time) and booster doses."""

    changed = Signal()

    def __init__(self, monitoring: MonitoringService, session_id: int,
                 clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitoring = monitoring
        self.session_id = session_id
        self.clock = clock
        self.end_button = QPushButton("Infusion ended now", self)
        self.end_button.setAccessibleName("Infusion ended now")
        self.end_button.clicked.connect(self.infusion_ended)
        self.infusion = QLabel(self)
        self.infusion.setAccessibleName("Infusion times")
        self.booster_mg = QLineEdit(self)
        self.booster_mg.setAccessibleName("Booster dose (mg)")
        self.booster_mg.setPlaceholderText("booster mg")
        self.booster_mg.setMaximumWidth(110)
        self.booster_button = QPushButton("Booster given now", self)
        self.booster_button.setAccessibleName("Booster given now")
        self.booster_button.clicked.connect(self.booster_now)
        self.booster_mg.returnPressed.connect(self.booster_now)
        self.undo_booster = QPushButton("Remove last booster", self)
        self.undo_booster.setAccessibleName("Remove last booster")
        self.undo_booster.clicked.connect(self.remove_last_booster)
        self.boosters = QLabel(self)
        self.boosters.setAccessibleName("Booster doses")
        self.error = error_label(self, "Infusion error")
        row = QHBoxLayout()
        row.addWidget(self.end_button)
        row.addWidget(self.infusion, 1)
        row.addWidget(self.booster_mg)
        row.addWidget(self.booster_button)
        row.addWidget(self.undo_booster)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.boosters)
        layout.addWidget(self.error)

    def infusion_ended(self) -> None:
        try:
            self.monitoring.update_record(self.session_id, {"infusion_end_at": self.clock()})
        except (ValidationError, ConflictError) as exc:
            show_message(self.error, getattr(exc, "reason", str(exc)))
            return
        show_message(self.error, "")
        self.refresh()
        self.changed.emit()

    def booster_now(self) -> None:
        try:
            self.monitoring.doses.add_booster(self.session_id, self.booster_mg.text(),
                                              self.clock())
        except (ValidationError, ConflictError) as exc:
            show_message(self.error, getattr(exc, "reason", str(exc)))
            return
        show_message(self.error, "")
        self.booster_mg.clear()
        self.refresh()
        self.changed.emit()

    def remove_last_booster(self) -> None:
        """Undo a mistyped booster while the note is a draft."""
        boosters = self.monitoring.doses.boosters(self.session_id)
        if not boosters:
            return
        try:
            self.monitoring.doses.remove_booster(self.session_id, boosters[-1].id)
        except (ValidationError, ConflictError) as exc:
            show_message(self.error, getattr(exc, "reason", str(exc)))
            return
        self.refresh()
        self.changed.emit()

    def refresh(self) -> None:
        d = self.monitoring.details(self.session_id)
        self.setVisible(d.route in (Route.IV, Route.IM))
        self.end_button.setVisible(d.route is Route.IV)
        start = self.monitoring.first_device_at(self.session_id)
        parts = []
        if d.route is Route.IV:
            parts.append(f"Started {start:%H:%M}" if start
                         else "Not started: press “Infusion started now”")
            if d.infusion_end_at is not None:
                parts.append(f"ended {d.infusion_end_at:%H:%M}")
                if start is not None:
                    minutes = round((d.infusion_end_at - start).total_seconds() / 60)
                    parts.append(f"over {minutes} min")
        self.infusion.setText(" · ".join(parts))
        boosters = self.monitoring.doses.boosters(self.session_id)
        self.boosters.setText("Boosters: " + ", ".join(
            f"{b.dose_mg:g} mg at {b.given_at:%H:%M}" for b in boosters) if boosters else "")
        self.boosters.setVisible(bool(boosters))
        self.undo_booster.setVisible(bool(boosters))

    def set_editable(self, editable: bool) -> None:
        for w in (self.end_button, self.booster_mg, self.booster_button, self.undo_booster):
            w.setEnabled(editable)


def overrides_text(monitoring: MonitoringService, session_id: int) -> str:
    """The rules gone past and the reasons given, worded as the session PDF words them
    ("Rule overridden by … at …: … Written reason: …")."""
    return "\n".join(
        f"Rule overridden{' by ' + o.given_by if o.given_by else ''} at {o.given_at:%H:%M}: "
        f"{o.message} Written reason: {o.reason}"
        for o in monitoring.doses.overrides(session_id))


def overrides_label(parent: QWidget) -> QLabel:
    # In the caution colour, not grey: a dose five times the usual stays in sight after
    # its reason was written (seen on a real X server).
    label = QLabel(parent)
    label.setStyleSheet(banner_style(CAUTION, CAUTION_BG))
    label.setWordWrap(True)
    label.setAccessibleName("Reasons given for rules")
    return label
