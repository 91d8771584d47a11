"""Risk and outcomes in the PDFs, read back with pypdf: the suicide item of any scale raises
the same banner, a total alone says the item was not asked, a ticked review item reads as
reviewed, scale risk sits beside the clinician's risk statement, and the outcome table shows
the baseline, reliable worsening and relapse as the rules define them."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
from pypdf import PdfReader

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.export.pdf import render_pdf
from kapnotes.export.snapshot import ExportOptions
from kapnotes.export.summary import course_report, session_report
from kapnotes.services.export_gather import course_snapshot, session_snapshot

FIRST = date(2026, 6, 10)
CALM_PHQ = {str(i): 0 for i in range(1, 10)}
CALM_MADRS = {str(i): 0 for i in range(1, 11)}
OPTIONS = ExportOptions(deidentified=False)


def flat(data: bytes) -> str:
    """All page text with line breaks and runs of spaces folded (tables wrap their cells)."""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    return re.sub(r"\s+", " ", " ".join(pages))


@pytest.fixture
def client_id(services: object) -> int:
    return services.clients.create(Client(code="KAP-741", full_name="Rory Placeholder")).id


@pytest.fixture
def course_id(services: object, client_id: int) -> int:
    course = services.courses.create(Course(client_id=client_id, protocol="custom",
                                            start_date=date(2026, 6, 1))).id
    services.notes.create_session(course_id=course, kind=SessionKind.DOSING,
                                  starts_at=datetime.combine(FIRST, time(10, 0)))
    return course


def session_pdf(services: object, session_id: int) -> bytes:
    course = services.courses.get(services.notes.session(session_id).course_id)
    client = services.clients.get(course.client_id)
    return render_pdf(session_report(session_snapshot(services, session_id), client=client,
                                     course=course, options=OPTIONS))


def course_pdf(services: object, course_id: int) -> bytes:
    return render_pdf(course_report(course_snapshot(services, course_id), OPTIONS))


def test_madrs_item_10_raises_the_suicide_banner_in_the_course_pdf(services: object,
                                                                   client_id: int,
                                                                   course_id: int) -> None:
    services.measures.enter(client_id=client_id, scale_id="madrs", taken_on=FIRST,
                            answers={**CALM_MADRS, "10": 6})
    text = flat(course_pdf(services, course_id))
    assert "SUICIDE RISK — review now" in text
    assert "Suicidal thoughts (MADRS item 10)" in text and "item 10 = 6" in text
    assert "No current risk flags from rating scales" not in text


def test_total_only_phq9_says_not_asked_not_no_flags(services: object, client_id: int,
                                                     course_id: int) -> None:
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=FIRST, total=14)
    text = flat(course_pdf(services, course_id))
    assert "suicide risk item not asked" in text
    assert "No current risk flags from rating scales" not in text


def test_outcome_table_shows_baseline_deterioration_and_relapse_rules(services: object,
                                                                      client_id: int,
                                                                      course_id: int) -> None:
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=date(2025, 11, 22),
                            total=27)  # 200 days before: history, not baseline
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=FIRST, total=12,
                            dose_timing="before_dose")
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=FIRST, total=3,
                            dose_timing="after_dose")
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=date(2026, 6, 24),
                            total=24)
    data = course_pdf(services, course_id)
    text = flat(data)
    assert "12 (10 Jun 2026, before the dose)" in text  # which score is the baseline
    assert "Worse (reliable)" in text
    assert "Yes: 24 on 24 Jun 2026 (+12 vs baseline)" in text
    assert "at least 6 points above baseline — NHS Talking Therapies" in text
    assert "SUSTAIN-1" in text and "within 28 days before the first dose" in text
    assert "possible from 24 Jun 2026" in text  # remission at 3, then 24: not yet confirmed


def integration_note(services: object, course_id: int, day: date, notes: str) -> int:
    sid = services.notes.create_session(course_id=course_id, kind=SessionKind.INTEGRATION,
                                        starts_at=datetime.combine(day, time(14, 0))).id
    services.notes.save_fields(sid, {"risk_review": ["suicidal_ideation", "self_harm"],
                                     "risk_notes": notes})
    return sid


def test_review_item_reads_as_reviewed_and_scale_risk_sits_beside_denies_si(
        services: object, client_id: int, course_id: int, tmp_path: Path) -> None:
    day = date(2026, 6, 12)
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=day,
                            answers={**CALM_PHQ, "9": 1})
    sid = integration_note(services, course_id, day, "Denies SI.")
    data = session_pdf(services, sid)
    (tmp_path / "session.pdf").write_bytes(data)
    text = flat(data)
    assert "Reviewed (a topic discussed, not a finding): Suicidal ideation; Self-harm" in text
    assert "Not reviewed: Substance use" in text
    denies = text.index("Denies SI.")
    beside = text.index("Rating scales up to 12 Jun 2026, for comparison with the risk review")
    assert denies < beside < text.index("Next steps")  # right under the risk statement
    assert "Self-harm thoughts (PHQ-9 item 9)" in text[beside:]
    assert "item 9 = 1" in text[beside:]


def test_note_before_any_scale_says_none_asked(services: object, client_id: int,
                                               course_id: int) -> None:
    sid = integration_note(services, course_id, date(2026, 6, 12), "Denies SI.")
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=date(2026, 6, 20),
                            answers={**CALM_PHQ, "9": 2})  # later than the note: not beside it
    text = flat(session_pdf(services, sid))
    assert "No rating scale has asked about suicide risk yet." in text
    assert "item 9 = 2" not in text


def test_cadss_subscores_print_with_the_measure(services: object, client_id: int,
                                                course_id: int) -> None:
    sid = services.notes.sessions_for_course(course_id)[0].id
    answers = {str(i): 0 for i in range(1, 24)}
    answers.update({"3": 4, "14": 2})
    services.measures.enter(client_id=client_id, scale_id="cadss", taken_on=FIRST,
                            session_id=sid, answers=answers)
    text = flat(session_pdf(services, sid))
    assert "Depersonalisation 4/28 · Derealisation 0/48 · Amnesia 2/16" in text
