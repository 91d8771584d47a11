"""A risk flag that cannot be missed: PHQ-9 item 9, C-SSRS moderate/high.

Text first ("⚠ RISK"), colour second, so it reads the same without colour. `RiskBadge` goes in
the client header; `risk_mark()` is the short text for a session row.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QWidget

from kapnotes.domain.course_items import RiskFlag
from kapnotes.domain.dates import short_date
from kapnotes.ui.widgets.slot_style import ERROR_COLOURS, pick

RISK_MARK = "⚠ risk"


def risk_text(flags: Sequence[RiskFlag]) -> str:
    """One line: "⚠ RISK — PHQ-9: Self-harm thoughts … (12 Oct); C-SSRS screener: …"."""
    if not flags:
        return ""
    parts = [f"{f.scale_name}: {f.label} ({short_date(f.taken_on)})" for f in flags]
    return "⚠ RISK — " + "; ".join(parts)


def risk_mark(flags: Sequence[RiskFlag]) -> str:
    """The mark for a session row (empty when the session raised no flag)."""
    return RISK_MARK if flags else ""


class RiskBadge(QLabel):
    """Hidden when there is no flag; bold on a red band when there is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName("Risk flags")
        self.flags: tuple[RiskFlag, ...] = ()
        self._restyle()
        self.hide()

    def _restyle(self) -> None:
        red = pick(ERROR_COLOURS)
        text = "#ffffff" if red.lightness() < 140 else "#1a1a1a"
        self.setStyleSheet(
            f"QLabel {{ background: {red.name()}; color: {text}; font-weight: 700;"
            " border-radius: 4px; padding: 4px 8px; }"
        )

    def set_flags(self, flags: Sequence[RiskFlag]) -> None:
        self.flags = tuple(flags)
        text = risk_text(self.flags)
        self.setText(text)
        self.setAccessibleDescription(text)
        self.setToolTip("Review risk now. Raised by the newest answered measure of each scale.")
        self._restyle()
        self.setVisible(bool(self.flags))
