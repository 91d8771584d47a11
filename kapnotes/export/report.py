"""A report described as plain data: what a PDF will say, before anything is drawn.

The domain → report mapping builds these; `pdf.render_pdf` draws them. Nothing here knows
about reportlab, so the content of an export can be tested without reading a PDF back.
All text is plain user text (never markup): the renderer escapes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from typing import Literal

ParagraphStyle = Literal["normal", "muted", "warning", "draft"]
Severity = Literal["info", "warning", "alert"]
XValue = dt.date | float | int

PARAGRAPH_STYLES: tuple[str, ...] = ("normal", "muted", "warning", "draft")
SEVERITIES: tuple[str, ...] = ("info", "warning", "alert")


def _freeze(obj: object, name: str, value: Iterable[object]) -> None:
    # Callers may pass lists; store tuples so blocks stay immutable and hashable.
    object.__setattr__(obj, name, tuple(value))


@dataclass(frozen=True)
class Heading:
    """A section title; level 1 headings go into the contents page."""

    text: str
    level: int = 1
    bookmark: bool = True  # also listed in the PDF viewer's outline pane

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError(f"heading level must be 1, 2 or 3, not {self.level}")


@dataclass(frozen=True)
class Paragraph:
    """Free text, rendered literally (newlines kept)."""

    text: str
    style: ParagraphStyle = "normal"
    # Free text in a de-identified export may still name people or places; the PDF says so.
    possibly_identifying: bool = False

    def __post_init__(self) -> None:
        if self.style not in PARAGRAPH_STYLES:
            raise ValueError(f"unknown paragraph style {self.style!r}")


@dataclass(frozen=True)
class KeyValues:
    """Label/value pairs, e.g. a client's details or a session's vitals."""

    # Any sequences in (builders append to lists); __post_init__ stores tuples.
    rows: Sequence[tuple[str, str]]
    # Values hold free text (a note's fields): a de-identified PDF says it may still identify.
    possibly_identifying: bool = False

    def __post_init__(self) -> None:
        # map(tuple, …) and map(len, …): no Python frame per row (~290 blocks a course).
        _freeze(self, "rows", map(tuple, self.rows))
        if not {*map(len, self.rows)} <= {2}:
            raise ValueError("every KeyValues row is (label, value)")


@dataclass(frozen=True)
class Table:
    """A table whose header row repeats on every page it spans."""

    # Any sequences and sets in (builders collect into lists and sets); __post_init__ stores
    # tuples and frozensets, so a block stays immutable and hashable.
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    # Relative column widths (e.g. (1, 3, 1)); None lets the renderer guess from content.
    widths: Sequence[float] | None = None
    highlight_rows: Set[int] = frozenset()  # body row indexes, e.g. alerts
    highlight_cells: Set[tuple[int, int]] = frozenset()  # (body row, column)
    possibly_identifying: bool = False  # cells hold free text (see Paragraph)

    def __post_init__(self) -> None:
        _freeze(self, "columns", self.columns)
        _freeze(self, "rows", map(tuple, self.rows))
        object.__setattr__(self, "highlight_rows", frozenset(self.highlight_rows))
        object.__setattr__(self, "highlight_cells", frozenset(self.highlight_cells))
        if not self.columns:
            raise ValueError("a table needs at least one column")
        width = len(self.columns)
        if not {*map(len, self.rows)} <= {width}:  # the row that is not, found only then
            for i, row in enumerate(self.rows):
                if len(row) != width:
                    raise ValueError(f"table row {i} has {len(row)} cells, expected {width}")
        if self.widths is not None:
            _freeze(self, "widths", self.widths)
            if len(self.widths) != width or any(w <= 0 for w in self.widths):
                raise ValueError("table widths: one positive number per column")


@dataclass(frozen=True)
class Series:
    """One line of a chart; x values are all dates or all numbers."""

    name: str
    points: tuple[tuple[XValue, float], ...]

    def __post_init__(self) -> None:
        _freeze(self, "points", map(tuple, self.points))


@dataclass(frozen=True)
class ReferenceLine:
    """A labelled horizontal line, e.g. "remission < 5"."""

    label: str
    y: float
    dashed: bool = True


@dataclass(frozen=True)
class Marker:
    """A labelled vertical line at x, e.g. a dosing session."""

    label: str
    x: XValue


@dataclass(frozen=True)
class LineChart:
    """A line chart (scores over time); drawn as vector graphics."""

    title: str
    x_label: str
    y_label: str
    series: tuple[Series, ...]
    reference_lines: tuple[ReferenceLine, ...] = ()
    markers: tuple[Marker, ...] = ()
    y_min: float | None = None  # e.g. 0 for a scale; None = fit the data
    y_max: float | None = None

    def __post_init__(self) -> None:
        _freeze(self, "series", self.series)
        _freeze(self, "reference_lines", self.reference_lines)
        _freeze(self, "markers", self.markers)
        xs = [p[0] for s in self.series for p in s.points] + [m.x for m in self.markers]
        kinds = {isinstance(x, dt.date) for x in xs}
        if len(kinds) > 1:
            raise ValueError("chart x values must be all dates or all numbers")

    @property
    def uses_dates(self) -> bool:
        xs = [p[0] for s in self.series for p in s.points] + [m.x for m in self.markers]
        return bool(xs) and isinstance(xs[0], dt.date)


@dataclass(frozen=True)
class Banner:
    """A boxed notice; the severity word is printed too, so it survives greyscale printing."""

    text: str
    severity: Severity = "info"

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown banner severity {self.severity!r}")


@dataclass(frozen=True)
class DraftMark:
    """Marks unsigned content: a boxed mark here and a DRAFT watermark on its page."""

    text: str = "DRAFT — not signed"


@dataclass(frozen=True)
class SignatureLine:
    """A rule to sign on, with a caption under it (e.g. "Supervisor signature and date")."""

    text: str


@dataclass(frozen=True)
class PageBreak:
    """Start a new page (e.g. between clients in a supervision packet)."""


Block = (
    Heading
    | Paragraph
    | KeyValues
    | Table
    | LineChart
    | Banner
    | DraftMark
    | SignatureLine
    | PageBreak
)


@dataclass(frozen=True)
class Report:
    """Everything one exported PDF contains, in order."""

    title: str
    practice_name: str
    app_version: str
    export_date: dt.date
    subtitle: str = ""
    author: str = ""  # PDF metadata author; defaults to the practice name
    # The practice logo (PNG or JPEG bytes) drawn at the left of every page header.
    practice_logo: bytes | None = field(default=None, repr=False)
    audit_head: str = ""  # e.g. "1,204 entries, head 3f2a9c1b77d0": the footer's second line
    deidentified: bool = False
    notices: tuple[str, ...] = ()  # e.g. "Private process notes are not included."
    sections: tuple[Block, ...] = field(default_factory=tuple)
    contents: bool = False  # add a contents page listing level-1 headings
    lead: int = 0  # with contents: this many first sections come before the contents page
    # De-identified: where something was replaced and what kind ("Title: 1 name"), never
    # the values; shown to the exporter before saving, not printed in the PDF.
    redactions: tuple[str, ...] = ()
    # Files embedded in the PDF, (name, bytes): the supervision log's signed entries.
    attachments: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        _freeze(self, "notices", self.notices)
        _freeze(self, "redactions", self.redactions)
        _freeze(self, "attachments", self.attachments)
        _freeze(self, "sections", self.sections)
        if not self.title.strip():
            raise ValueError("a report needs a title")

    @property
    def metadata_author(self) -> str:
        return self.author or self.practice_name

    def headings(self, level: int = 1) -> list[str]:
        """Texts of headings at `level`, in order: what the contents page lists."""
        return [b.text for b in self.sections if isinstance(b, Heading) and b.level == level]


def concat(blocks: Sequence[Sequence[Block]], *, page_breaks: bool = True) -> tuple[Block, ...]:
    """Join several block lists (e.g. one per client) with page breaks between them."""
    out: list[Block] = []
    for i, part in enumerate(blocks):
        if i and page_breaks:
            out.append(PageBreak())
        out.extend(part)
    return tuple(out)
