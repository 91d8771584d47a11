"""Outcome measures in a real vault: entry, refusals, risk flags, course outcomes."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services.container import build_services

CALM = {str(i): 0 for i in range(1, 10)}


@pytest.fixture
def client_id(services: object) -> int:
    return services.clients.create(Client(code="KAP-701", full_name="Kim Example")).id


@pytest.fixture
def course_id(services: object, client_id: int) -> int:
    return services.courses.create(Course(client_id=client_id, protocol="custom",
                                          start_date=date(2026, 10, 1))).id


def held(services: object, course_id: int, kind: SessionKind, day: date) -> int:
    return services.notes.create_session(
        course_id=course_id, kind=kind, starts_at=datetime.combine(day, datetime.min.time())).id


def phq9(services: object, client_id: int, on: date, total: int, **kw: object) -> object:
    return services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=on,
                                   total=total, **kw)


def test_phq9_item_by_item_computes_total_band_and_risk(services: object, client_id: int,
                                                         course_id: int) -> None:
    sid = held(services, course_id, SessionKind.INTEGRATION, date(2026, 10, 10))
    answers = {**CALM, "1": 2, "2": 3, "4": 2, "9": 1}  # 8: mild; item 9 > 0
    m = services.measures.enter(client_id=client_id, scale_id="phq9",
                                taken_on=date(2026, 10, 10), session_id=sid, answers=answers)
    assert (m.total, m.band, m.risk, m.total_only) == (8, "Mild", True, False)
    assert [f.code for f in m.flags] == ["self_harm_thoughts"]
    assert m.answers == answers
    assert services.measures.get(m.id) == m
    [flag] = services.measures.risk_flags(client_id)
    assert (flag.scale_name, flag.code, flag.session_id) == ("PHQ-9", "self_harm_thoughts", sid)
    assert list(services.measures.risk_sessions(course_id)) == [sid]


def test_total_only_where_allowed_leaves_item_flags_unknown(services: object,
                                                           client_id: int) -> None:
    m = phq9(services, client_id, date(2026, 10, 3), 15)
    assert (m.total, m.band, m.total_only, m.answers, m.risk) == (15, "Moderately severe", True,
                                                                  None, False)
    assert [f.code for f in m.unknown_flags] == ["self_harm_thoughts"]
    with pytest.raises(ValidationError, match="item by item"):
        services.measures.enter(client_id=client_id, scale_id="meq30",
                                taken_on=date(2026, 10, 3), total=100)


def test_missing_or_bad_items_are_refused_and_nothing_is_stored(services: object,
                                                                client_id: int) -> None:
    missing = {k: v for k, v in CALM.items() if k != "4"}
    with pytest.raises(ValidationError) as err:
        services.measures.enter(client_id=client_id, scale_id="phq9",
                                taken_on=date(2026, 10, 3), answers=missing)
    assert err.value.field == "item 4"
    with pytest.raises(ValidationError, match="item 2"):
        services.measures.enter(client_id=client_id, scale_id="phq9",
                                taken_on=date(2026, 10, 3), answers={**CALM, "2": 4})
    with pytest.raises(ValidationError, match="future"):
        phq9(services, client_id, date(2026, 12, 1), 5)
    with pytest.raises(ValidationError, match="Scale"):
        services.measures.enter(client_id=client_id, scale_id="nope", taken_on=date(2026, 10, 3),
                                total=5)
    assert services.measures.for_client(client_id) == []


def test_current_risk_is_the_newest_known_answer(services: object, client_id: int) -> None:
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=date(2026, 10, 3),
                            answers={**CALM, "9": 2})
    phq9(services, client_id, date(2026, 10, 10), 6)  # a total alone cannot clear item 9
    assert [f.code for f in services.measures.risk_flags(client_id)] == ["self_harm_thoughts"]
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=date(2026, 10, 17),
                            answers=CALM)
    assert services.measures.risk_flags(client_id) == []


@pytest.mark.parametrize(("answers", "level", "risk"), [
    ({"q1": True, "q2": False, "q6": False}, "low", False),
    ({"q1": True, "q2": True, "q3": True, "q4": False, "q5": False, "q6": False},
     "moderate", True),
    ({"q1": False, "q2": False, "q6": True, "q6_recent": False}, "moderate", True),
    ({"q1": True, "q2": True, "q3": True, "q4": True, "q5": False, "q6": False}, "high", True),
    ({"q1": False, "q2": False, "q6": True, "q6_recent": True}, "high", True),
    ({"q1": False, "q2": False, "q6": False}, "none", False),
])
def test_cssrs_moderate_and_high_raise_the_flag(services: object, client_id: int,
                                                answers: dict, level: str, risk: bool) -> None:
    m = services.measures.enter(client_id=client_id, scale_id="cssrs_screen",
                                taken_on=date(2026, 10, 3), answers=answers)
    assert (m.risk_level, m.risk, m.total) == (level, risk, None)
    assert bool(services.measures.risk_flags(client_id)) is risk


def test_cssrs_unanswered_asked_item_is_refused(services: object, client_id: int) -> None:
    with pytest.raises(ValidationError, match="item q3"):
        services.measures.enter(client_id=client_id, scale_id="cssrs_screen",
                                taken_on=date(2026, 10, 3), answers={"q1": True, "q2": True})


def test_session_of_another_client_is_refused(services: object, client_id: int) -> None:
    other = services.clients.create(Client(code="KAP-702", full_name="Lee Example"))
    course = services.courses.create(Course(client_id=other.id, protocol="custom",
                                            start_date=date(2026, 10, 1))).id
    sid = held(services, course, SessionKind.DOSING, date(2026, 10, 5))
    with pytest.raises(ValidationError, match="another client"):
        phq9(services, client_id, date(2026, 10, 5), 10, session_id=sid)


def test_course_outcome_baseline_response_remission_relapse(services: object, client_id: int,
                                                            course_id: int) -> None:
    for day in (date(2026, 10, 9), date(2026, 10, 16), date(2026, 10, 23)):
        held(services, course_id, SessionKind.DOSING, day)
    held(services, course_id, SessionKind.PREPARATION, date(2026, 10, 2))
    series = [(date(2026, 9, 1), 25), (date(2026, 10, 5), 20), (date(2026, 10, 12), 12),
              (date(2026, 10, 19), 9), (date(2026, 10, 26), 4), (date(2026, 11, 9), 14)]
    for on, total in series:
        phq9(services, client_id, on, total)
    services.measures.enter(client_id=client_id, scale_id="cssrs_screen",
                            taken_on=date(2026, 10, 5), answers={"q1": False, "q2": False,
                                                                  "q6": False})
    # A later course's scores belong to that course.
    later = services.courses.create(Course(client_id=client_id, protocol="custom",
                                           start_date=date(2026, 11, 15))).id
    phq9(services, client_id, date(2026, 11, 16), 3)

    outcomes = services.measures.course_outcomes(course_id)
    assert outcomes.first_dose == date(2026, 10, 9)
    assert outcomes.dosing_dates == (date(2026, 10, 9), date(2026, 10, 16), date(2026, 10, 23))
    phq = outcomes.for_scale("phq9")
    assert [p.total for p in phq.points] == [25, 20, 12, 9, 4, 14]
    o = phq.outcome
    assert (o.baseline.on, o.baseline.total) == (date(2026, 10, 5), 20)
    assert o.first_response_date == date(2026, 10, 19)  # 9 <= 20 / 2; 12 is not
    assert o.first_remission_date == date(2026, 10, 26)  # PHQ-9 < 5
    # 14 after remission: one score at or above 10, a possible relapse awaiting confirmation.
    assert o.relapse_dates == () and o.possible_relapse == date(2026, 11, 9)
    assert o.change == -6
    assert (phq.response_line, phq.remission_line) == (10.0, 5.0)
    cssrs = outcomes.for_scale("cssrs_screen")
    assert cssrs.outcome is None and cssrs.points == ()
    # Each score belongs to one course: this one is still active, so its span holds every
    # date until the later course begins (kapnotes/domain/measure_courses.py).
    assert [p.total for p in services.measures.course_outcome(later, "phq9").points] == [3]


def test_first_dose_falls_back_to_the_plan(services: object, client_id: int) -> None:
    course = services.courses.create(Course(client_id=client_id, protocol="kap_sublingual_im",
                                            start_date=date(2026, 10, 1)))
    planned = [e.slot.planned_date for e in services.courses.timeline(course.id).entries
               if e.slot.kind is SessionKind.DOSING]
    assert planned and services.measures.first_dose(course.id) == min(planned)
    dose = held(services, course.id, SessionKind.DOSING, min(planned).replace(day=20))
    assert services.measures.first_dose(course.id) == services.notes.session(
        dose).starts_at.date()  # a dose held wins over the plan


def test_practice_scale_file_is_offered(open_vault: object, clock: object, tmp_path: Path) -> None:
    folder = tmp_path / "scales"  # KAPNOTES_DATA_DIR is tmp_path in every test
    folder.mkdir()
    phq = json.loads((Path(__file__).parents[2] / "resources/scales/phq9.json").read_text())
    phq.update(id="phq9_practice", short_name="PHQ-9 (practice)")
    (folder / "phq9_practice.json").write_text(json.dumps(phq))
    services = build_services(open_vault, clock=clock, practice_templates=tmp_path / "t")
    assert services.measures.scale("phq9_practice").short_name == "PHQ-9 (practice)"


def test_scale_files_are_read_when_first_needed_not_at_unlock(open_vault: object,
                                                              clock: object) -> None:
    from kapnotes.services.measures import MeasureService, load_practice_scales

    calls: list[int] = []

    def loader() -> object:
        calls.append(1)
        return load_practice_scales()

    measures = MeasureService(open_vault, loader, clock=clock)
    assert calls == []  # opening the window reads no scale file
    assert measures.scale("phq9").short_name == "PHQ-9"
    assert "phq9" in {s.id for s in measures.scales}
    assert calls == [1]  # read once, then kept


def test_scores_belong_to_their_course_when_a_second_course_starts_the_same_day(
        services: object, client_id: int, tmp_path: Path) -> None:
    """Issue 14: with two courses starting the same day (one discontinued) every course said
    "No outcome measures" and the PDF "No rating-scale totals" beside the item-9 alert."""
    from pypdf import PdfReader

    from kapnotes.domain.models import CourseStatus
    from kapnotes.services import exports

    start = date(2026, 11, 2)
    mistaken = services.courses.create(Course(client_id=client_id, protocol="esketamine",
                                              start_date=start)).id
    services.courses.set_status(mistaken, CourseStatus.DISCONTINUED,
                                "Entered with the wrong protocol.")
    course = services.courses.create(Course(client_id=client_id, protocol="esketamine",
                                            start_date=start)).id
    baseline = phq9(services, client_id, date(2026, 10, 30), 18)  # unlinked, before dose 1
    integration = held(services, course, SessionKind.INTEGRATION, date(2026, 11, 3))
    linked = services.measures.enter(client_id=client_id, scale_id="phq9",
                                     taken_on=date(2026, 11, 3), session_id=integration,
                                     answers={**CALM, "1": 2, "2": 2, "9": 1})
    outcomes = services.measures.course_outcomes(course)
    assert [p.total for p in outcomes.for_scale("phq9").points] == [18, 5]
    assert services.measures.course_outcomes(mistaken).series == ()
    assert services.measures.course_of_measures(client_id) == {baseline.id: course,
                                                                linked.id: course}
    job = exports.build_course_report(services, client_id, exports.options_for(services),
                                      course_id=course)
    text = "\n".join(page.extract_text() for page in
                     PdfReader(str(exports.render_to_file(job, tmp_path / "c.pdf"))).pages)
    assert "No rating-scale totals recorded" not in text
    assert "PHQ-9" in text and "18" in text


def test_unlinked_scores_between_courses_are_the_next_course_baseline(services: object,
                                                                      client_id: int) -> None:
    from kapnotes.domain.models import CourseStatus

    first = services.courses.create(Course(client_id=client_id, protocol="custom",
                                           start_date=date(2026, 6, 1))).id
    held(services, first, SessionKind.DOSING, date(2026, 6, 1))
    held(services, first, SessionKind.INTEGRATION, date(2026, 6, 20))
    services.courses.set_status(first, CourseStatus.COMPLETED)
    second = services.courses.create(Course(client_id=client_id, protocol="custom",
                                            start_date=date(2026, 10, 1))).id
    during = phq9(services, client_id, date(2026, 6, 10), 12)
    between = phq9(services, client_id, date(2026, 9, 1), 16)
    now = phq9(services, client_id, date(2026, 11, 1), 9)
    assert services.measures.course_of_measures(client_id) == {
        during.id: first, between.id: second, now.id: second}


def test_scores_reach_the_new_course_when_the_discontinued_one_holds_a_later_session(
        services: object, client_id: int, tmp_path: Path) -> None:
    """The issue's own case: a note was started in the course entered by mistake (on 5 Nov)
    before it was discontinued. The old rule gave the new course only scores after that note
    and the old course only scores before the new one began, so both said "No outcome
    measures" and the course PDF printed "No rating-scale totals recorded" under the PHQ-9
    item-9 alert."""
    from pypdf import PdfReader

    from kapnotes.domain.models import CourseStatus
    from kapnotes.services import exports

    start = date(2026, 11, 2)
    mistaken = services.courses.create(Course(client_id=client_id, protocol="esketamine",
                                              start_date=start)).id
    held(services, mistaken, SessionKind.DOSING, date(2026, 11, 5))
    services.courses.set_status(mistaken, CourseStatus.DISCONTINUED, "Wrong protocol.")
    course = services.courses.create(Course(client_id=client_id, protocol="esketamine",
                                            start_date=start)).id
    phq9(services, client_id, start, 19)  # unlinked, the morning of the first dose
    integration = held(services, course, SessionKind.INTEGRATION, date(2026, 11, 3))
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=date(2026, 11, 3),
                            session_id=integration, answers={**CALM, "1": 2, "2": 2, "9": 1})

    assert [p.total for p in services.measures.course_outcomes(course)
            .for_scale("phq9").points] == [19, 5]
    assert services.measures.course_outcomes(mistaken).series == ()
    job = exports.build_course_report(services, client_id, exports.options_for(services),
                                      course_id=course)
    text = "\n".join(" ".join(page.extract_text().split()) for page in
                     PdfReader(str(exports.render_to_file(job, tmp_path / "c.pdf"))).pages)
    assert "Self-harm thoughts (PHQ-9 item 9)" in text
    assert "No rating-scale totals recorded" not in text
    assert "PHQ-9 19 (2 Nov 2026) 5 (3 Nov 2026)" in text, text[:4000]
