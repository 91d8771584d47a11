"""Rating-scale risk that cannot be missed: the suicide item of any scale (PHQ-9 item 9,
MADRS item 10, C-SSRS), and a suicide item left unasked because only a total was entered.

Text first ("⚠ SUICIDE RISK"), colour second, so it reads the same without colour. The wording
is `kapnotes.domain.risk`'s, the same as in the PDFs. `RiskBadge` goes in the client header
and the measure dialog; `risk_mark()` is the short text for a session row.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from kapnotes.domain.course_items import RiskFlag
from kapnotes.domain.dates import short_date
from kapnotes.domain.risk import RiskStatus, banner_lines
from kapnotes.ui.widgets.slot_style import ERROR_COLOURS, WARNING_COLOURS, pick

RISK_MARK = "⚠ risk"


def risk_text(flags: Sequence[RiskFlag] | RiskStatus) -> str:
    """The banner's lines: a heading per kind of risk, then one line per flag or gap."""
    status = flags if isinstance(flags, RiskStatus) else RiskStatus(tuple(flags))
    return "\n".join(banner_lines(status, short_date))


def risk_mark(flags: Sequence[RiskFlag]) -> str:
    """The mark for a session row (empty when the session raised no flag)."""
    return RISK_MARK if flags else ""


class RiskBadge(QLabel):
    """Hidden when there is nothing to say; bold on a red band for a flag, on an amber band
    when a suicide item was not asked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName("Risk flags")
        self.flags: tuple[RiskFlag, ...] = ()
        self.status = RiskStatus()
        self._restyle()
        self.hide()

    def _restyle(self) -> None:
        band = pick(ERROR_COLOURS if self.flags or not self.status.not_asked
                    else WARNING_COLOURS)
        text = "#ffffff" if band.lightness() < 140 else "#1a1a1a"
        sheet = (f"QLabel {{ background: {band.name()}; color: {text}; font-weight: 700;"
                 " border-radius: 4px; padding: 4px 8px; }")
        if sheet != self.styleSheet():  # setting one re-polishes the badge (each client open)
            self.setStyleSheet(sheet)

    def set_flags(self, flags: Sequence[RiskFlag]) -> None:
        self.set_status(RiskStatus(tuple(flags)))

    def set_status(self, status: RiskStatus) -> None:
        self.status = status
        self.flags = status.flags
        text = risk_text(status)
        self.setText(text)
        self.setAccessibleDescription(text)
        self.setToolTip("Review risk now. Raised by the newest answered measure of each scale; "
                        "a total entered alone does not ask the suicide item.")
        self._restyle()
        self.setVisible(bool(text))
        self._fit()

    def _fit(self) -> None:
        # A page in a scroll area squeezes a wrapped label to one line; every line must show.
        # QLabel's heightForWidth never answers less than the minimum height, so the old
        # minimum goes first: else a height fitted to a narrow width stayed once widened
        # (the header's banner grew to 190 px for two lines).
        width = self.width() if self.width() > 50 else 600
        self.setMinimumHeight(0)
        self.setMinimumHeight(self.heightForWidth(width) if self.text() else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()
