"""Screening warnings shown when a dosing session opens: the therapist acknowledges them
before recording; the acknowledgement (who, when, the warnings as shown) is stored.

A banner rather than a modal dialog: it sits above the monitoring record, cannot be missed,
and leaves the client's header and the note readable while the screen is reviewed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.services.monitoring import MonitoringService
from kapnotes.ui.widgets.monitoring_style import (
    CAUTION,
    CAUTION_BG,
    banner_style,
    error_label,
    hex_,
    show_message,
)
from kapnotes.ui.widgets.signer_field import bind_signer


class ScreeningAckBanner(QFrame):
    """Lists the session's screening warnings with an "acknowledge" button.

    Signals: `acknowledged(ack_id)` once stored; `review_requested()` for "Review screen…"
    (the owner opens the ScreeningDialog and calls `reload()` after it is saved).
    """

    acknowledged = Signal(int)
    review_requested = Signal()

    def __init__(self, monitoring: MonitoringService, session_id: int, *, by: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitoring = monitoring
        self.session_id = session_id
        self.setObjectName("banner")
        self.setStyleSheet(banner_style(CAUTION, CAUTION_BG, "QFrame#banner")
                           + f" QLabel {{ color: {hex_(CAUTION)}; }}")
        self.setAccessibleName("Screening warnings")
        self.title = QLabel("<b>Before dosing: review the contraindication screen</b>", self)
        self.warnings = QLabel(self)
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Screening warning list")
        self.by = QLineEdit(by, self)
        self.by.setAccessibleName("Acknowledged by")
        bind_signer(self.by, monitoring.vault)
        self.ack_button = QPushButton("I have reviewed these warnings", self)
        self.ack_button.setAccessibleName("Acknowledge screening warnings")
        self.ack_button.clicked.connect(self.acknowledge)
        self.review_button = QPushButton("Review screen…", self)
        self.review_button.setAccessibleName("Review screen")
        self.review_button.clicked.connect(self.review_requested)
        self.error = error_label(self, "Acknowledgement error")
        row = QHBoxLayout()
        row.addWidget(QLabel("Acknowledged by", self))
        self.by.setMaximumWidth(self.by.fontMetrics().horizontalAdvance("M" * 24))
        row.addWidget(self.by, 1)
        row.addWidget(self.ack_button)
        row.addWidget(self.review_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.warnings)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.reload()

    @property
    def pending(self) -> bool:
        return self.monitoring.needs_acknowledgement(self.session_id)

    def reload(self) -> None:
        items = self.monitoring.screening_warnings_for(self.session_id)
        self.warnings.setText("\n".join(f"•  {w.message}" for w in items))
        self.setVisible(self.pending)

    def acknowledge(self) -> None:
        try:
            ack = self.monitoring.acknowledge(self.session_id, by=self.by.text())
        except (ValidationError, ConflictError) as exc:
            show_message(self.error, getattr(exc, "reason", str(exc)))
            return
        show_message(self.error, "")
        self.hide()
        self.acknowledged.emit(ack.id)
