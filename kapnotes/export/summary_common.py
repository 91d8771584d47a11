"""What every summary builder shares: how the client is named, redaction of a client's known
identifying details in free text, and date/value formatting.

De-identified exports name the client by code only; free text (which a therapist may have
written a name into) has the client's own known details replaced, and is still marked as
possibly identifying, because no program can promise to find every identifying detail.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from kapnotes.domain.dates import human_date, human_datetime, human_time
from kapnotes.domain.models import Client
from kapnotes.export.redaction import (
    CLINICIAN_MARK,
    CONTACT_MARK,
    DATE_MARK,
    NAME_MARK,
    Redactor,
)
from kapnotes.export.report import Paragraph, ParagraphStyle
from kapnotes.export.snapshot import ExportOptions

NOT_RECORDED = "—"


def fmt_date(day: dt.date | None) -> str:
    """`12 Nov 2026` (the order follows the locale; see kapnotes/domain/dates.py)."""
    return human_date(day, empty=NOT_RECORDED)


def fmt_time(moment: dt.datetime | None) -> str:
    return human_time(moment, empty=NOT_RECORDED)


def fmt_datetime(moment: dt.datetime | None) -> str:
    return human_datetime(moment, empty=NOT_RECORDED)


def yes_no(value: bool | None) -> str:
    """Yes/no items are None until answered: 'not answered' differs from 'no'."""
    return "Not answered" if value is None else ("Yes" if value else "No")


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return NOT_RECORDED
    if not value:  # 0 and -0.0: equal keys of `_kept` that print apart ("0", "-0")
        return _formatted(value, unit)
    return _kept(value, unit)


def _formatted(value: float, unit: str) -> str:
    text = f"{value:g}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")
    return f"{text} {unit}".rstrip()


# A course summary writes ~850 numbers, most of them the same few (heart rates, SpO2, doses):
# each formatted once. Other equal keys format alike (an int and the equal float by `:g`).
_kept = functools.lru_cache(maxsize=4096)(_formatted)


def minutes_between(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() // 60)


def age_on(dob: dt.date | None, day: dt.date) -> int | None:
    if dob is None:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass(frozen=True)
class Context:
    """The options of one export and how the client in hand is named."""

    options: ExportOptions
    redactor: Redactor
    who: str  # the code when de-identified, else "Full Name (CODE)"

    @property
    def deidentified(self) -> bool:
        return self.options.deidentified

    def text(self, value: str) -> str:
        """Free text as printed. A de-identified report is redacted as a whole, titles and
        labels included, by `deidentify.scrub_report` once it is built (summary.py), so the
        exporter sees one list of every place something was replaced."""
        return value

    def free(self, value: str, style: ParagraphStyle = "normal") -> Paragraph:
        return Paragraph(self.text(value) or NOT_RECORDED, style,
                         possibly_identifying=True)


def client_label(client: Client, options: ExportOptions) -> str:
    return client.code if options.deidentified else f"{client.full_name} ({client.code})"


__all__ = ["CLINICIAN_MARK", "CONTACT_MARK", "DATE_MARK", "NAME_MARK", "Context", "Redactor",
           "client_label", "context_for", "fmt_date"]


def context_for(client: Client, options: ExportOptions) -> Context:
    return Context(options, Redactor([client], enabled=options.deidentified),
                   client_label(client, options))
