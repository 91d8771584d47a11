"""The TGA six-monthly report, the adverse-event line list and the PBS sheet from real records
(issue 19): counts across period boundaries, CSV parsed back, PDFs read back with pypdf.
All data is fictional."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers.s8 import choose_jurisdiction, dosing_session
from pypdf import PdfReader

from kapnotes.domain.approval_model import Approval
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.pbs import AntidepressantTrial, PbsDetails
from kapnotes.services import pbs_sheet, regulator_reports
from kapnotes.storage import audit

AP = Approval("tga_authorised_prescriber", date(2026, 3, 1), date(2027, 2, 28),
              medicine="ketamine", indication="Treatment-resistant PTSD",
              ethics_approval="Bellbird HREC 2025/114", reference="AP-2026-0042",
              prescriber="Dr Lee Example")


def ketamine_dose(services: object, code: str, at: datetime) -> int:
    session_id = dosing_session(services, code=code, at=at)
    services.monitoring.update_record(session_id, {"medication": "ketamine", "route": "im",
                                                   "dose_mg": 50})
    return session_id


def pdf_text(path: Path) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(path).pages).split())


@pytest.fixture
def treated(services: object, tmp_path: Path) -> object:
    choose_jurisdiction(tmp_path, "AU-NSW")
    services.approvals.add(AP)
    ketamine_dose(services, "KAP-101", datetime(2026, 2, 20, 9))   # before the authorisation
    ketamine_dose(services, "KAP-101", datetime(2026, 5, 4, 9))    # H1: new
    ketamine_dose(services, "KAP-101", datetime(2026, 8, 3, 9))    # H2: treated, not new
    ketamine_dose(services, "KAP-102", datetime(2026, 6, 30, 15))  # H1's last day: new in H1
    ketamine_dose(services, "KAP-103", datetime(2026, 7, 1, 9))    # H2: new
    ketamine_dose(services, "KAP-103", datetime(2026, 9, 1, 9))
    ketamine_dose(services, "KAP-104", datetime(2027, 1, 5, 9))    # 2027H1
    esk = dosing_session(services, code="KAP-105", at=datetime(2026, 8, 1, 9))  # esketamine
    services.monitoring.update_record(esk, {"medication": "esketamine",
                                            "route": "intranasal", "dose_mg": 56})
    return services


def test_new_and_total_patients_per_period(treated: object) -> None:
    h1 = regulator_reports.tga_six_monthly(treated, "2026H1")
    assert [(r.new_patients, r.total_patients) for r in h1.rows] == [(2, 2)]
    assert (h1.period.first, h1.period.last, h1.period.due) == (
        date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 31))
    h2 = regulator_reports.tga_six_monthly(treated, "2026h2")
    assert [(r.new_patients, r.total_patients) for r in h2.rows] == [(1, 2)]
    assert h2.period.due == date(2027, 1, 31)
    later = regulator_reports.tga_six_monthly(treated, "2027H1")
    assert [(r.new_patients, r.total_patients) for r in later.rows] == [(1, 1)]
    # The default is the last period that has ended (today is 20 Nov 2026: 2026H1).
    assert regulator_reports.tga_six_monthly(treated).period.id == "2026H1"
    assert regulator_reports.tga_six_monthly(treated, "2025H2").rows == ()
    with pytest.raises(ValidationError, match="--period: must be a year and half"):
        regulator_reports.tga_six_monthly(treated, "2026Q3")


def test_tga_report_as_csv_and_pdf(treated: object, tmp_path: Path) -> None:
    report = regulator_reports.tga_six_monthly(treated, "2026H2")
    out = regulator_reports.write_report(treated, "tga_six_monthly", report,
                                         tmp_path / "tga.csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows == [{"period": "2026H2", "period_start": "2026-07-01",
                     "period_end": "2026-12-31", "due": "2027-01-31",
                     "authorisation_reference": "AP-2026-0042", "medicine": "ketamine",
                     "indication": "Treatment-resistant PTSD",
                     "ethics_approval": "Bellbird HREC 2025/114",
                     "authorised_from": "2026-03-01", "authorised_to": "2027-02-28",
                     "new_patients": "1", "total_patients": "2"}]
    pdf = regulator_reports.write_report(treated, "tga_six_monthly", report,
                                         tmp_path / "tga.pdf")
    text = pdf_text(pdf)
    assert "TGA Authorised Prescriber six-monthly report" in text
    assert "Report due to the TGA 31 Jan 2027" in text
    assert "New patients treated in the period 1" in text
    assert "Total patients treated in the period 2" in text
    assert "Bellbird HREC 2025/114" in text
    kinds = [e.record_type for e in audit.entries(treated.vault)
             if e.event in ("export.report", "export.pdf")]
    assert kinds == ["tga_six_monthly", "tga_six_monthly"]


def test_a_reminder_comes_before_each_due_date(treated: object, clock: object) -> None:
    assert regulator_reports.reminders(treated) == []  # 20 Nov: nothing due within 30 days
    clock.now = datetime(2027, 1, 10, 9)
    assert regulator_reports.reminders(treated) == [
        "TGA Authorised Prescriber report for 1 July to 31 December 2026 is due 31 Jan 2027 "
        "(21 days)"]


def test_adverse_event_line_list(treated: object, tmp_path: Path) -> None:
    session_id = ketamine_dose(treated, "KAP-106", datetime(2026, 10, 2, 9))
    m = treated.monitoring
    m.set_adverse_effect(session_id, "nausea", "moderate", note="After 20 min")
    m.set_adverse_effect(session_id, "raised_bp", "severe", serious=True)
    m.update_record(session_id, {"interventions": "Ondansetron 4 mg; BP rechecked"})
    outside = ketamine_dose(treated, "KAP-107", datetime(2026, 12, 2, 9))
    m.set_adverse_effect(outside, "headache", "mild")
    events = regulator_reports.adverse_events(treated, date(2026, 10, 1), date(2026, 10, 31))
    out = regulator_reports.write_report(treated, "adverse_events", events, tmp_path / "ae.csv")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["date", "client_code", "medicine", "dose", "event", "severity", "action",
                       "outcome"]
    assert rows[1:] == [
        ["2026-10-02", "KAP-106", "ketamine im", "50 mg", "Nausea: After 20 min", "Moderate",
         "Ondansetron 4 mg; BP rechecked", "Not recorded"],
        ["2026-10-02", "KAP-106", "ketamine im", "50 mg", "Raised blood pressure",
         "Severe (serious)", "Ondansetron 4 mg; BP rechecked", "Not recorded"]]
    text = pdf_text(regulator_reports.write_report(treated, "adverse_events", events,
                                                   tmp_path / "ae.pdf"))
    tight = text.replace(" ", "")  # narrow cells wrap codes and words
    assert "Adverse-event line list" in text and "KAP-106" in tight and "KAP-107" not in tight
    assert "Severe(serious)" in tight and "Ondansetron4mg;BPrechecked" in tight
    with pytest.raises(ValidationError, match="--to: the end of the period is before"):
        regulator_reports.adverse_events(treated, date(2026, 10, 31), date(2026, 10, 1))


def test_csv_cells_never_run_as_formulas(treated: object, tmp_path: Path) -> None:
    session_id = ketamine_dose(treated, "KAP-108", datetime(2026, 10, 3, 9))
    treated.monitoring.set_adverse_effect(session_id, "other", "mild", note="=HYPERLINK(1)")
    events = regulator_reports.adverse_events(treated, date(2026, 10, 3), date(2026, 10, 3))
    out = regulator_reports.write_report(treated, "adverse_events", events, tmp_path / "x.csv")
    assert list(csv.reader(io.StringIO(out.read_text())))[1][4] == "'=HYPERLINK(1)"


def test_pbs_sheet_from_the_client_record(services: object, tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU-NSW")
    session_id = dosing_session(services, code="KAP-201")
    cid = services.clients.by_code("KAP-201").id
    records = pbs_sheet.PbsRecords(services.vault)
    records.add_trial(cid, AntidepressantTrial("Sertraline", "200 mg daily", 8, "No response"))
    records.add_trial(cid, AntidepressantTrial("Venlafaxine", "225 mg daily", 10, "Partial"))
    with pytest.raises(ValidationError, match="Medicine"):
        records.add_trial(cid, AntidepressantTrial("  "))
    records.set_details(cid, PbsDetails("Mirtazapine", date(2026, 11, 2), "Dr Ana Psychiatrist"))
    services.measures.enter(client_id=cid, scale_id="phq9", taken_on=date(2026, 11, 1),
                            total=21)
    services.approvals.add(Approval("pbs_authority_esketamine", date(2026, 11, 2),
                                    date(2027, 2, 1), client_id=cid, reference="PBS-5521"))
    assert session_id
    job = pbs_sheet.build_pbs_sheet(services, "KAP-201")
    text = pdf_text(pbs_sheet.export(services, job, tmp_path / "pbs.pdf"))
    for wanted in ("PBS eligibility sheet: esketamine", "Sertraline", "200 mg daily",
                   "8 weeks", "No response", "Venlafaxine", "Mirtazapine", "2 Nov 2026",
                   "Dr Ana Psychiatrist", "PBS-5521", "Robin Fictional (KAP-201)", "21"):
        assert wanted in text, wanted
    with pytest.raises(ValidationError, match="--client: no client has the code"):
        pbs_sheet.build_pbs_sheet(services, "KAP-999")
    events = [e.event for e in audit.entries(services.vault) if e.event.startswith("pbs.")]
    assert events == ["pbs.trial.add", "pbs.trial.add", "pbs.details"]
