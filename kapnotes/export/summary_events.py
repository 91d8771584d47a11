"""A session's event log as report blocks: one row per entry, in time order."""

from __future__ import annotations

from kapnotes.export.report import Block, Heading, Table
from kapnotes.export.snapshot import SessionSnapshot
from kapnotes.export.summary_common import Context, fmt_time


def event_blocks(snap: SessionSnapshot, ctx: Context, level: int) -> list[Block]:
    """Nothing when the log is empty (most preparation and integration sessions)."""
    if not snap.events:
        return []
    rows = [(fmt_time(at), label, ctx.text(text) or "—")
            for at, label, text in sorted(snap.events, key=lambda e: e[0])]
    return [Heading("Event log", level),
            Table(("Time", "Event", "Detail"), rows, widths=(1, 2, 5),
                  possibly_identifying=any(r[2] != "—" for r in rows))]
