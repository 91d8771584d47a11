"""The summaries as report data (before anything is drawn): blocks present and in order, the
de-identified variants free of names, DOB and contact details, private notes only on request."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from export_fixtures import (
    ADDRESS,
    NOW,
    PRIVATE_MARKER,
    RichCourse,
    identifying_values,
    open_world,
)

from kapnotes.export.report import (
    Banner,
    Block,
    DraftMark,
    Heading,
    KeyValues,
    LineChart,
    Paragraph,
    Report,
    Table,
)
from kapnotes.export.snapshot import ExportOptions
from kapnotes.export.summary import (
    PRIVATE_INCLUDED,
    PRIVATE_LEFT_OUT,
    course_report,
    packet_report,
    session_report,
)
from kapnotes.services.export_gather import course_snapshot, session_snapshot


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, RichCourse]]:
    services, rich = open_world(tmp_path_factory.mktemp("summary"))
    yield services, rich
    services.vault.close()


@pytest.fixture
def services(world: tuple[object, RichCourse]) -> object:
    return world[0]


@pytest.fixture
def rich(world: tuple[object, RichCourse]) -> RichCourse:
    return world[1]


def options(**chosen: object) -> ExportOptions:
    """Export options dated by the world's clock: ExportOptions() alone takes the real today,
    so "planned to date" and every status in the report would change with the day the suite
    runs, while the world is built on a fixed clock."""
    return ExportOptions(export_date=NOW.date(), **chosen)


def texts(report: Report) -> Iterator[str]:
    """Every string the report will print, metadata included."""
    yield from (report.title, report.subtitle, report.author, report.practice_name)
    yield from report.notices
    for b in report.sections:
        yield from block_texts(b)


def block_texts(b: Block) -> Iterator[str]:
    match b:
        case Heading() | Paragraph() | Banner() | DraftMark():
            yield b.text
        case KeyValues():
            for k, v in b.rows:
                yield k
                yield v
        case Table():
            yield from b.columns
            for row in b.rows:
                yield from row
        case LineChart():
            yield b.title
            yield from (s.name for s in b.series)
            yield from (r.label for r in b.reference_lines)
            yield from (m.label for m in b.markers)


def joined(report: Report) -> str:
    return "\n".join(texts(report))


def headings(report: Report, level: int) -> list[str]:
    return [b.text for b in report.sections if isinstance(b, Heading) and b.level == level]


def test_course_summary_sections_in_order(services: object, rich: RichCourse) -> None:
    snap = course_snapshot(services, rich.course_id, include_audit=True)
    report = course_report(snap, options(deidentified=False, include_audit=True))
    assert headings(report, 1) == [
        "Overview", "Client", "Screening and risk", "Intentions across sessions",
        "Themes", "Outcomes", "Vitals and adverse events", "Protocol and schedule",
        "Audit log for this course", "Session notes"]
    sessions = headings(report, 2)
    assert len(sessions) == len(snap.sessions)
    assert sessions[0].startswith("Preparation session 1")
    assert report.title == f"Course summary — {rich.client.full_name} ({rich.client.code})"
    text = joined(report)
    assert "Bipolar affective disorder" in text  # screening yes item
    assert "Self-harm thoughts (PHQ-9 item 9)" in text  # risk flag
    charts = [b for b in report.sections if isinstance(b, LineChart)]
    assert [c.title for c in charts] == ["PHQ-9 over the course"]
    assert {r.label for r in charts[0].reference_lines} == {"Response ≤ 10", "Remission < 5"}
    assert [m.label for m in charts[0].markers][:2] == ["D1", "D2"]
    outcome = next(b for b in report.sections if isinstance(b, Table)
                   and "Relapse" in b.columns)  # the Outcomes table
    assert outcome.rows[0][0] == "PHQ-9" and outcome.rows[0][1].startswith("20 ")
    assert outcome.rows[0][4].startswith("Yes, from")
    # Dipping back above the response line once is not relapse (relapse_phq9 needs two
    # scores of 10 or more 5-15 days apart) nor reliable worsening.
    assert outcome.columns[6:] == ("Worse (reliable)", "Relapse")
    assert outcome.rows[0][6:] == ("No", "No")
    assert "SpO2 90% is below 92%." in text  # every alert listed
    assert "Adverse effect: Nausea (moderate)." in text
    assert "Note signed" in text  # audit entries on request, in words
    assert "session.sign" not in text


def test_audit_section_only_on_request(services: object, rich: RichCourse) -> None:
    snap = course_snapshot(services, rich.course_id)
    assert snap.audit is None
    assert "Audit log for this course" not in headings(course_report(snap, options()), 1)


def test_deidentified_course_holds_no_identifying_value(services: object,
                                                        rich: RichCourse) -> None:
    snap = course_snapshot(services, rich.course_id, include_audit=True)
    report = course_report(snap, options(deidentified=True, include_audit=True))
    text = joined(report).casefold()
    for value in identifying_values(rich.client):
        assert value.casefold() not in text, value
    assert rich.client.code in report.title
    assert "[name]" in text and "[contact]" in text and "[date]" in text
    assert "Age" in [k for b in report.sections if isinstance(b, KeyValues) for k, _ in b.rows]
    # Free text is still marked as possibly identifying.
    assert any(isinstance(b, KeyValues) and b.possibly_identifying for b in report.sections)
    assert ADDRESS not in joined(report)


def test_identified_course_shows_the_client(services: object, rich: RichCourse) -> None:
    report = course_report(course_snapshot(services, rich.course_id),
                           options(deidentified=False))
    text = joined(report)
    assert rich.client.full_name in text and rich.client.phone in text and ADDRESS in text
    assert "[name]" not in text


def test_private_notes_left_out_unless_included(services: object, rich: RichCourse) -> None:
    snap = session_snapshot(services, rich.draft_integration)
    course = services.courses.get(snap.session.course_id)
    plain = session_report(snap, client=rich.client, course=course, options=options())
    assert PRIVATE_MARKER not in joined(plain)
    assert PRIVATE_LEFT_OUT in plain.notices
    shown = session_report(snap, client=rich.client, course=course,
                           options=options(include_private=True))
    assert PRIVATE_MARKER in joined(shown)
    assert PRIVATE_INCLUDED in shown.notices
    assert any(k == "Process notes (private)" for b in shown.sections
               if isinstance(b, KeyValues) for k, _ in b.rows)


def test_session_note_blocks_in_template_order(services: object, rich: RichCourse) -> None:
    snap = session_snapshot(services, rich.draft_dosing)
    course = services.courses.get(snap.session.course_id)
    report = session_report(snap, client=rich.client, course=course,
                            options=options(deidentified=True))
    kinds = [type(b).__name__ for b in report.sections]
    assert kinds[:3] == ["Heading", "Paragraph", "DraftMark"]  # unsigned: DRAFT at the top
    heads = [b.text for b in report.sections if isinstance(b, Heading)]
    assert heads == ["Dosing session 7 · 20 Nov 2026", "Before dosing", "The experience",
                     "After the session", "Monitoring record", "Vitals",
                     "Sedation and dissociation", "Adverse effects"]
    record = dict(next(b for b in report.sections if isinstance(b, KeyValues)
                       and b.rows[0][0] == "Medication").rows)
    assert record["Dose per kg"] == "0.5 mg/kg"
    assert record["Escort"].startswith("Recorded (left out")  # support person withheld
    vitals = next(b for b in report.sections if isinstance(b, Table) and b.columns[0] == "Time")
    assert [r[2] for r in vitals.rows] == ["Pre-dose", "~40 minutes after dose"]
    assert vitals.rows[0][1] == "-5" and vitals.rows[1][1] == "40"
    assert vitals.highlight_rows == {1}  # SpO2 alert
    assert (1, 5) in vitals.highlight_cells and (0, 3) in vitals.highlight_cells


def test_signed_note_says_who_signed_and_shows_addenda(services: object,
                                                       rich: RichCourse) -> None:
    snap = session_snapshot(services, rich.signed_dosing)
    course = services.courses.get(snap.session.course_id)
    report = session_report(snap, client=rich.client, course=course,
                            options=options(deidentified=False))
    assert not any(isinstance(b, DraftMark) for b in report.sections)
    text = joined(report)
    assert "Signed by Dr Demo Clinician on" in text
    assert "Addendum by Dr Demo Clinician" in text
    assert "pharmacy register" in text
    assert rich.client.full_name in report.title


def test_packet_lists_each_client_at_level_one(services: object, rich: RichCourse) -> None:
    snaps = [course_snapshot(services, rich.course_id)]
    for cid in rich.other_client_ids[:2]:
        course = services.courses.for_client(cid)[0]
        snaps.append(course_snapshot(services, int(course.id or 0)))
    report = packet_report(snaps, options(), clinician="Dr Demo Clinician")
    assert report.contents
    assert [h.split(" — ")[0] for h in report.headings(1)] == [s.client.code for s in snaps]
    text = joined(report).casefold()
    for snap in snaps:
        for value in identifying_values(dataclasses.replace(
                snap.client, date_of_birth=snap.client.date_of_birth)):
            assert value.casefold() not in text, value
