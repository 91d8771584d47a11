"""Apply the redactor to every string of a report, and list what was replaced where.

The summary builders already pass free text through the redactor; this last pass over the
finished report also covers what they treat as labels: the title and subtitle (PDF metadata),
headings and breadcrumbs (a course title may hold the client's name), table cells, key-value
rows and chart labels. It returns, for the exporter to review before saving, one line per
place where something was replaced: the place and the kinds and counts, never the values.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from kapnotes.export.redaction import Redactor, describe
from kapnotes.export.report import Block, Heading, KeyValues, Report, Table


@dataclasses.dataclass
class _Pass:
    redactor: Redactor
    places: dict[str, Counter[str]] = dataclasses.field(default_factory=dict)
    # A report repeats most of its texts (labels, roles, dates, "—"): each distinct one is
    # scrubbed once; a repeat still counts its replacements, where it is and in the total.
    seen: dict[str, tuple[str, Counter[str]]] = dataclasses.field(default_factory=dict)

    def text(self, value: str, place: str) -> str:
        known = self.seen.get(value)
        if known is None:
            out, found = known = self.seen[value] = self.redactor.scrub(value)
        else:
            out, found = known
            if found:
                self.redactor.counts.update(found)
        if found:
            self.places.setdefault(place, Counter()).update(found)
        return out

    def value(self, value: Any, place: str) -> Any:
        if isinstance(value, str):
            return self.text(value, place)
        if isinstance(value, tuple):
            return tuple(self.value(v, place) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: self.value(getattr(value, f.name), place)
                       for f in dataclasses.fields(value)
                       if isinstance(getattr(value, f.name), str | tuple)
                       or dataclasses.is_dataclass(getattr(value, f.name))}
            return dataclasses.replace(value, **changes)
        return value


def scrub_report(report: Report, redactor: Redactor) -> tuple[Report, tuple[str, ...]]:
    """The report with every string redacted, and `place: what` lines for review."""
    if not redactor.enabled:
        return report, ()
    run = _Pass(redactor)
    title = run.text(report.title, "Title")
    subtitle = run.text(report.subtitle, "Subtitle")
    path: list[str] = []
    sections: list[Block] = []
    for block in report.sections:
        where = " › ".join(path) or "Start"
        if isinstance(block, Heading):
            text = run.text(block.text, "Heading" if not path else f"{where} › heading")
            path = [*path[: block.level - 1], text]
            sections.append(dataclasses.replace(block, text=text))
        elif isinstance(block, KeyValues):
            pairs = []
            for label, value in block.rows:
                label = run.text(label, f"{where} › label")
                pairs.append((label, run.text(value, f"{where} › {label}")))
            sections.append(dataclasses.replace(block, rows=tuple(pairs)))
        elif isinstance(block, Table):
            columns = tuple(run.text(c, f"{where} › table heading") for c in block.columns)
            rows = tuple(tuple(run.text(cell, f"{where} › table column “{columns[i]}”")
                               for i, cell in enumerate(row)) for row in block.rows)
            sections.append(dataclasses.replace(block, columns=columns, rows=rows))
        else:
            sections.append(run.value(block, where))
    scrubbed = dataclasses.replace(report, title=title, subtitle=subtitle,
                                   sections=tuple(sections))
    lines = tuple(f"{place}: {describe(counts)}" for place, counts in run.places.items())
    return scrubbed, lines
