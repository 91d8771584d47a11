"""The status bar's one line about the practice server (docs/PRACTICE-SERVER.md, "In the window").

"Practice: synced 14:02 · 3 pending", "Practice: offline since 14:05 · 3 pending",
"Practice: 1 refused — File → Practice". A refusal comes first: it will not go away by
waiting, so someone has to look. A solo vault shows no indicator at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kapnotes.services.clock import stored_local

if TYPE_CHECKING:
    from kapnotes.ui.practice_worker import SyncOutcome

PREFIX = "Practice: "


@dataclass(frozen=True)
class Indicator:
    """What the status bar shows: the line, and the longer tooltip behind it."""

    text: str
    tooltip: str
    attention: bool  # refused, or a sync stopped: shown in the error colour


def indicator(*, pending: int, last_sync_at: str | None, offline_since: datetime | None,
              refused: int, conflicts: int, field_reviews: int, login: str = "",
              problem: str = "") -> Indicator:
    """The line for the vault's sync state, as `services.practice_sync.sync_status` gives it,
    plus the time this window first failed to reach the server (if it cannot now) and why
    the last sync stopped early when the server answered (`problem`, e.g. an upgrade)."""
    tail = f" · {pending} pending" if pending else ""
    to_review = conflicts + field_reviews
    if refused:
        text = f"{PREFIX}{refused} refused — File → Practice"
    elif offline_since is not None:
        text = f"{PREFIX}offline since {local_clock(offline_since)}{tail}"
    elif problem:
        short = problem if len(problem) <= 70 else problem[:69].rstrip() + "…"
        text = f"{PREFIX}not synced ({short}){tail}"
    elif last_sync_at:
        text = f"{PREFIX}synced {clock_time(last_sync_at)}{tail}"
    else:
        text = f"{PREFIX}not synced yet{tail}"
    if to_review and not refused:
        text += f" · {to_review} to review"
    lines = [f"Joined the practice server as {login}." if login else
             "Joined the practice server."]
    if offline_since is not None:
        lines.append("The server cannot be reached; changes wait here and go when it can.")
    if problem:
        lines.append(f"The last sync stopped: {problem}")
    if refused:
        lines.append(f"{_plural(refused, 'change')} refused by the server: File → Practice → "
                     "Conflicts and field reviews.")
    if to_review:
        lines.append(f"{_plural(conflicts, 'conflict copy', 'conflict copies')} and "
                     f"{_plural(field_reviews, 'field review')} to look at: File → Practice → "
                     "Conflicts and field reviews.")
    lines.append("Sync now: Ctrl+Shift+Y.")
    return Indicator(text=text, tooltip="\n".join(lines),
                     attention=bool(refused or problem))


def clock_time(stamp: str) -> str:
    """HH:MM of a stored ISO time in local wall-clock time (a UTC "Z" stamp is converted)."""
    moment = stored_local(stamp)
    if moment is None:
        return stamp[:16]
    return local_clock(moment)


def local_clock(moment: datetime) -> str:
    """HH:MM of a local time today; with its day when it is another day's."""
    if moment.date() != datetime.now().date():
        return f"{moment:%d %b %H:%M}"
    return f"{moment:%H:%M}"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def moved(outcome: SyncOutcome) -> str:
    """What a sync someone asked for (Sync now) did, in one line for the status bar."""
    report = outcome.report
    if report is None:
        return f"Sync failed: {outcome.error}"
    if report.offline:
        return "The practice server cannot be reached; your changes wait in this vault."
    parts = [f"sent {report.pushed}", f"received {report.pulled}"]
    if report.conflicts:
        parts.append(_plural(report.conflicts, "conflict copy", "conflict copies"))
    if report.field_reviews:
        parts.append(_plural(report.field_reviews, "field review"))
    if report.refused:
        parts.append(f"{report.refused} refused")
    if report.purged:
        parts.append(_plural(report.purged, "client") + " removed (care team left)")
    if report.held_codes:
        parts.append(_plural(len(report.held_codes), "client") + " kept until its unsent work"
                     " is read (File → Practice)")
    text = "Synced: " + ", ".join(parts) + "."
    return text if not report.error else f"{text[:-1]}; stopped: {report.error}"
