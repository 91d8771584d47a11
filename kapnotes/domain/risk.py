"""What the rating scales say about risk now, worded once for the header, the course view and
every PDF, so the same answers read the same everywhere.

A flag whose topic is "suicide" (PHQ-9 item 9, MADRS item 10, the C-SSRS levels: the topic is
set in each scale file) raises the one suicide-risk banner, whichever scale asked. A scale whose
newest administration was entered as a total alone did not ask its suicide item: that is said
("suicide risk item not asked"), never read as "no risk".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kapnotes.domain.course_items import RiskFlag
from kapnotes.domain.scale_model import SUICIDE

SUICIDE_BANNER = "⚠ SUICIDE RISK — review now"
OTHER_BANNER = "⚠ RISK"
NOT_ASKED = "suicide risk item not asked"
NO_FLAGS = "No current risk flags from rating scales."
NEVER_ASKED = "No rating scale has asked about suicide risk yet."

DateText = Callable[[date], str]


@dataclass(frozen=True)
class RiskGap:
    """A scale that asks about suicide whose newest administration left that item unknown."""

    measure_id: int
    scale_id: str
    scale_name: str
    taken_on: date
    session_id: int | None = None


@dataclass(frozen=True)
class RiskStatus:
    """Current scale risk for one client (as of a date, for a note written then).

    `asked` is True when some newest answered administration put a suicide question.
    """

    flags: tuple[RiskFlag, ...] = ()
    not_asked: tuple[RiskGap, ...] = ()
    asked: bool = False

    @property
    def suicide_flags(self) -> tuple[RiskFlag, ...]:
        return tuple(f for f in self.flags if f.topic == SUICIDE)

    @property
    def other_flags(self) -> tuple[RiskFlag, ...]:
        return tuple(f for f in self.flags if f.topic != SUICIDE)

    @property
    def has_risk(self) -> bool:
        return bool(self.flags)

    @property
    def needs_attention(self) -> bool:
        """Something to show in a banner: a flag, or a suicide item left unasked."""
        return bool(self.flags or self.not_asked)


def flag_text(flag: RiskFlag, when: DateText) -> str:
    """`PHQ-9, 12 Oct 2026: Self-harm thoughts (PHQ-9 item 9) — review risk (item 9 = 1)`."""
    detail = f" ({flag.detail})" if flag.detail else ""
    return f"{flag.scale_name}, {when(flag.taken_on)}: {flag.label}{detail}"


def gap_text(gap: RiskGap, when: DateText) -> str:
    return f"{gap.scale_name}, {when(gap.taken_on)}: {NOT_ASKED} (total entered without items)"


def banner_lines(status: RiskStatus, when: DateText) -> list[str]:
    """The banner: a heading line per kind of risk, then one line per flag or gap."""
    lines: list[str] = []
    if status.suicide_flags:
        lines.append(SUICIDE_BANNER)
        lines += [f"• {flag_text(f, when)}" for f in status.suicide_flags]
    if status.other_flags:
        lines.append(OTHER_BANNER)
        lines += [f"• {flag_text(f, when)}" for f in status.other_flags]
    if status.not_asked:
        lines += [f"• {gap_text(g, when)}" for g in status.not_asked]
    return lines


def quiet_line(status: RiskStatus) -> str:
    """The line shown when there is no flag: "no flags" only where a suicide item was asked."""
    if status.flags:
        return ""
    if status.not_asked:
        return "No risk flag from the items that were answered."
    return NO_FLAGS if status.asked else NEVER_ASKED
