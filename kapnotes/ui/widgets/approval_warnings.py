"""Approval warnings in the caution colour (docs/JURISDICTIONS.md, "Approvals"): an approval
lapsing within the pack's days, lapsed, a planned dose after its end, or treatment past the
point one is needed with none recorded. Shown in the client header (above the schedule) and
under the dose; hidden when there is nothing to say. The tooltip names the sources."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from kapnotes.domain.approval_model import ApprovalWarning
from kapnotes.services.changes import Changes
from kapnotes.services.container import Services
from kapnotes.ui.change_signals import on_changes
from kapnotes.ui.widgets.slot_style import WARNING_COLOURS, style_sheet_colour


class ApprovalWarnings(QLabel):
    def __init__(self, parent: QWidget | None = None, *, kinds: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.kinds = tuple(kinds)  # which warnings this place shows (empty: all)
        self.setObjectName("approval_warnings")
        self.setAccessibleName("Approval warnings")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(f"color: {style_sheet_colour(WARNING_COLOURS)}; font-weight: 600;")
        self.warnings: list[ApprovalWarning] = []
        self.hide()

    def show_warnings(self, warnings: Sequence[ApprovalWarning]) -> None:
        self.warnings = [w for w in warnings if not self.kinds or w.kind in self.kinds]
        self.setText("\n".join(f"⚠ {w.message}" for w in self.warnings))
        self.setToolTip("\n".join(sorted({f"Source: {w.source}" for w in self.warnings})))
        # A wrapped label in a crowded layout can be squeezed below its lines: keep one line
        # of height per warning at least.
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * len(self.warnings) + 2)
        self.setVisible(bool(self.warnings))


class DoseApprovalWarnings(ApprovalWarnings):
    """Under the dose: the approvals that do not cover this dose's day or lapse soon, for the
    medicine the record names; follows the record and the approvals as they change."""

    def __init__(self, services: Services, session_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dose_approval_warnings")
        self.approvals = services.approvals
        self.session_id = session_id
        on_changes(services, self, self._changed)
        self.reload()

    def _changed(self, changes: Changes) -> None:
        if changes.touches("monitoring", "sessions", session_id=self.session_id) \
                or changes.touches("clients"):
            self.reload()

    def reload(self) -> None:
        self.show_warnings(self.approvals.session_warnings(self.session_id))
