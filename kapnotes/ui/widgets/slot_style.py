"""How dates, session kinds and slot statuses look in the client screens: text first, colour
second, so nothing is conveyed by colour alone (and colours suit a light or dark palette)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QGuiApplication, QPalette

if TYPE_CHECKING:  # keyed by value: error lines in the unlock dialog load no schedule code
    from kapnotes.domain.schedule_status import SlotStatus

# (light palette, dark palette) pairs; muted so a screen full of them stays calm.
_KIND_COLOURS = {
    "preparation": ("#1f5f99", "#8ab8e6"),
    "dosing": ("#7a3e9d", "#c9a3e0"),
    "integration": ("#2e6b3a", "#93d19f"),
}
_KIND_SYMBOLS = {"preparation": "◇", "dosing": "◆", "integration": "○"}
_STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "done": ("#2e6b3a", "#93d19f"),
    "missed": ("#b3261e", "#f2938c"),
    "overdue": ("#a05a00", "#f0b45c"),
    "upcoming": ("#3c4650", "#c4ccd4"),
    "skipped": ("#6b6b6b", "#9a9a9a"),
    "moved": ("#1f5f99", "#8ab8e6"),
}
_STATUS_TEXT: dict[str, str] = {
    "done": "✓ Done",
    "missed": "✗ Missed",
    "overdue": "! Overdue",
    "upcoming": "Upcoming",
    "skipped": "– Skipped",
    "moved": "→ Moved",
}
WARNING_COLOURS = ("#a05a00", "#f0b45c")
ERROR_COLOURS = ("#b3261e", "#f2938c")
MUTED_COLOURS = ("#6b6b6b", "#9a9a9a")


def is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def pick(pair: tuple[str, str], *, dark: bool | None = None) -> QColor:
    """The pair's colour for this palette; `dark` when the caller has asked the palette
    already (a table colouring many cells asks once)."""
    return QColor(pair[1] if (is_dark() if dark is None else dark) else pair[0])


def kind_colour(kind: str, *, dark: bool | None = None) -> QColor:
    return pick(_KIND_COLOURS.get(kind, MUTED_COLOURS), dark=dark)


def kind_text(kind: str | None) -> str:
    if not kind:
        return ""
    return f"{_KIND_SYMBOLS.get(kind, '·')} {kind.capitalize()}"


def status_colour(status: SlotStatus, *, dark: bool | None = None) -> QColor:
    return pick(_STATUS_COLOURS[status], dark=dark)


def status_text(status: SlotStatus) -> str:
    return _STATUS_TEXT[status]


def style_sheet_colour(pair: tuple[str, str]) -> str:
    return pick(pair).name()
