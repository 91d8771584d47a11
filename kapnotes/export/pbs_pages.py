"""The PBS eligibility sheet for an esketamine course as PDF pages (docs/JURISDICTIONS.md):
what a PBS authority application for esketamine asks, gathered from the client record by
kapnotes/services/pbs_sheet.py. It identifies the client (the authority is for them), so it is
never marked de-identified. Never reads storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kapnotes.domain.approval_model import Approval
from kapnotes.domain.pbs import AntidepressantTrial, PbsDetails
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

TRIAL_COLUMNS = ("Medicine", "Dose", "Duration", "Response")
MEASURE_COLUMNS = ("Measure", "Date", "Total", "Severity")
MIN_TRIALS = 2  # the PBS listing asks for at least two prior antidepressants


@dataclass(frozen=True)
class PbsSheet:
    client_code: str
    client_name: str
    date_of_birth: date | None
    course_start: date | None
    prescriber: str
    trials: tuple[AntidepressantTrial, ...]
    details: PbsDetails
    measures: tuple[tuple[str, date, float | int | None, str | None], ...]
    authorities: tuple[Approval, ...]


def _day(d: date | None) -> str:
    return d.strftime("%d %b %Y").lstrip("0") if d else "not recorded"


def pbs_report(sheet: PbsSheet, options: ExportOptions) -> Report:
    d = sheet.details
    blocks: list[Block] = [
        Heading("Client and course"),
        KeyValues((("Client", f"{sheet.client_name} ({sheet.client_code})"),
                   ("Date of birth", _day(sheet.date_of_birth)),
                   ("Esketamine course started", _day(sheet.course_start)),
                   ("Prescriber", sheet.prescriber or "not recorded"),
                   ("Treating specialist", d.specialist or "not recorded"))),
        Heading("Prior antidepressant trials in this episode"),
    ]
    if sheet.trials:
        blocks.append(Table(TRIAL_COLUMNS, tuple(
            (t.medicine, t.dose, f"{t.duration_weeks} weeks" if t.duration_weeks else "",
             t.response) for t in sheet.trials), possibly_identifying=True))
    if len(sheet.trials) < MIN_TRIALS:
        blocks.append(Paragraph(f"Only {len(sheet.trials)} trial(s) recorded: the PBS "
                                f"listing asks for at least {MIN_TRIALS}.", "warning"))
    blocks += [
        Heading("Newly started oral antidepressant"),
        KeyValues((("Medicine", d.oral_antidepressant or "not recorded"),
                   ("Started", _day(d.antidepressant_start)))),
        Heading("Severity of the current episode"),
    ]
    if sheet.measures:
        blocks.append(Table(MEASURE_COLUMNS, tuple(
            (name, _day(day), "" if total is None else f"{total:g}", band or "")
            for name, day, total, band in sheet.measures)))
    else:
        blocks.append(Paragraph("No severity measures recorded.", "muted"))
    blocks.append(Heading("PBS authority"))
    if sheet.authorities:
        blocks.append(Table(("Reference", "From", "To"), tuple(
            (a.reference or "", _day(a.starts_on), _day(a.ends_on))
            for a in sheet.authorities)))
    else:
        blocks.append(Paragraph("No PBS authority recorded yet.", "muted"))
    blocks.append(SignatureLine("Prescriber (name, signature and date)"))
    return Report(title="PBS eligibility sheet: esketamine", subtitle=sheet.client_code,
                  practice_name=options.practice_name, practice_logo=options.practice_logo,
                  audit_head=options.audit_head, app_version=options.app_version,
                  export_date=options.export_date, deidentified=False,
                  notices=("Gathered from the client record for the PBS authority "
                           "application; check it against the current PBS listing.",),
                  sections=tuple(blocks))
