"""The regulator reports as PDF pages (docs/JURISDICTIONS.md, "Reports"): the TGA Authorised
Prescriber six-monthly report and the adverse-event line list. Handed what the service gathered
(kapnotes/services/regulator_reports.py); never reads storage. Clients appear by code only."""

from __future__ import annotations

from datetime import date

from kapnotes.domain.regulator_reports import AdverseEventList, TgaReport
from kapnotes.export.report import (
    Block,
    Heading,
    KeyValues,
    Paragraph,
    Report,
    SignatureLine,
    Table,
)
from kapnotes.export.snapshot import ExportOptions

AE_COLUMNS = ("Date", "Client", "Medicine", "Dose", "Event", "Severity", "Action", "Outcome")
AE_WIDTHS = (1.1, 1.2, 1.3, 0.9, 2.2, 1.3, 1.9, 1.6)


def _day(d: date) -> str:
    return d.strftime("%d %b %Y").lstrip("0")


def _report(title: str, subtitle: str, options: ExportOptions, notices: tuple[str, ...],
            sections: list[Block]) -> Report:
    return Report(title=title, subtitle=subtitle, practice_name=options.practice_name,
                  practice_logo=options.practice_logo, audit_head=options.audit_head,
                  app_version=options.app_version, export_date=options.export_date,
                  deidentified=False, notices=notices, sections=tuple(sections))


def tga_report(report: TgaReport, options: ExportOptions) -> Report:
    p = report.period
    sections: list[Block] = [
        Heading(f"Reporting period {p.label} {p.first.year}"),
        KeyValues((("Period", f"{_day(p.first)} to {_day(p.last)}"),
                   ("Report due to the TGA", _day(p.due)),
                   ("Jurisdiction", report.jurisdiction or "not chosen"))),
    ]
    if not report.rows:
        sections.append(Paragraph("No Authorised Prescriber authorisation was in force in "
                                  "this period.", "muted"))
    for r in report.rows:
        a = r.authorisation
        sections += [
            Heading(f"Authorisation {a.reference or a.id}: {a.medicine}", level=2),
            KeyValues((("Medicine", a.medicine), ("Indication", a.indication),
                       ("Ethics approval", a.ethics_approval),
                       ("Authorised", f"{_day(a.starts_on)} to {_day(a.ends_on)}"),
                       ("Prescriber", a.prescriber or "not named"),
                       ("New patients treated in the period", str(r.new_patients)),
                       ("Total patients treated in the period", str(r.total_patients)))),
        ]
    sections.append(SignatureLine("Authorised Prescriber (name, signature and date)"))
    return _report("TGA Authorised Prescriber six-monthly report",
                   f"{p.label} {p.first.year}", options,
                   ("Counts are of clients with a dosing session of the authorised medicine "
                    "inside both the period and the authorisation; a new patient is one first "
                    f"treated under it in this period. Source: {report.source}.",), sections)


def adverse_events_report(events: AdverseEventList, options: ExportOptions) -> Report:
    sections: list[Block] = [Heading(f"Adverse events {_day(events.first)} to "
                                     f"{_day(events.last)}")]
    if events.lines:
        rows = tuple((_day(e.day), e.client_code, e.medicine, e.dose, e.event, e.severity,
                      e.action, e.outcome) for e in events.lines)
        serious = frozenset(n for n, e in enumerate(events.lines) if "serious" in e.severity)
        sections.append(Table(AE_COLUMNS, rows, AE_WIDTHS, highlight_rows=serious,
                              possibly_identifying=True))
    else:
        sections.append(Paragraph("No adverse events were recorded in this period.", "muted"))
    sections.append(SignatureLine("Prepared by (name, signature and date)"))
    return _report("Adverse-event line list", f"{_day(events.first)} to {_day(events.last)}",
                   options, ("For ethics committees and pharmacovigilance reports. Clients "
                             "appear by their code; serious events are highlighted.",),
                   sections)
