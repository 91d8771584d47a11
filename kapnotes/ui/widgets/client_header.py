"""Top of the client page: who this is (name, code, age), archived badge, risk flags, medicine
flags and contraindication-screen warnings (with Screen… beside them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kapnotes.domain.approval_model import ApprovalWarning
from kapnotes.domain.course_items import RiskFlag
from kapnotes.domain.dates import human_date
from kapnotes.domain.dosing_record import ClientWeight
from kapnotes.domain.models import Client
from kapnotes.domain.review_model import ReviewStatus
from kapnotes.domain.risk import RiskStatus
from kapnotes.domain.screening import MedicineClass, ScreeningWarning, WarningKind
from kapnotes.ui.widgets.approval_warnings import ApprovalWarnings
from kapnotes.ui.widgets.review_summary import ReviewSummaryLine
from kapnotes.ui.widgets.risk_badge import RiskBadge
from kapnotes.ui.widgets.slot_style import MUTED_COLOURS, WARNING_COLOURS, style_sheet_colour


def describe_client(client: Client, today: date) -> str:
    parts = [client.code]
    if client.preferred_name and client.preferred_name != client.full_name:
        parts.append(client.full_name)
    age = client.age_on(today)
    if age is not None and client.date_of_birth is not None:
        parts.append(f"{age} y (born {human_date(client.date_of_birth)})")
    else:
        parts.append("date of birth not recorded")
    if client.prescriber:
        parts.append(f"prescriber {client.prescriber}")
    return " · ".join(parts)


def flags_text(flags: dict[str, tuple[MedicineClass, ...]]) -> str:
    if not flags:
        return ""
    items = [f"{med} ({', '.join(c.label for c in classes)})" for med, classes in flags.items()]
    return "⚠ Concomitant medicines — review before dosing: " + "; ".join(items)


def screening_text(warnings: Sequence[ScreeningWarning],
                   flags: dict[str, tuple[MedicineClass, ...]]) -> str:
    """The screen's warnings, one per line; a medicine already flagged above is not repeated."""
    flagged = {name.strip().casefold() for name in flags}
    lines = [w.message for w in warnings
             if not (w.kind is WarningKind.MEDICINE and w.subject.casefold() in flagged)]
    return "\n".join(f"⚠ {line}" for line in lines)


class ClientHeader(QWidget):
    """Display only, but for Screen… (`screen_requested`); the page adds its action buttons."""

    screen_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_label = QLabel(self)
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_label.setAccessibleName("Client name")
        self.archived_badge = QLabel("Archived", self)
        self.archived_badge.setAccessibleName("Archived")
        muted = style_sheet_colour(MUTED_COLOURS)
        self.archived_badge.setStyleSheet(
            f"color: {muted}; border: 1px solid {muted}; border-radius: 3px; padding: 1px 6px;"
            " font-weight: 600;"
        )
        self.meta_label = QLabel(self)
        self.meta_label.setAccessibleName("Client details")
        self.meta_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.flags_label = QLabel(self)
        self.flags_label.setWordWrap(True)
        self.flags_label.setAccessibleName("Concomitant medicine flags")
        self._warning_style = (f"color: {style_sheet_colour(WARNING_COLOURS)};"
                               " font-weight: 600;")
        self.flags_label.setStyleSheet(self._warning_style)
        self.risk_badge = RiskBadge(self)
        self.screening_label = QLabel(self)
        self.screening_label.setWordWrap(True)
        self.screening_label.setTextFormat(Qt.TextFormat.PlainText)
        self.screening_label.setAccessibleName("Contraindication screen warnings")
        self.screen_button = QPushButton("Screen…", self)
        self.screen_button.setAccessibleName("Contraindication screen")
        self.screen_button.setToolTip("Review or record the contraindication screen")
        self.screen_button.clicked.connect(self.screen_requested)
        screening = QHBoxLayout()
        screening.setContentsMargins(0, 0, 0, 0)
        screening.addWidget(self.screening_label, 1)
        screening.addWidget(self.screen_button, 0, Qt.AlignmentFlag.AlignTop)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.name_label)
        top.addWidget(self.archived_badge)
        top.addStretch(1)
        self.actions_layout = top  # the page appends its Edit / Archive / Delete buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.meta_label)
        layout.addSpacing(4)
        layout.addWidget(self.risk_badge)  # first: the one thing that must not be missed
        layout.addWidget(self.flags_label)
        layout.addLayout(screening)
        # Permits and authorisations lapsing, lapsed or needed (docs/JURISDICTIONS.md).
        self.approvals = ApprovalWarnings(self)
        layout.addWidget(self.approvals)
        self.reviews = ReviewSummaryLine(self)  # notes sent for supervision, by status
        layout.addWidget(self.reviews)

    def show_client(self, client: Client, today: date,
                    flags: dict[str, tuple[MedicineClass, ...]], *,
                    risk_flags: Sequence[RiskFlag] = (), risk: RiskStatus | None = None,
                    screening: Sequence[ScreeningWarning] = (),
                    weight: ClientWeight | None = None,
                    approvals: Sequence[ApprovalWarning] = (),
                    reviews: Mapping[ReviewStatus, int] | None = None) -> None:
        self.name_label.setText(client.display_name)
        self.archived_badge.setVisible(client.archived)
        meta = describe_client(client, today)
        if weight is not None:  # with its date: a weight months old is not today's weight
            meta += f" · Weight {weight.shown()} ({human_date(weight.measured_on)})"
        self.meta_label.setText(meta)
        text = flags_text(flags)
        self.flags_label.setText(text)
        self.flags_label.setVisible(bool(text))
        self.risk_badge.set_status(risk if risk is not None else RiskStatus(tuple(risk_flags)))
        self.approvals.show_warnings(approvals)
        self.reviews.show_counts(reviews or {})
        warnings = screening_text(screening, flags)
        self.screening_label.setText(warnings or "Contraindication screen: nothing to review.")
        sheet = self._warning_style if warnings else f"color: {style_sheet_colour(MUTED_COLOURS)};"
        if sheet != self.screening_label.styleSheet():  # setting one re-polishes (each open)
            self.screening_label.setStyleSheet(sheet)
