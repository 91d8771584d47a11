"""Apply the redactor to every string of a report, and list what was replaced where.

The summary builders already pass free text through the redactor; this last pass over the
finished report also covers what they treat as labels: the title and subtitle (PDF metadata),
headings and breadcrumbs (a course title may hold the client's name), table cells, key-value
rows and chart labels. It returns, for the exporter to review before saving, one line per
place where something was replaced: the place and the kinds and counts, never the values.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

from kapnotes.export.redaction import NOTHING_FOUND, Redactor, describe
from kapnotes.export.report import Block, Heading, KeyValues, Report, Table


@dataclasses.dataclass
class _Pass:
    redactor: Redactor
    places: dict[str, Counter[str]] = dataclasses.field(default_factory=dict)
    # A report repeats most of its texts (labels, roles, dates, "—"): each distinct one is
    # scrubbed once; a repeat still counts its replacements, where it is and in the total.
    seen: dict[str, tuple[str, Counter[str]]] = dataclasses.field(default_factory=dict)

    def text(self, value: str, where: str, what: str | None = None) -> str:
        """`value` scrubbed; what was replaced is listed at `where › what` (or `where`), a
        place spelled out only then (most texts of a report have nothing replaced)."""
        known = self.seen.get(value)
        if known is None:
            known = self.seen[value] = self.redactor.scrub(value, count=False)
        out, found = known
        if not found:
            return value  # the very object: unchanged blocks are kept, not rebuilt
        self.redactor.counts.update(found)  # each time it is met, as the first time
        place = where if what is None else f"{where} › {what}"
        self.places.setdefault(place, Counter()).update(found)
        return out

    def dirty(self, texts: Iterable[str]) -> set[str]:
        """Those of `texts` with something to replace, every one of them scrubbed now (not
        counted: `text` counts each time one is met). Most have nothing: those the
        redactor's gates shut, all at once (`Redactor.unchanged`), are not scrubbed one by
        one."""
        seen, scrub = self.seen, self.redactor.scrub
        fresh = [t for t in dict.fromkeys(texts) if t not in seen]
        out = set()
        for value, unchanged in zip(fresh, self.redactor.unchanged(fresh), strict=True):
            if unchanged:
                seen[value] = (value, NOTHING_FOUND)
                continue
            known = seen[value] = scrub(value, count=False)
            if known[1]:
                out.add(value)
        return out

    def value(self, value: Any, place: str) -> Any:
        """`value` with its strings scrubbed; the same object when none changed (almost every
        block of a report: rebuilding each one cost more than scrubbing its texts)."""
        if isinstance(value, str):
            return self.text(value, place)
        if isinstance(value, tuple):
            items = tuple(self.value(v, place) for v in value)
            return value if all(a is b for a, b in zip(items, value, strict=True)) else items
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {}
            for name in _field_names(type(value)):
                old = getattr(value, name)
                if isinstance(old, str | tuple) or dataclasses.is_dataclass(old):
                    new = self.value(old, place)
                    if new is not old:
                        changes[name] = new
            return dataclasses.replace(value, **changes) if changes else value
        return value


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def scrub_report(report: Report, redactor: Redactor) -> tuple[Report, tuple[str, ...]]:
    """The report with every string redacted, and `place: what` lines for review."""
    if not redactor.enabled:
        return report, ()
    run = _Pass(redactor)
    texts = [() if isinstance(block, Heading) else tuple(_texts(block))
             for block in report.sections]
    dirty = run.dirty(chain((report.title, report.subtitle),
                            (b.text for b in report.sections if isinstance(b, Heading)),
                            chain.from_iterable(texts)))
    title = run.text(report.title, "Title")
    subtitle = run.text(report.subtitle, "Subtitle")
    path: list[str] = []
    sections: list[Block] = []
    for block, its_texts in zip(report.sections, texts, strict=True):
        if isinstance(block, Heading):
            text = block.text
            if text in dirty:  # else `run.text` returns it as it is, and lists nothing
                text = (run.text(text, " › ".join(path), "heading") if path
                        else run.text(text, "Heading"))
            path = [*path[: block.level - 1], text]
            sections.append(block if text is block.text
                            else dataclasses.replace(block, text=text))
            continue
        if dirty.isdisjoint(its_texts):
            sections.append(block)  # most blocks: nothing to replace, nothing to list
            continue
        where = " › ".join(path) or "Start"
        if isinstance(block, KeyValues):
            pairs = []
            for label, value in block.rows:
                label = run.text(label, where, "label")
                pairs.append((label, run.text(value, where, label)))
            sections.append(block if _same_rows(pairs, block.rows)
                            else dataclasses.replace(block, rows=tuple(pairs)))
        elif isinstance(block, Table):
            columns = tuple(run.text(c, where, "table heading") for c in block.columns)
            whats = [f"table column “{c}”" for c in columns]
            rows = tuple(tuple(run.text(cell, where, what)
                               for cell, what in zip(row, whats, strict=True))
                         for row in block.rows)
            sections.append(block if _same_rows((columns, *rows), (block.columns, *block.rows))
                            else dataclasses.replace(block, columns=columns, rows=rows))
        else:
            sections.append(run.value(block, where))
    scrubbed = dataclasses.replace(report, title=title, subtitle=subtitle,
                                   sections=tuple(sections))
    lines = tuple(f"{place}: {describe(counts)}" for place, counts in run.places.items())
    return scrubbed, lines


def _texts(block: Block) -> Iterable[str]:
    """Every string `scrub_report` passes through the redactor for this (non-heading) block."""
    if isinstance(block, KeyValues):
        return chain.from_iterable(block.rows)
    if isinstance(block, Table):
        return chain(block.columns, chain.from_iterable(block.rows))
    return _strings(block)


def _strings(value: Any) -> Iterator[str]:
    """The strings `_Pass.value` scrubs in `value`: itself, or in its tuples and dataclass
    fields, recursively."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for name in _field_names(type(value)):
            field = getattr(value, name)
            if isinstance(field, str):  # most fields: no generator for it
                yield field
            elif isinstance(field, tuple) or dataclasses.is_dataclass(field):
                yield from _strings(field)


def _same_rows(new: Sequence[Sequence[str]], old: Sequence[Sequence[str]]) -> bool:
    """Each text of `new` is the very object at its place in `old` (nothing was replaced)."""
    return all(a is b for n, o in zip(new, old, strict=True) for a, b in zip(n, o, strict=True))
