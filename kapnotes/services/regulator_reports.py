"""The regulator reports (docs/JURISDICTIONS.md, "Reports"): the TGA Authorised Prescriber
six-monthly report, the adverse-event line list and the PBS eligibility sheet, gathered from
the records here, laid out by kapnotes/export/regulator_pages.py (PDF) and
kapnotes/export/regulator_csv.py (CSV), written through the output guard and audited like
every export. No Qt.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kapnotes.domain.approval_model import Holder
from kapnotes.domain.approval_rules import report_periods
from kapnotes.domain.dates import human_date
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.monitoring import AdverseEffect
from kapnotes.domain.regulator_reports import (
    AdverseEventLine,
    AdverseEventList,
    PeriodDates,
    TgaReport,
    TgaRow,
    day_of,
    due_soon,
    last_finished,
    parse_period,
    patient_counts,
)
from kapnotes.export.redaction import Redactor
from kapnotes.export.regulator_csv import adverse_events_csv, tga_csv
from kapnotes.export.regulator_pages import adverse_events_report, tga_report
from kapnotes.services.approvals import ApprovalService, course_medicine
from kapnotes.services.changes import Changes, write
from kapnotes.services.container import Services
from kapnotes.services.exports import ExportJob, export_pdf, options_for
from kapnotes.storage import audit, output_guard, report_rows

TGA = "tga_authorised_prescriber"
MAX_DAYS = 3700  # a line list covers at most about ten years


def _approvals(services: Services) -> ApprovalService:
    return ApprovalService(services.vault, clock=services.clock)


def tga_periods(services: Services) -> tuple:
    from kapnotes.jurisdiction import current_jurisdiction

    periods = report_periods(current_jurisdiction(), TGA)
    if not periods:
        raise ValidationError("--period", "the jurisdiction chosen in the practice policy has "
                                          "no TGA report periods (docs/POLICY.md)")
    return periods


def tga_six_monthly(services: Services, period: str | None = None) -> TgaReport:
    """Per Authorised Prescriber authorisation active in the period: new and total patients
    treated with its medicine. Default period: the last one that has ended."""
    periods = tga_periods(services)
    today = services.clock().date()
    chosen: PeriodDates | None = parse_period(period, periods) if period else \
        last_finished(periods, today)
    assert chosen is not None  # two years of periods always hold one that has ended
    approvals = _approvals(services)
    rules = approvals.rules()
    sessions = report_rows.dosing_sessions(services.vault)
    rows = []
    for a in approvals.prescriber_approvals():
        rule = rules.get(a.kind)
        if rule is None or rule.report != TGA or rule.holder is not Holder.PRESCRIBER:
            continue
        if a.ends_on < chosen.first or a.starts_on > chosen.last:
            continue
        given = [(client_id, day_of(when)) for client_id, _code, when, medication, protocol
                 in sessions if (medication or course_medicine(protocol)) == a.medicine]
        new, total = patient_counts(a, given, chosen)
        rows.append(TgaRow(a, rule.title, new, total))
    from kapnotes.jurisdiction import current_jurisdiction

    pack = current_jurisdiction()
    return TgaReport(chosen, pack.title if pack else "", tuple(rows),
                     periods[0].source.label)


def reminders(services: Services) -> list[str]:
    """Reports due soon (the dashboard, start-up): one line each."""
    try:
        periods = tga_periods(services)
    except ValidationError:
        return []
    if not any(rule.report == TGA for rule in _approvals(services).rules().values()) or \
            not _approvals(services).prescriber_approvals():
        return []
    return [f"TGA Authorised Prescriber report for {p.label} {p.first.year} is due "
            f"{human_date(p.due)} ({left} day{'s' if left != 1 else ''})"
            for p, left in due_soon(periods, services.clock().date())]


def _dose(mg: object) -> str:
    if mg is None:
        return ""
    value = float(str(mg))
    return f"{value:g} mg"


def _outcome(ready_minutes: object, ended_at: object) -> str:
    if ready_minutes is not None:
        return f"Discharged, ready to leave after {ready_minutes} min"
    return "Session ended" if ended_at else "Not recorded"


def adverse_events(services: Services, first: date, last: date) -> AdverseEventList:
    """Every adverse effect recorded in a dosing session from `first` to `last` inclusive."""
    if last < first:
        raise ValidationError("--to", "the end of the period is before its start")
    if (last - first).days > MAX_DAYS:
        raise ValidationError("--to", "a line list covers at most ten years")
    lines = []
    for (when, code, medication, route, dose, effect, severity, note, serious,
         interventions, ready, ended, _id) in report_rows.adverse_events(services.vault):
        day = day_of(when)
        if not first <= day <= last:
            continue
        label = AdverseEffect(effect).label
        event = f"{label}: {note}" if note and effect != "other" else (note or label)
        medicine = " ".join(part for part in (str(medication), str(route)) if part)
        lines.append(AdverseEventLine(
            day, str(code), medicine, _dose(dose), event,
            str(severity).capitalize() + (" (serious)" if serious else ""),
            str(interventions) or "None recorded", _outcome(ready, ended)))
    return AdverseEventList(first, last, tuple(lines))


# -- writing -------------------------------------------------------------------------------
def _audit(services: Services, kind: str, record: str, path: Path) -> None:
    with write(services.vault, Changes(exports=True)):
        audit.record(services.vault, "export.report", record_type=kind, record_id=record,
                     detail=f"kind={kind}; file={path.name}")


def write_report(services: Services, kind: str, data: TgaReport | AdverseEventList, out: Path,
                 *, replace: bool = False) -> Path:
    """`data` (a TgaReport or AdverseEventList) as CSV or PDF by `out`'s suffix."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".pdf"):
        raise ValidationError("--out", "must end in .csv or .pdf")
    record = data.period.id if isinstance(data, TgaReport) else ""
    if suffix == ".csv":
        text = tga_csv(data) if isinstance(data, TgaReport) else adverse_events_csv(data)
        written = output_guard.write_output(out, text.encode("utf-8"), services.vault.path,
                                            replace=replace, label="--out")
        _audit(services, kind, record, written)
        return written
    options = options_for(services, deidentified=False)
    report = tga_report(data, options) if isinstance(data, TgaReport) else \
        adverse_events_report(data, options)
    job = ExportJob(report, kind, record, (), out.name, Redactor([]), services.vault.path)
    return export_pdf(services, job, out, replace=replace)
