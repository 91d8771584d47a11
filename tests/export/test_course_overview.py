"""The summaries a supervisor reads first, read back from real PDFs: the course PDF's
one-page overview (exactly page 1, even for a 60-session course with many intentions, themes,
scales and alerts), the packet's cross-client table on its first page, and a dosing note
naming who acknowledged which screening warnings. De-identified: no identifier of a client on
those pages."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from export_fixtures import (
    CLINICIAN,
    NOW,
    RichCourse,
    build_long_course,
    identifying_values,
    open_world,
)
from helpers.pdf_text import page_text, page_texts

from kapnotes.domain.models import SessionKind
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.export.pdf import render_pdf
from kapnotes.export.snapshot import ExportOptions
from kapnotes.export.summary import course_report, packet_report, session_report
from kapnotes.export.summary_overview import DETAILS
from kapnotes.services.export_gather import course_snapshot, session_snapshot

OPTIONS = ExportOptions(deidentified=True, export_date=NOW.date(), app_version="9.8.7",
                        practice_name="Harbour Lane Therapy")
ACKER = "Dr Quinn Acknowledger"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, RichCourse]]:
    services, rich = open_world(tmp_path_factory.mktemp("overview"))
    yield services, rich
    services.vault.close()


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_no_identifiers(text: str, client: object) -> None:
    for value in identifying_values(client):
        assert value not in text, "an identifier of the client is in the page"


def test_overview_is_exactly_page_one_with_every_element(world: tuple) -> None:
    services, rich = world
    pages = page_texts(render_pdf(course_report(course_snapshot(services, rich.course_id),
                                                OPTIONS)))
    first = flat(pages[0])
    for element in ("Overview", "Protocol", "Esketamine", "Doses given 7 of 16 planned",
                    "missed", "Open risk", "SUICIDE RISK",  # PHQ-9 item 9 flag
                    "PHQ-9", "14 → 8 → 9", "Response", "Remission",  # outcome trend
                    "Alerts and adverse events", "Adverse effect: Nausea",
                    "Meet my sadness with curiosity",  # an intention and its state
                    "Leading themes (sessions)", "self-compassion", "Supervision review",
                    "none sent for supervision yet", flat(DETAILS)):
        assert element in first, element
    # The details start on page 2; the 33-slot schedule is no longer before them.
    assert "Client code" not in first and "Planned sessions" not in first
    second = flat(pages[1])
    assert "Client Client code" in second
    schedule_page = next(i for i, p in enumerate(pages) if "Planned sessions" in p)
    outcomes_page = next(i for i, p in enumerate(pages) if "PHQ-9 over the course" in p)
    assert schedule_page > outcomes_page
    assert_no_identifiers(pages[0], rich.client)


def _crowd(services: object, course_id: int) -> None:
    """A long course made as crowded as a real one gets: many intentions (long texts), many
    themes, low SpO2 alerts in every dose, four scales with risk flags."""
    client_id = services.courses.get(course_id).client_id
    for n in range(14):
        services.intentions.add(course_id, f"Intention number {n + 1}: " + "stay with what "
                                "comes up, breathe, and notice it without judging " * 3)
    sessions = services.notes.sessions_for_course(course_id)
    integrations = [s for s in sessions if s.kind is SessionKind.INTEGRATION]
    for i, s in enumerate(integrations):
        services.notes.save_fields(int(s.id or 0), {"themes": [
            {"theme": f"theme {k} with a rather long descriptive name", "evidence": "seen"}
            for k in range(i % 15, i % 15 + 4)]})
    for s in sessions:
        if s.kind is SessionKind.DOSING:
            services.monitoring.add_reading(
                int(s.id or 0), "end_of_session",
                {"systolic": 190, "diastolic": 110, "heart_rate": 130, "spo2": 85},
                at=s.starts_at + timedelta(minutes=140))
    start = sessions[0].starts_at.date()
    for week in range(10):
        day = start + timedelta(days=7 * week)
        services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=day,
                                answers={str(i): 2 for i in range(1, 10)})
        for scale in ("gad7", "madrs", "ebi", "meq30"):
            items = next(s for s in services.measures.scales if s.id == scale).items
            answers = {item.id: item.values[-1 - week % 2] for item in items if not item.asked_if}
            services.measures.enter(client_id=client_id, scale_id=scale, taken_on=day,
                                    answers=answers)


def test_overview_of_a_crowded_60_session_course_still_fits_page_one(world: tuple) -> None:
    services, _rich = world
    _client, course_id = build_long_course(services, sessions=60)
    _crowd(services, course_id)
    snap = course_snapshot(services, course_id)
    assert len(snap.sessions) == 60 and len(snap.intentions) >= 14
    pages = page_texts(render_pdf(course_report(snap, OPTIONS)))
    first = flat(pages[0])
    assert flat(DETAILS) in first  # the overview's last line: nothing spilled to page 2
    assert "… and 9 more" in first  # intentions beyond five
    assert "… and 2 more scales" in first  # scales beyond three
    assert "more earlier" in first  # alerts beyond the newest few
    assert "GAD-7" in first and "Open risk" in first
    assert flat(pages[1]).startswith("Harbour Lane Therapy") and "Client Client code" in flat(
        pages[1])
    # No blank page anywhere (a page break right after a page that filled exactly).
    assert all(len(page.splitlines()) > 6 for page in pages)
    long_client = services.clients.get(snap.client.id)
    assert long_client.full_name not in pages[0]
    # Identified, private notes included, audit on: other notices, a longer title; still one page.
    named = dataclasses.replace(OPTIONS, deidentified=False, include_private=True,
                                audit_head="1,204 entries, head 3f2a9c1b77d0")
    first = flat(page_text(render_pdf(course_report(snap, named)), 0))
    assert long_client.full_name in first and flat(DETAILS) in first


def test_packet_opens_with_one_row_per_client(world: tuple) -> None:
    services, rich = world
    ids = (rich.client.id, *rich.other_client_ids)
    snaps = []
    for cid in ids:
        course = services.courses.for_client(cid)[-1]
        snaps.append(course_snapshot(services, int(course.id or 0)))
    first = page_text(render_pdf(packet_report(snaps, OPTIONS, clinician=CLINICIAN)), 0)
    assert "Clients at a glance" in first and "Contents" in first
    assert first.index("Clients at a glance") < first.index("Contents")
    table = first[first.index("Clients at a glance"):first.index("Contents")]
    for snap in snaps:
        # pypdf reads the table cell by cell: the code is a line of its own, once per client
        assert table.splitlines().count(snap.client.code) == 1, snap.client.code
        assert_no_identifiers(first, snap.client)
    assert "PHQ-9 20 → 9" in flat(table)  # the rich client's latest outcome vs baseline
    assert "Not sent" in table


def test_dosing_pdf_names_who_acknowledged_which_warning(world: tuple) -> None:
    services, rich = world
    cid = int(rich.client.id or 0)
    services.monitoring.save_screen(cid, Screen(NOW.date() - timedelta(days=2), (
        ScreenAnswer(ScreenItem.UNCONTROLLED_HYPERTENSION, Answer.YES, "Borderline"),
    ), ()), screened_by=CLINICIAN)
    dose = services.notes.create_session(
        course_id=rich.course_id, kind=SessionKind.DOSING,
        starts_at=datetime.combine(NOW.date(), datetime.min.time()) + timedelta(hours=11),
        clinician=CLINICIAN)
    did = int(dose.id or 0)
    warnings = [w.message for w in services.monitoring.screening.warnings_for_session(did)]
    assert warnings
    services.monitoring.screening.acknowledge(did, by=ACKER)
    snap = session_snapshot(services, did)
    client = services.clients.get(cid)
    course = services.courses.get(rich.course_id)
    text = flat("\n".join(page_texts(render_pdf(session_report(
        snap, client=client, course=course, options=dataclasses.replace(OPTIONS))))))
    assert f"Screening warnings acknowledged by {ACKER} on" in text
    for message in warnings:
        assert flat(message) in text
