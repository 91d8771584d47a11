"""The regulator reports as CSV (docs/JURISDICTIONS.md, "Reports"): one header row, then one
row per authorisation or adverse event; dates as YYYY-MM-DD. A cell that starts with =, +, -
or @ is prefixed with ' so a spreadsheet never runs it as a formula. Handed the gathered
report; never reads storage."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from kapnotes.domain.regulator_reports import AdverseEventList, TgaReport

TGA_COLUMNS = ("period", "period_start", "period_end", "due", "authorisation_reference",
               "medicine", "indication", "ethics_approval", "authorised_from", "authorised_to",
               "new_patients", "total_patients")
AE_COLUMNS = ("date", "client_code", "medicine", "dose", "event", "severity", "action",
              "outcome")


def _safe(cell: object) -> str:
    text = str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_safe(c) for c in row] for row in rows)
    return out.getvalue()


def tga_csv(report: TgaReport) -> str:
    p = report.period
    return _csv(TGA_COLUMNS, ((p.id, p.first, p.last, p.due, r.authorisation.reference,
                               r.authorisation.medicine, r.authorisation.indication,
                               r.authorisation.ethics_approval, r.authorisation.starts_on,
                               r.authorisation.ends_on, r.new_patients, r.total_patients)
                              for r in report.rows))


def adverse_events_csv(events: AdverseEventList) -> str:
    return _csv(AE_COLUMNS, ((e.day, e.client_code, e.medicine, e.dose, e.event, e.severity,
                              e.action, e.outcome) for e in events.lines))
