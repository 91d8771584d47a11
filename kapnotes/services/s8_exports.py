"""The Schedule 8 register as a PDF: the service gathers the pages (kapnotes/services/
s8_register.py), the export layer lays them out (kapnotes/export/s8_register_pages.py), and
the shared export path renders, writes atomically and audits (kapnotes/services/exports.py).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from kapnotes.domain.errors import ValidationError
from kapnotes.export.redaction import Redactor
from kapnotes.export.s8_register_pages import register_report
from kapnotes.services.container import Services
from kapnotes.services.exports import ExportJob, options_for

KIND = "s8_register"


def period_bounds(start: date | None, end: date | None) -> tuple[datetime | None,
                                                                 datetime | None]:
    """[start 00:00, the day after `end` 00:00) in local time; `end` is inclusive."""
    if start is not None and end is not None and end < start:
        raise ValidationError("--to", "the end of the period is before its start")
    first = datetime.combine(start, time()).astimezone() if start else None
    after = datetime.combine(end + timedelta(days=1), time()).astimezone() if end else None
    return first, after


def build_register_report(services: Services, *, product_id: str | None = None,
                          start: date | None = None, end: date | None = None) -> ExportJob:
    """Printable pages of every register (or the one of `product_id`) over the period."""
    first, after = period_bounds(start, end)
    pages = services.s8.pages(product_id=product_id, start=first, end=after)
    options = options_for(services, deidentified=False)
    name = f"Schedule 8 register {options.export_date.isoformat()}"
    if product_id:
        name += f" {product_id}"
    return ExportJob(register_report(pages, options), KIND,
                     ",".join(str(p.register.id) for p in pages), (), f"{name}.pdf",
                     Redactor([]), services.vault.path)
